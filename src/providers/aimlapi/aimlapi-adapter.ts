/**
 * @module providers/aimlapi/aimlapi-adapter — AI/ML API's video generations for alibaba/wan-2-7-i2v.
 *
 * Wire format: ../shared/providers.md §4 and AI/ML API's own page (seeds/002). Create with
 * `POST /v2/video/generations`, read with `GET /v2/video/generations?generation_id=`.
 * First frame only (no last frame, no continuation), durations 5/10/15, no callbacks (§4.2, §4.5).
 */
import { z } from "@hono/zod-openapi";
import type { I2vInput } from "../../models/i2v";
import { classifyStatus, pick, pickString, protocolError, providerRequest } from "../provider-http";
import type { Result, UpstreamError, UpstreamTask, VideoAdapter } from "../provider-adapter";

const path = "/v2/video/generations";

/** Builds the create body. Exported for fixture tests. */
export function aimlapiVideoBody(input: I2vInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: "alibaba/wan-2-7-i2v",
    // `prompt` is required by AI/ML API although the model does not need one (our input
    // makes it optional, like Alibaba's): an empty string stands for "no prompt".
    prompt: input.prompt ?? "",
    image_url: input.first_frame,
    // Always explicit: AI/ML's defaults are 1080p, 10 s, expansion on (§4.2). An integer,
    // although the docs' own example sends a string.
    resolution: input.resolution,
    duration: input.duration,
    enable_prompt_expansion: input.prompt_extend,
    watermark: input.watermark,
  };
  if (input.driving_audio) body.audio_url = input.driving_audio;
  if (input.negative_prompt !== undefined) body.negative_prompt = input.negative_prompt;
  if (input.seed !== undefined) body.seed = input.seed;
  return body;
}

// Minimal response schema: only what we read (`universal-video-fetch.json`, §4.3).
const generationSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  video: z.looseObject({ url: z.string().nullish() }).nullish(),
  error: z.looseObject({ name: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

/** Maps AI/ML API's generation JSON (create answer or read) to an UpstreamTask. Exported for fixture tests. */
export function aimlapiTask(json: unknown): UpstreamTask | null {
  const parsed = generationSchema.safeParse(json);
  if (!parsed.success) return null;
  const generation = parsed.data;
  const upstreamStatus = generation.status;
  switch (upstreamStatus) {
    case "queued":
      return { state: "pending", progress: null, upstreamStatus };
    case "generating":
      return { state: "running", progress: null, upstreamStatus };
    case "completed": {
      const url = generation.video?.url;
      if (!url) return { state: "failed", upstreamStatus, error: protocolError("AI/ML API reported completion without video.url") };
      return { state: "completed", urls: [url], upstreamStatus };
    }
    case "error":
    case "failed": {
      // The spec says `error`; third-party clients check `failed` (§4.3). The error `name`
      // has no documented vocabulary, so the reason is unknown: another try may succeed.
      const name = generation.error?.name ?? undefined;
      const message = generation.error?.message || "the generation failed";
      return { state: "failed", upstreamStatus, error: { kind: "generation_failed", message, retryable: true, ...(name ? { providerCode: name } : {}) } };
    }
    default:
      // Anything other than queued/generating is terminal (§4.3); an unknown one is not success.
      return { state: "failed", upstreamStatus, error: protocolError(`AI/ML API answered an unknown status "${upstreamStatus}"`) };
  }
}

/** Maps an AI/ML API error response `{message, path, requestId, statusCode, timestamp}` (§4.6). */
export function aimlapiHttpError(status: number, headers: Headers, body: unknown, nowMs: number): UpstreamError {
  const raw = pick(body, "message");
  // Validation errors may carry a list of messages.
  const message = typeof raw === "string" ? raw : Array.isArray(raw) ? raw.map(String).join("; ") : `AI/ML API answered HTTP ${status}`;
  const error = classifyStatus(status, headers, message, nowMs);
  if (status === 403 && /credit/i.test(message)) {
    // "You've run out of credits…": out of credit is 403 here, not 402.
    error.kind = "out_of_credit";
    error.retryable = true;
  }
  return error;
}

export const aimlapiAdapter: VideoAdapter = {
  id: "aimlapi",
  displayName: "AI/ML API",
  capabilities: {
    modes: ["first_frame"], // no last-frame or continuation field is documented (§4.2)
    durations: [5, 10, 15], // the OpenAPI enum (§4.2)
    resolutions: ["720p", "1080p"],
    drivingAudio: true,
    seed: { min: 0, max: 2147483647 },
    watermark: true,
    negativePrompt: true,
    promptExtend: true,
    promptRequired: true, // AI/ML API marks `prompt` required (providers.md §4.2)
    callbacks: false, // poll-only (§4.5)
    cancel: false,
    // Not published; the read reports `meta.usage.usd_spent` after the fact (§4.8).
    pricePerSecondUsd: { "720p": null, "1080p": null },
    // AI/ML's own sample polls every 15 s; a generation takes about a minute (§4.3).
    polling: { baseMs: 5_000, maxMs: 15_000 },
    startDeadlineMs: 10 * 60_000,
  },

  async submitVideo(input, _options, context): Promise<Result<{ upstreamId: string; task: UpstreamTask }>> {
    const sent = await providerRequest(context, "POST", path, { body: aimlapiVideoBody(input) });
    if (!sent.ok) return sent;
    const { status, headers, body } = sent.value;
    if (status < 200 || status >= 300) return { ok: false, error: aimlapiHttpError(status, headers, body, context.now()) };
    const task = aimlapiTask(body);
    const upstreamId = pickString(body, "id");
    if (!task || !upstreamId) return { ok: false, error: protocolError("AI/ML API's create response had no generation id") };
    return { ok: true, value: { upstreamId, task } };
  },

  async getTask(upstreamId, context) {
    const sent = await providerRequest(context, "GET", `${path}?generation_id=${encodeURIComponent(upstreamId)}`);
    if (!sent.ok) return sent;
    const { status, headers, body } = sent.value;
    if (status < 200 || status >= 300) return { ok: false, error: aimlapiHttpError(status, headers, body, context.now()) };
    const task = aimlapiTask(body);
    if (!task) return { ok: false, error: protocolError("AI/ML API's generation response was not understood") };
    return { ok: true, value: task };
  },
};
