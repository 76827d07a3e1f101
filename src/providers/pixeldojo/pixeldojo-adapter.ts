/**
 * @module providers/pixeldojo/pixeldojo-adapter — PixelDojo's job API for wan-2.7-i2v.
 *
 * Wire format: ../shared/providers.md §3 and PixelDojo's own page (seeds/000). Create with
 * `POST /api/v1/models/wan-2.7-i2v/run`, read with `GET /api/v1/jobs/{jobId}`. The webhook
 * body is undocumented and unsigned (§3.5), so it is only ever used as a hint.
 *
 * The job plumbing (run, read, webhook id, error mapping) is shared with the image side,
 * ./pixeldojo-image-adapter.ts.
 */
import { z } from "@hono/zod-openapi";
import type { I2vInput } from "../../models/i2v";
import { classifyStatus, pick, pickString, protocolError, providerRequest } from "../provider-http";
import type { AdapterContext, Result, UpstreamError, UpstreamTask, VideoAdapter } from "../provider-adapter";

/**
 * Builds the run body. Exported for fixture tests. Driving audio is never sent: PixelDojo
 * lists "audio sync" but documents no field for it (§3.2), so the capability is off and
 * routing never sends such a request here.
 */
export function pixeldojoVideoBody(input: I2vInput, callbackUrl: string | null): Record<string, unknown> {
  const body: Record<string, unknown> = {
    mode: input.mode === "video_continuation" ? "video-extend" : "image-to-video",
    // Always explicit: PixelDojo's defaults are not ours in every field (§6.5).
    resolution: input.resolution,
    duration: input.duration,
    enable_prompt_expansion: input.prompt_extend,
  };
  if (input.prompt !== undefined) body.prompt = input.prompt;
  if (input.negative_prompt !== undefined) body.negative_prompt = input.negative_prompt;
  if (input.first_frame) body.image_url = input.first_frame;
  if (input.last_frame) body.last_frame_url = input.last_frame;
  if (input.first_clip) body.video_url = input.first_clip;
  if (input.seed !== undefined) body.seed = input.seed;
  if (callbackUrl) body.webhook_url = callbackUrl;
  return body;
}

// Minimal response schema: only what we read.
const urlList = z.array(z.union([z.string(), z.looseObject({ url: z.string() })]));
const jobSchema = z.looseObject({
  status: z.string(),
  progress: z.number().nullish(),
  output: z.looseObject({ video: z.union([z.string(), z.array(z.string())]).nullish(), images: urlList.nullish() }).nullish(),
  assets: urlList.nullish(),
  error: z.union([z.string(), z.looseObject({ code: z.string().nullish(), message: z.string().nullish() })]).nullish(),
});

/** Maps PixelDojo's job JSON (run answer or job read) to an UpstreamTask. Exported for fixture tests. */
export function pixeldojoTask(json: unknown): UpstreamTask | null {
  const parsed = jobSchema.safeParse(json);
  if (!parsed.success) return null;
  const job = parsed.data;
  const upstreamStatus = job.status;
  if (upstreamStatus === "completed") {
    // Three forms are documented or seen: `output.video` (i2v page), `output.images[]`
    // (image-pro page) and `assets[].url` (the SDK README); accept all of them (§3.4).
    const video = job.output?.video;
    const candidates = [...(video === null || video === undefined ? [] : [video].flat()), ...(job.output?.images ?? []), ...(job.assets ?? [])];
    const urls = [...new Set(candidates.map((entry) => (typeof entry === "string" ? entry : entry.url)).filter((url) => url !== ""))];
    if (urls.length === 0) return { state: "failed", upstreamStatus, error: protocolError("PixelDojo reported completion without an output URL") };
    return { state: "completed", urls, upstreamStatus };
  }
  if (upstreamStatus === "failed") {
    // `error` is read by PixelDojo's sample code but its type is undocumented (§3.4).
    const raw = job.error;
    const code = typeof raw === "object" && raw ? (raw.code ?? undefined) : undefined;
    const message = (typeof raw === "string" ? raw : raw?.message) || "the job failed";
    return { state: "failed", upstreamStatus, error: pixeldojoFailure(code, message) };
  }
  // Only `pending` is documented besides the terminal states; anything else is in flight (§3.4).
  const progress = typeof job.progress === "number" ? Math.max(0, Math.min(100, job.progress)) : null;
  return { state: upstreamStatus === "pending" ? "pending" : "running", progress, upstreamStatus };
}

function pixeldojoFailure(code: string | undefined, message: string): UpstreamError {
  const withCode = code ? { providerCode: code } : {};
  if (code === "insufficient_credits") return { kind: "out_of_credit", message, retryable: true, ...withCode };
  if (code === "invalid_request") return { kind: "rejected", message, retryable: false, ...withCode };
  // The reason is unknown: another try (elsewhere) may well succeed.
  return { kind: "generation_failed", message, retryable: true, ...withCode };
}

