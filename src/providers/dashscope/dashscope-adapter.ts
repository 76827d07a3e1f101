/**
 * @module providers/dashscope/dashscope-adapter — Alibaba Model Studio (DashScope), the origin API of wan2.7-i2v.
 *
 * Wire format: ../shared/providers.md §1. Create with `POST /api/v1/services/aigc/video-generation/video-synthesis`
 * and the `X-DashScope-Async: enable` header, read with `GET /api/v1/tasks/{id}`, cancel a
 * queued task with `POST /api/v1/tasks/{id}/cancel`. DashScope has no callbacks (§1.6).
 *
 * The base URL is the origin only: `https://dashscope-intl.aliyuncs.com` (Singapore,
 * international) or `https://dashscope.aliyuncs.com` (Beijing). The model, the endpoint and
 * the API key must all belong to the same region; a key used across regions fails with
 * InvalidApiKey or a service error (§1.1).
 *
 * The task plumbing (async create, task read, cancel, error mapping) is one API for every
 * model and is exported for the image side, ./dashscope-image-adapter.ts.
 */
import { z } from "@hono/zod-openapi";
import type { I2vInput } from "../../models/i2v";
import { i2vMediaUrls } from "../../models/i2v";
import { classifyStatus, pickString, protocolError, providerRequest } from "../provider-http";
import type { AdapterContext, Result, UpstreamError, UpstreamTask, VideoAdapter } from "../provider-adapter";

const apiPath = "/api/v1";

/** Builds the create body. Exported for fixture tests. */
export function dashscopeVideoBody(input: I2vInput): Record<string, unknown> {
  const body: { model: string; input: Record<string, unknown>; parameters: Record<string, unknown> } = {
    model: "wan2.7-i2v",
    // Our material names are DashScope's `media[].type` values, by design (models/i2v.ts).
    input: { media: i2vMediaUrls(input).map(([type, url]) => ({ type, url })) },
    // Always explicit: DashScope's defaults (1080P, 5 s, prompt_extend true) differ from
    // ours, and a request without `resolution` is billed as 1080P (§1.2, §1.8).
    parameters: {
      resolution: input.resolution === "1080p" ? "1080P" : "720P",
      duration: input.duration,
      prompt_extend: input.prompt_extend,
      watermark: input.watermark,
    },
  };
  if (input.prompt !== undefined) body.input.prompt = input.prompt;
  // Under `input`, by the DashScope convention (§1.2 [INF]).
  if (input.negative_prompt !== undefined) body.input.negative_prompt = input.negative_prompt;
  if (input.seed !== undefined) body.parameters.seed = input.seed;
  return body;
}

// Minimal response schema: only what we read (the image side reads its own `choices`).
const taskSchema = z.looseObject({
  output: z.looseObject({
    task_id: z.string().min(1),
    task_status: z.string(),
    video_url: z.string().nullish(),
    code: z.string().nullish(),
    message: z.string().nullish(),
  }),
  usage: z.looseObject({ duration: z.number().nullish(), output_video_duration: z.number().nullish() }).nullish(),
});

/** A task read as far as every DashScope model shares it. */
export type DashscopeTaskBody = z.infer<typeof taskSchema>;

/** Maps DashScope's video task JSON (create answer or task read) to an UpstreamTask. Exported for fixture tests. */
export function dashscopeTask(json: unknown): UpstreamTask | null {
  return dashscopeTaskWith(json, videoSucceeded);
}

/**
 * Maps a task JSON with the status logic all DashScope models share (one `/tasks` API);
 * `succeeded` reads the model's own result from a SUCCEEDED task. Exported for the image side.
 */
export function dashscopeTaskWith(json: unknown, succeeded: (task: DashscopeTaskBody) => UpstreamTask): UpstreamTask | null {
  const parsed = taskSchema.safeParse(json);
  if (!parsed.success) return null;
  const { output } = parsed.data;
  const upstreamStatus = output.task_status;
  switch (upstreamStatus) {
    case "PENDING":
      return { state: "pending", progress: null, upstreamStatus };
    case "RUNNING":
      return { state: "running", progress: null, upstreamStatus }; // DashScope reports no progress (§1.3)
    case "SUCCEEDED":
      return succeeded(parsed.data);
    case "FAILED":
      return { state: "failed", upstreamStatus, error: dashscopeFailure(output.code ?? "", output.message ?? "the task failed") };
    case "CANCELED":
      return { state: "failed", upstreamStatus, error: { kind: "canceled", message: "the task was canceled at DashScope", retryable: false } };
    case "UNKNOWN":
      // The task does not exist or is older than 24 h (§1.3).
      return { state: "failed", upstreamStatus, error: { kind: "not_found", message: "DashScope does not know the task (expired after 24 h, or never existed)", retryable: false } };
    default:
      return null;
  }
}

function videoSucceeded({ output, usage }: DashscopeTaskBody): UpstreamTask {
  const upstreamStatus = output.task_status;
  if (!output.video_url) return { state: "failed", upstreamStatus, error: dashscopeProtocolError("DashScope reported success without a video_url") };
  const task: UpstreamTask = { state: "completed", urls: [output.video_url], upstreamStatus };
  // Billing is on usage.duration = input clip + output (§1.3).
  const billed = usage?.duration ?? usage?.output_video_duration;
  if (typeof billed === "number") task.billedSeconds = billed;
  return task;
}

