/**
 * @module providers/shortapi/shortapi-spec — ShortAPI's job API for alibaba/wan-2.7/image-to-video (video only).
 *
 * Wire format: ../shared/providers.md §5, ShortAPI's own page (seeds/004) and
 * ../shared/provider-fixtures/shortapi.json. Create with `POST /api/v1/job/create {model, args,
 * callback_url}`, read with `GET /api/v1/job/query?id=`. ShortAPI wraps every answer in
 * `{code, data}`: a non-zero `code` is an error even under HTTP 200 (§5.3). Its callback body
 * is undocumented and unsigned, so it is only a hint. ShortAPI documents no cancel and no
 * idempotent create, and sells no wan2.7 image-pro model (§5.8).
 *
 * Only the create answer and the `status: 2` read are documented; everything else here is
 * read so that a guess can never lose or double-bill a job (see `shortapiTask`).
 */
import { z } from "@hono/zod-openapi";
import type { I2vInput } from "../../models/i2v";
import type { ModelAdapter, ProviderSpec, UpstreamError, UpstreamTask } from "../provider-adapter";
import type { ProviderCall, ProviderErrors } from "../provider-http";
import { callProvider, classifyStatus, createdTask, mediaUrls, pick, pickCode, pickString, protocolError, unknownTask } from "../provider-http";

/** Builds the create body. Exported for fixture tests. Seed and watermark are not documented, so never sent. */
export function shortapiVideoBody(input: I2vInput, callbackUrl: string | null): Record<string, unknown> {
  const args: Record<string, unknown> = {
    // Always explicit: ShortAPI's default resolution is 1080p, ours 720p (§5.2).
    resolution: input.resolution,
    duration: input.duration,
    prompt_extend: input.prompt_extend,
  };
  if (input.prompt !== undefined) args.prompt = input.prompt;
  if (input.negative_prompt !== undefined) args.negative_prompt = input.negative_prompt;
  if (input.first_frame) args.first_frame_image = input.first_frame;
  if (input.last_frame) args.last_frame_image = input.last_frame;
  if (input.driving_audio) args.driving_audio_url = input.driving_audio;
  if (input.first_clip) args.first_clip_video_url = input.first_clip;
  const body: Record<string, unknown> = { model: "alibaba/wan-2.7/image-to-video", args };
  if (callbackUrl) body.callback_url = callbackUrl;
  return body;
}

/**
 * The job id of a create answer or a callback: the schema puts it at `data.job_id`, the
 * docs' own samples read a top-level `job_id` (§5.2); accept both, and `id` for callbacks.
 */
export function shortapiJobId(body: unknown): string | null {
  for (const path of [["data", "job_id"], ["job_id"], ["data", "id"], ["id"]]) {
    const id = pickString(body, ...path);
    if (id) return id;
  }
  return null;
}

/**
 * ShortAPI's status words, by meaning (S1). Documented: only `2` (succeeded). The rest is
 * what clients check: numbers below 2 are in flight (a 3P client), `succeeded` (a ShortAPI
 * skill), `success`/`completed`/`failed`/`error`/`cancelled` (3P clients). `3` and any other
 * value is unknown: read as failed it could make the job resubmit a task that is still
 * generating, which is billed twice; unknown only keeps the job polling.
 */
const statusStates: Record<string, "pending" | "running" | "completed" | "failed" | "canceled"> = {
  "0": "pending",
  queued: "pending",
  "1": "running",
  processing: "running",
  "2": "completed",
  success: "completed",
  succeeded: "completed",
  completed: "completed",
  failed: "failed",
  error: "failed",
  cancelled: "canceled",
  canceled: "canceled",
};

/** `data.amount` (the charge ShortAPI reports, a string such as "0.02"), verbatim. */
function amountUsage(job: unknown): { amount: unknown } | undefined {
  const amount = pick(job, "amount");
  return amount === undefined || amount === null ? undefined : { amount };
}

/**
 * The result's URLs (S3). The docs show `result.images[].url` (a template from image models);
 * clients read `result.videos[].url`, `result.video{url}`, `result.url`, `result.video_url`, a
 * `result` list, or `data.output`. The first form that has a URL wins, the video forms first,
 * so a cover image beside a video is never taken for the output.
 */
function resultUrls(job: unknown): string[] {
  const result = pick(job, "result");
  const forms = [pick(result, "videos"), pick(result, "video"), pick(result, "url"), pick(result, "video_url"), pick(result, "images"), result, pick(job, "output")];
  for (const form of forms) {
    const urls = mediaUrls(form);
    if (urls.length > 0) return urls;
  }
  return [];
}

const jobSchema = z.looseObject({ status: z.union([z.number(), z.string()]) });
/** A read (or callback): the job at `data` as documented, or the status at the top level (clients read both). */
const querySchema = z.union([
  z.looseObject({ data: jobSchema }).transform((body) => ({ body, job: body.data })),
  jobSchema.transform((job) => ({ body: job, job })),
]);

