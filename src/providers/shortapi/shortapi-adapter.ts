/**
 * @module providers/shortapi/shortapi-adapter — ShortAPI's job API for alibaba/wan-2.7/image-to-video.
 *
 * Wire format: ../shared/providers.md §5 and ShortAPI's own page (seeds/004). Create with
 * `POST /api/v1/job/create {model, args, callback_url}`, read with `GET /api/v1/job/query?id=`.
 * ShortAPI wraps every answer in `{code, data}`: a non-zero `code` is an error even under
 * HTTP 200 (§5.3). Its callback body is undocumented and unsigned, so it is only a hint.
 */
import { z } from "@hono/zod-openapi";
import type { I2vInput } from "../../models/i2v";
import { classifyStatus, pick, pickString, protocolError, providerRequest } from "../provider-http";
import type { Result, UpstreamError, UpstreamTask, VideoAdapter } from "../provider-adapter";

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

/** Only 2 is documented; 0/1/3 follow the common convention; the strings come from ShortAPI's skill docs (§5.3). */
const statusStates: Record<string, "pending" | "running" | "completed" | "failed"> = {
  "0": "pending",
  "1": "running",
  "2": "completed",
  "3": "failed",
  queued: "pending",
  processing: "running",
  succeeded: "completed",
  failed: "failed",
};

// Minimal response schema: only what we read.
const querySchema = z.looseObject({
  data: z.looseObject({
    status: z.union([z.number(), z.string()]),
    result: z.unknown().optional(),
    error: z.unknown().optional(),
    message: z.string().nullish(),
  }),
});

/** Maps ShortAPI's query (or callback) JSON to an UpstreamTask. Exported for fixture tests. */
export function shortapiTask(json: unknown): UpstreamTask | null {
  const parsed = querySchema.safeParse(json);
  if (!parsed.success) return null;
  const job = parsed.data.data;
  const upstreamStatus = String(job.status);
  const state = statusStates[upstreamStatus];
  if (!state) return null;
  if (state === "pending" || state === "running") return { state, progress: null, upstreamStatus };
  if (state === "completed") {
    const urls = resultUrls(job.result);
    if (urls.length === 0) return { state: "failed", upstreamStatus, error: protocolError("ShortAPI reported success without a result URL") };
    return { state: "completed", urls, upstreamStatus };
  }
  // The failure fields are undocumented: take whatever message there is. The reason is
  // unknown, so another try (elsewhere) may succeed.
  const message = pickString(job.error) ?? pickString(job.error, "message") ?? job.message ?? pickString(json, "message") ?? "the job failed";
  return { state: "failed", upstreamStatus, error: { kind: "generation_failed", message, retryable: true } };
}

/**
 * The result's URLs. The docs show `result.images[].url` (a template from image models);
 * clients read `result.videos[0].url`, then `result.url` or `result.video_url` (§5.3).
 * Every form is accepted, the video forms first.
 */
function resultUrls(result: unknown): string[] {
  const listed = (key: string): string[] => {
    const list = pick(result, key);
    if (!Array.isArray(list)) return [];
    return list.map((entry) => (typeof entry === "string" ? entry : pickString(entry, "url"))).filter((url): url is string => !!url);
  };
  const candidates = [listed("videos"), [pickString(result, "url")], [pickString(result, "video_url")], listed("images")];
  for (const urls of candidates) {
    const present = urls.filter((url): url is string => !!url);
    if (present.length > 0) return present;
  }
  return [];
}

/** The top-level `code`, when it signals an error (anything but 0 or absent). */
function errorCode(body: unknown): number | string | undefined {
  const code = pick(body, "code");
  if (code === undefined || code === null || code === 0 || code === "0") return undefined;
  return typeof code === "number" || typeof code === "string" ? code : undefined;
}

/**
 * Maps a ShortAPI failure: a non-zero `code` (under any HTTP status), or an HTTP error.
 * ShortAPI's code catalogue is undocumented (§5.5); codes that look like HTTP statuses are read as such.
 */
export function shortapiHttpError(status: number, headers: Headers, body: unknown, nowMs: number): UpstreamError {
  const message = pickString(body, "message") ?? pickString(body, "info") ?? pickString(body, "msg") ?? `ShortAPI answered HTTP ${status}`;
  const error = classifyStatus(status, headers, message, nowMs);
  const code = errorCode(body);
  if (code === undefined) return error;
  error.providerCode = String(code);
  if (status >= 500) return error;
  const numeric = Number(code);
  if (numeric === 401) Object.assign(error, { kind: "unauthorized", retryable: false });
  else if (numeric === 402 || /balance|credit/i.test(message)) Object.assign(error, { kind: "out_of_credit", retryable: true });
  else if (numeric === 429) Object.assign(error, { kind: "rate_limited", retryable: true });
  else if (numeric >= 500 && numeric < 600) Object.assign(error, { kind: "unavailable", retryable: true });
  else Object.assign(error, { kind: "rejected", retryable: false });
  return error;
}

const failed = (status: number, body: unknown): boolean => status < 200 || status >= 300 || errorCode(body) !== undefined;

export const shortapiAdapter: VideoAdapter = {
  id: "shortapi",
  displayName: "ShortAPI",
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

  async submitVideo(input, options, context): Promise<Result<{ upstreamId: string; task: UpstreamTask }>> {
    const sent = await providerRequest(context, "POST", "/api/v1/job/create", { body: shortapiVideoBody(input, options.callbackUrl) });
    if (!sent.ok) return sent;
    const { status, headers, body } = sent.value;
    if (failed(status, body)) return { ok: false, error: shortapiHttpError(status, headers, body, context.now()) };
    const upstreamId = shortapiJobId(body);
    if (!upstreamId) return { ok: false, error: protocolError("ShortAPI's create response had no job_id") };
    // The create answer carries no status: the job is queued.
    return { ok: true, value: { upstreamId, task: { state: "pending", progress: null, upstreamStatus: "created" } } };
  },

  async getTask(upstreamId, context) {
    const sent = await providerRequest(context, "GET", `/api/v1/job/query?id=${encodeURIComponent(upstreamId)}`);
    if (!sent.ok) return sent;
    const { status, headers, body } = sent.value;
    if (failed(status, body)) return { ok: false, error: shortapiHttpError(status, headers, body, context.now()) };
    const task = shortapiTask(body);
    if (!task) return { ok: false, error: protocolError("ShortAPI's query response was not understood") };
    return { ok: true, value: task };
  },

  callbackTaskId: shortapiJobId,
};