/** Maps a PixelDojo error response `{"error":{"code","message","status"}}` (§3.6). */
export function pixeldojoHttpError(status: number, headers: Headers, body: unknown, nowMs: number): UpstreamError {
  const code = pickString(body, "error", "code");
  const message = pickString(body, "error", "message") ?? pickString(body, "error") ?? `PixelDojo answered HTTP ${status}`;
  const error = classifyStatus(status, headers, message, nowMs);
  if (code) error.providerCode = code;
  if (code === "insufficient_credits") {
    // 402 in the current docs, 403 in the older ones: both mean an empty credit balance.
    error.kind = "out_of_credit";
    error.retryable = true;
  } else if (code === "model_not_found") {
    // Our model id is wrong for this deployment: no retry at PixelDojo will help.
    error.kind = "rejected";
    error.retryable = false;
  }
  if (error.kind === "rate_limited" && error.retryAfterMs === undefined) {
    const resetMs = rateLimitResetMs(headers.get("x-ratelimit-reset"), nowMs);
    if (resetMs !== undefined) error.retryAfterMs = resetMs;
  }
  return error;
}

/**
 * X-RateLimit-Reset's unit is undocumented (§3.6): read a large number as a Unix time
 * (seconds, or milliseconds) and a small one as seconds from now.
 */
function rateLimitResetMs(value: string | null, nowMs: number): number | undefined {
  if (!value || !/^\d+$/.test(value.trim())) return undefined;
  const number = Number(value.trim());
  if (number > 1e12) return Math.max(0, number - nowMs);
  if (number > 1e9) return Math.max(0, number * 1000 - nowMs);
  return number * 1000;
}

/** Runs a model (`POST /api/v1/models/{model}/run`) and maps the answer. Shared by the video and image sides. */
export async function runPixeldojoJob(model: string, body: unknown, context: AdapterContext): Promise<Result<{ upstreamId: string; task: UpstreamTask }>> {
  const sent = await providerRequest(context, "POST", `/api/v1/models/${model}/run`, { body });
  if (!sent.ok) return sent;
  const { status, headers, body: answer } = sent.value;
  // 200 or 202 (§3.2).
  if (status < 200 || status >= 300) return { ok: false, error: pixeldojoHttpError(status, headers, answer, context.now()) };
  const task = pixeldojoTask(answer);
  const upstreamId = pickString(answer, "jobId");
  if (!task || !upstreamId) return { ok: false, error: protocolError("PixelDojo's run response had no jobId") };
  return { ok: true, value: { upstreamId, task } };
}

/** Reads a job at `GET /api/v1/jobs/{jobId}` (one endpoint for every model). */
export async function readPixeldojoJob(upstreamId: string, context: AdapterContext): Promise<Result<UpstreamTask>> {
  const sent = await providerRequest(context, "GET", `/api/v1/jobs/${encodeURIComponent(upstreamId)}`);
  if (!sent.ok) return sent;
  const { status, headers, body } = sent.value;
  if (status < 200 || status >= 300) return { ok: false, error: pixeldojoHttpError(status, headers, body, context.now()) };
  const task = pixeldojoTask(body);
  if (!task) return { ok: false, error: protocolError("PixelDojo's job response was not understood") };
  return { ok: true, value: task };
}

/** The job id a webhook body names (a hint only: the job is re-read before it counts). */
export function pixeldojoCallbackTaskId(body: unknown): string | null {
  const id = pick(body, "jobId");
  return typeof id === "string" && id !== "" ? id : null;
}

export const pixeldojoAdapter: VideoAdapter = {
  id: "pixeldojo",
  displayName: "PixelDojo",
  capabilities: {
    modes: ["first_frame", "first_last_frame", "video_continuation"],
    durations: { min: 2, max: 15 },
    resolutions: ["720p", "1080p"],
    drivingAudio: false, // no documented field for it (§3.2)
    seed: { min: 0, max: 2147483647 }, // range undocumented; Alibaba's own range (§1.2)
    watermark: false, // no watermark parameter is documented
    negativePrompt: true,
    promptExtend: true,
    promptRequired: false,
    callbacks: true,
    cancel: false,
    // 2.5 credits/s at 720p and 3 at 1080p, but the USD value of a credit is unknown (§3.8).
    pricePerSecondUsd: { "720p": null, "1080p": null },
    // PixelDojo's own samples poll every 2 s; the webhook usually arrives first.
    polling: { baseMs: 2_000, maxMs: 15_000 },
    startDeadlineMs: 10 * 60_000,
  },

  submitVideo(input, options, context) {
    return runPixeldojoJob("wan-2.7-i2v", pixeldojoVideoBody(input, options.callbackUrl), context);
  },

  getTask: readPixeldojoJob,
  callbackTaskId: pixeldojoCallbackTaskId,
};