/** Maps ShortAPI's query (or callback) JSON, once parsed, to an UpstreamTask. */
function shortapiTask({ body, job }: z.output<typeof querySchema>): UpstreamTask {
  const upstreamStatus = String(job.status);
  const state = statusStates[upstreamStatus.toLowerCase()];
  if (!state) return unknownTask(upstreamStatus);
  if (state === "pending" || state === "running") return { state, progress: null, upstreamStatus };
  if (state === "completed") {
    const urls = resultUrls(job);
    if (urls.length === 0) return { state: "failed", upstreamStatus, error: protocolError("ShortAPI reported success without a result URL") };
    const usage = amountUsage(job);
    return { state: "completed", urls, upstreamStatus, ...(usage ? { providerUsage: usage } : {}) };
  }
  // The failure fields are undocumented: take whatever message there is.
  const message = pickString(job, "error") ?? pickString(job, "error", "message") ?? pickString(job, "message") ?? pickString(body, "message") ?? `the job ${state === "canceled" ? "was canceled" : "failed"} at ShortAPI`;
  if (state === "canceled") return { state: "failed", upstreamStatus, error: { kind: "canceled", message, retryable: true } };
  // The reason is unknown, so another try (elsewhere) may succeed.
  return { state: "failed", upstreamStatus, error: { kind: "generation_failed", message, retryable: true } };
}

/** The top-level `code`, when it signals an error (anything but 0 or absent; a number or a string). */
function errorCode(body: unknown): string | undefined {
  const code = pickCode(body, "code");
  return code === undefined || code === "0" ? undefined : code;
}

/**
 * Maps a ShortAPI failure: a non-zero `code` (under any HTTP status), or an HTTP error (S2).
 * ShortAPI's code catalogue is undocumented (§5.5), so a code is read by what it clearly is —
 * an HTTP-like number or words about credit, keys, rate or a missing job. What is left is,
 * at create, ShortAPI refusing a request our validation accepted ("invalid model"): `rejected`,
 * so the job tries another provider; at a read it says nothing we understand: `protocol`,
 * so the job reads again.
 */
export function shortapiError(status: number, headers: Headers, body: unknown, nowMs: number, operation: ProviderCall["operation"]): UpstreamError {
  const message = pickString(body, "message") ?? pickString(body, "info") ?? pickString(body, "msg") ?? `ShortAPI answered HTTP ${status}`;
  const error = classifyStatus(status, headers, message, nowMs);
  const code = errorCode(body);
  if (code === undefined) return error;
  error.providerCode = code;
  const numeric = Number(code);
  const refine = (kind: UpstreamError["kind"], retryable: boolean) => Object.assign(error, { kind, retryable });
  if (numeric === 402 || /balance|credit|insufficient|quota|余额|欠费/i.test(message)) refine("out_of_credit", true);
  else if (numeric === 401 || numeric === 403 || /api[ _-]?key|unauthori[sz]ed|forbidden|鉴权|密钥/i.test(message)) refine("unauthorized", false);
  else if (numeric === 429 || /rate limit|too many|频繁/i.test(message)) refine("rate_limited", true);
  else if ((numeric >= 500 && numeric < 600) || status >= 500) refine("unavailable", true);
  else if (operation === "read" && (numeric === 404 || /not found|not exist|不存在/i.test(message))) refine("not_found", true);
  else if (operation === "create") refine("rejected", false);
  else refine("protocol", true);
  return error;
}

const shortapiErrors: ProviderErrors = {
  name: "ShortAPI",
  failure: (response, call, nowMs) => shortapiError(response.status, response.headers, response.body, nowMs, call.operation),
  failedInBody: (body) => errorCode(body) !== undefined,
};

/** A create answer: the job id (wherever it is) and the charge. */
const createSchema = z.unknown().transform((body, context) => {
  const upstreamId = shortapiJobId(body);
  if (upstreamId === null) {
    context.addIssue({ code: "custom", message: "no job id" });
    return z.NEVER;
  }
  return { upstreamId, usage: amountUsage(pick(body, "data")) };
});

const shortapiVideo: ModelAdapter<"wan2.7-i2v"> = {
  capabilities: {
    modes: ["first_frame", "first_last_frame", "video_continuation"],
    durations: { min: 2, max: 15 },
    resolutions: ["720p", "1080p"],
    drivingAudio: true,
    seed: null, // not documented: requests with a seed are not routed here
    watermark: false, // not documented
    negativePrompt: true,
    promptExtend: true,
    promptRequired: false,
    callbacks: true,
    cancel: false,
    pricePerSecondUsd: { "720p": 0.085, "1080p": 0.085 }, // documented flat price (§5.7)
    polling: { baseMs: 2_000, maxMs: 15_000 },
    startDeadlineMs: 10 * 60_000,
  },

  submit(input, options, context) {
    // No idempotent create is documented: the key is not sent.
    const call = { operation: "create", method: "POST", path: "/api/v1/job/create", body: shortapiVideoBody(input, options.callbackUrl) } as const;
    // The create answer carries no status: the job was just accepted.
    return callProvider(context, shortapiErrors, call, createSchema, ({ upstreamId, usage }) => ({ upstreamId, task: createdTask(), ...(usage ? { providerUsage: usage } : {}) }));
  },

  getTask(upstreamId, context) {
    return callProvider(context, shortapiErrors, { operation: "read", method: "GET", path: `/api/v1/job/query?id=${encodeURIComponent(upstreamId)}` }, querySchema, shortapiTask);
  },
};

export const shortapiSpec: ProviderSpec = {
  id: "shortapi",
  displayName: "ShortAPI",
  models: { "wan2.7-i2v": shortapiVideo },
  callbackTaskId: shortapiJobId,
};
