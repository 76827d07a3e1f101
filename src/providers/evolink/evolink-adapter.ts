/**
 * @module providers/evolink/evolink-adapter — EvoLink's unified task API for wan2.7 i2v.
 *
 * Wire format: ../shared/providers.md §2 and EvoLink's own page (seeds/003). Create with
 * `POST /v1/videos/generations`, read with `GET /v1/tasks/{id}`; the callback body is the
 * same JSON as the task read, unsigned, so it is only ever used as a hint.
 */
import { z } from "@hono/zod-openapi";
import type { I2vInput } from "../../models/i2v";
import { classifyStatus, pick, protocolError, providerRequest } from "../provider-http";
import type { AdapterContext, Result, UpstreamError, UpstreamTask, VideoAdapter } from "../provider-adapter";

/** EvoLink's task failure codes that a retry (elsewhere or later) may fix — from EvoLink's own MCP client. */
const retryableFailureCodes = new Set([
  "generation_failed_no_content",
  "service_error",
  "generation_timeout",
  "resource_exhausted",
  "quota_exceeded",
  "service_unavailable",
  "unknown_error",
]);

/** Builds the create body. Exported for fixture tests. */
export function evolinkVideoBody(input: I2vInput, callbackUrl: string | null): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: "wan2.7-image-to-video",
    // Sent explicitly: EvoLink recommends it, and it pins the mode we validated.
    generation_mode: input.mode,
    // The resolution key is not visible in EvoLink's stored docs; its sibling video models
    // use `quality` ("720p"/"1080p"), so we send that (providers.md §2.2 [INF]).
    quality: input.resolution,
    duration: input.duration,
    prompt_extend: input.prompt_extend,
  };
  if (input.prompt !== undefined) body.prompt = input.prompt;
  if (input.negative_prompt !== undefined) body.negative_prompt = input.negative_prompt;
  if (input.first_frame) body.image_start = input.first_frame;
  if (input.last_frame) body.image_end = input.last_frame;
  if (input.first_clip) body.video_urls = [input.first_clip];
  if (input.driving_audio) body.audio_urls = [input.driving_audio];
  if (input.seed !== undefined) body.seed = input.seed;
  if (callbackUrl) body.callback_url = callbackUrl;
  return body;
}

// Minimal response schemas: only what we read; everything else may change freely.
const taskSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  progress: z.number().nullish(),
  results: z.array(z.string()).nullish(),
  error: z.looseObject({ code: z.union([z.string(), z.number()]).nullish(), message: z.string().nullish() }).nullish(),
});

/** Maps EvoLink's task JSON to an UpstreamTask. Exported for fixture tests. */
export function evolinkTask(json: unknown): UpstreamTask | null {
  const parsed = taskSchema.safeParse(json);
  if (!parsed.success) return null;
  const task = parsed.data;
  const progress = typeof task.progress === "number" ? Math.max(0, Math.min(100, task.progress)) : null;
  switch (task.status) {
    case "pending":
      return { state: "pending", progress, upstreamStatus: task.status };
    case "processing":
      return { state: "running", progress, upstreamStatus: task.status };
    case "completed": {
      const urls = task.results ?? [];
      if (urls.length === 0) return { state: "failed", upstreamStatus: task.status, error: { kind: "protocol", message: "EvoLink reported completion without a result URL", retryable: true } };
      return { state: "completed", urls, upstreamStatus: task.status };
    }
    case "failed": {
      const code = task.error?.code == null ? "unknown_error" : String(task.error.code);
      return { state: "failed", upstreamStatus: task.status, error: evolinkFailure(code, task.error?.message ?? "the task failed") };
    }
    default:
      return null;
  }
}

function evolinkFailure(code: string, message: string): UpstreamError {
  if (code === "content_policy_violation") return { kind: "content_policy", message, retryable: false, providerCode: code };
  if (code === "request_cancelled") return { kind: "canceled", message, retryable: false, providerCode: code };
  if (code === "resource_not_found") return { kind: "not_found", message, retryable: false, providerCode: code };
  if (retryableFailureCodes.has(code)) return { kind: "generation_failed", message, retryable: true, providerCode: code };
  return { kind: "rejected", message, retryable: false, providerCode: code };
}

/** Maps an EvoLink error response. `error.code` is an HTTP number or, on some pages, a string. */
export function evolinkHttpError(status: number, headers: Headers, body: unknown, nowMs: number): UpstreamError {
  const message = String(pick(body, "error", "message") ?? `EvoLink answered HTTP ${status}`);
  const error = classifyStatus(status, headers, message, nowMs);
  const type = pick(body, "error", "type");
  const code = pick(body, "error", "code");
  if (typeof type === "string") error.providerCode = type;
  else if (code !== undefined) error.providerCode = String(code);
  if (type === "insufficient_quota_error") {
    error.kind = "out_of_credit";
    error.retryable = true;
  }
  // EvoLink's 429 carries a hint such as "retry after 60 seconds" instead of a header.
  const suggestion = pick(body, "error", "fallback_suggestion");
  const seconds = typeof suggestion === "string" ? /retry after (\d+) seconds?/i.exec(suggestion)?.[1] : undefined;
  if (error.retryAfterMs === undefined && seconds) error.retryAfterMs = Number(seconds) * 1000;
  return error;
}

export const evolinkAdapter: VideoAdapter = {
  id: "evolink",
  displayName: "EvoLink",
  capabilities: {
    modes: ["first_frame", "first_last_frame", "video_continuation"],
    durations: { min: 2, max: 15 },
    resolutions: ["720p", "1080p"],
    drivingAudio: true,
    seed: { min: 1, max: 2147483647 }, // EvoLink documents 1, not 0, as the minimum
    watermark: false, // no watermark parameter is documented
    negativePrompt: true,
    promptExtend: true,
    promptRequired: false,
    callbacks: true,
    cancel: false,
    pricePerSecondUsd: { "720p": null, "1080p": null }, // not published (providers.md §2.7)
    polling: { baseMs: 1_000, maxMs: 15_000 }, // callbacks do the work; polling is the backstop
    startDeadlineMs: 10 * 60_000,
  },

  async submitVideo(input, options, context: AdapterContext): Promise<Result<{ upstreamId: string; task: UpstreamTask }>> {
    const sent = await providerRequest(context, "POST", "/v1/videos/generations", { body: evolinkVideoBody(input, options.callbackUrl) });
    if (!sent.ok) return sent;
    const { status, headers, body } = sent.value;
    if (status < 200 || status >= 300) return { ok: false, error: evolinkHttpError(status, headers, body, context.now()) };
    const task = evolinkTask(body);
    const upstreamId = pick(body, "id");
    if (!task || typeof upstreamId !== "string") return { ok: false, error: protocolError("EvoLink's create response had no task id") };
    return { ok: true, value: { upstreamId, task } };
  },

  async getTask(upstreamId, context) {
    const sent = await providerRequest(context, "GET", `/v1/tasks/${encodeURIComponent(upstreamId)}`);
    if (!sent.ok) return sent;
    const { status, headers, body } = sent.value;
    if (status < 200 || status >= 300) return { ok: false, error: evolinkHttpError(status, headers, body, context.now()) };
    const task = evolinkTask(body);
    if (!task) return { ok: false, error: protocolError("EvoLink's task response was not understood") };
    return { ok: true, value: task };
  },

  callbackTaskId(body) {
    const id = pick(body, "id");
    return typeof id === "string" ? id : null;
  },
};