/** A failed task's `output.code` (§1.3, §1.5). */
function dashscopeFailure(code: string, message: string): UpstreamError {
  const error = (kind: UpstreamError["kind"], retryable: boolean): UpstreamError => ({ kind, message, retryable, ...(code ? { providerCode: code } : {}) });
  if (code.startsWith("DataInspectionFailed")) return error("content_policy", false);
  // Includes InvalidParameter.DataInspection, which the docs also use for unsupported media.
  if (code.startsWith("InvalidParameter")) return error("rejected", false);
  if (code.startsWith("InternalError")) return error("generation_failed", true);
  // An undocumented code: assume a model failure that another try may not repeat.
  return error("generation_failed", true);
}

/** Maps a DashScope error response `{code, message, request_id}` (§1.5). */
export function dashscopeHttpError(status: number, headers: Headers, body: unknown, nowMs: number): UpstreamError {
  const code = pickString(body, "code") ?? "";
  const message = pickString(body, "message") ?? `DashScope answered HTTP ${status}`;
  const error = classifyStatus(status, headers, message, nowMs);
  if (code !== "") error.providerCode = code;
  if (code === "Arrearage") {
    // The account is in arrears: a billing failure that DashScope reports as 400, not 402.
    // Retryable so that routing can fail over to a reseller.
    error.kind = "out_of_credit";
    error.retryable = true;
  } else if (code.startsWith("DataInspectionFailed")) {
    error.kind = "content_policy";
    error.retryable = false;
  } else if (code === "InvalidApiKey" || code.startsWith("AccessDenied")) {
    error.kind = "unauthorized";
    error.retryable = false;
  } else if (code.startsWith("Throttling")) {
    error.kind = "rate_limited";
    error.retryable = true;
  }
  return error;
}

/** Kept as a name for the image adapter; the one definition lives in provider-http. */
export const dashscopeProtocolError = protocolError;

/**
 * Creates an async task (`X-DashScope-Async: enable`; the calls are async only, §1.2, §1.4)
 * and maps the answer with `map`. Shared by the video and image sides.
 */
export async function createDashscopeTask(
  path: string,
  body: unknown,
  context: AdapterContext,
  map: (json: unknown) => UpstreamTask | null,
): Promise<Result<{ upstreamId: string; task: UpstreamTask }>> {
  const sent = await providerRequest(context, "POST", `${apiPath}${path}`, { body, headers: { "X-DashScope-Async": "enable" } });
  if (!sent.ok) return sent;
  const { status, headers, body: answer } = sent.value;
  if (status < 200 || status >= 300) return { ok: false, error: dashscopeHttpError(status, headers, answer, context.now()) };
  const task = map(answer);
  const upstreamId = pickString(answer, "output", "task_id");
  if (!task || !upstreamId) return { ok: false, error: dashscopeProtocolError("DashScope's create response had no task id") };
  return { ok: true, value: { upstreamId, task } };
}

/** Reads a task at `GET /api/v1/tasks/{id}` and maps it with `map`. Shared by the video and image sides. */
export async function readDashscopeTask(upstreamId: string, context: AdapterContext, map: (json: unknown) => UpstreamTask | null): Promise<Result<UpstreamTask>> {
  const sent = await providerRequest(context, "GET", `${apiPath}/tasks/${encodeURIComponent(upstreamId)}`);
  if (!sent.ok) return sent;
  const { status, headers, body } = sent.value;
  if (status < 200 || status >= 300) return { ok: false, error: dashscopeHttpError(status, headers, body, context.now()) };
  const task = map(body);
  if (!task) return { ok: false, error: dashscopeProtocolError("DashScope's task response was not understood") };
  return { ok: true, value: task };
}

/** Cancels a task; refused (an error value) once it has left PENDING (§1.3). Shared by both sides. */
export async function cancelDashscopeTask(upstreamId: string, context: AdapterContext): Promise<Result<void>> {
  const sent = await providerRequest(context, "POST", `${apiPath}/tasks/${encodeURIComponent(upstreamId)}/cancel`);
  if (!sent.ok) return sent;
  const { status, headers, body } = sent.value;
  if (status < 200 || status >= 300) return { ok: false, error: dashscopeHttpError(status, headers, body, context.now()) };
  return { ok: true, value: undefined };
}

export const dashscopeAdapter: VideoAdapter = {
  id: "dashscope",
  displayName: "Alibaba Model Studio (DashScope)",
  capabilities: {
    modes: ["first_frame", "first_last_frame", "video_continuation"],
    durations: { min: 2, max: 15 },
    resolutions: ["720p", "1080p"],
    drivingAudio: true,
    seed: { min: 0, max: 2147483647 },
    watermark: true,
    negativePrompt: true,
    promptExtend: true,
    promptRequired: false,
    callbacks: false, // poll-only (§1.6)
    cancel: true, // only while PENDING (§1.3)
    // No official international price was found (§1.8). A reseller charges ~$0.1028/s at
    // 720P at 1.2× the Beijing list price; 0.10 is that order of magnitude. 1080P: unknown.
    pricePerSecondUsd: { "720p": 0.1, "1080p": null },
    // DashScope recommends polling video tasks every ~15 s, and `GET /tasks` is limited to
    // 20 QPS per Alibaba Cloud account, shared by every job (§1.3).
    polling: { baseMs: 5_000, maxMs: 15_000 },
    // GET /tasks is limited to 20 QPS per Alibaba Cloud account (providers.md §1.3); stay under it.
    queryRatePerSecond: 18,
    startDeadlineMs: 15 * 60_000,
  },

  submitVideo(input, _options, context) {
    return createDashscopeTask("/services/aigc/video-generation/video-synthesis", dashscopeVideoBody(input), context, dashscopeTask);
  },

  getTask(upstreamId, context) {
    return readDashscopeTask(upstreamId, context, dashscopeTask);
  },

  cancel: cancelDashscopeTask,
};
