/**
 * @module providers/aimlapi/aimlapi-video — AI/ML API's video generations for alibaba/wan-2-7-i2v.
 *
 * Wire format: ../shared/providers.md §4 and ../shared/provider-fixtures/aimlapi.json. Create
 * with `POST /v2/video/generations`, read with `GET /v2/video/generations?generation_id=`.
 * First frame only (no last frame, no continuation), durations 5/10/15, no callbacks (§4.2, §4.5).
 */
import { z } from "@hono/zod-openapi";
import type { I2vInput } from "../../models/i2v";
import type { ModelAdapter, UpstreamTask } from "../provider-adapter";
import { callProvider, createdTask, mediaUrls, pick, pickString, protocolError, unknownTask } from "../provider-http";
import { aimlapiErrors, aimlapiUsage } from "./aimlapi-api";

const path = "/v2/video/generations";

/**
 * Builds the create body. Exported for fixture tests.
 *
 * A2: prompt expansion is sent under both documented names, `enable_prompt_expansion` and its
 * alias `enhance_prompt`: both default to true, and which one wins when only one is sent is
 * not documented. A4: AI/ML's `watermark` is an invisible one, not Alibaba's visible mark, so
 * the capability is off and it is always sent false.
 */
export function aimlapiVideoBody(input: I2vInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: "alibaba/wan-2-7-i2v",
    // `prompt` is required by AI/ML API although the model does not need one (our input
    // makes it optional, like Alibaba's); routing sends only prompted requests here.
    prompt: input.prompt ?? "",
    image_url: input.first_frame,
    // Always explicit: AI/ML's defaults are 1080p, 10 s, expansion on (§4.2). An integer,
    // as the schema types it, although the docs' own example sends a string.
    resolution: input.resolution,
    duration: input.duration,
    enable_prompt_expansion: input.prompt_extend,
    enhance_prompt: input.prompt_extend,
    watermark: false,
  };
  if (input.driving_audio) body.audio_url = input.driving_audio;
  if (input.negative_prompt !== undefined) body.negative_prompt = input.negative_prompt;
  if (input.seed !== undefined) body.seed = input.seed;
  return body;
}

/**
 * Maps AI/ML API's generation JSON (create answer or read) to an UpstreamTask. Exported for fixture tests.
 *
 * The wan2.7 schema's statuses are queued, generating, completed and error; AI/ML's own docs
 * for other models on the same endpoint also poll through `waiting` and `active` (A1) and
 * name `complete`; third-party clients check `failed`. Any other status is unknown.
 */
export function aimlapiTask(generation: { status?: string } & Record<string, unknown>): UpstreamTask {
  const upstreamStatus = generation.status;
  switch (upstreamStatus) {
    case undefined:
      return createdTask();
    case "queued":
    case "waiting":
      return { state: "pending", progress: null, upstreamStatus };
    case "generating":
    case "active":
      return { state: "running", progress: null, upstreamStatus };
    case "completed":
    case "complete": {
      const urls = mediaUrls(pick(generation, "video", "url"));
      if (urls.length === 0) return { state: "failed", upstreamStatus, error: protocolError("AI/ML API reported completion without video.url") };
      const usage = aimlapiUsage(generation);
      return { state: "completed", urls, upstreamStatus, ...(usage ? { providerUsage: usage } : {}) };
    }
    case "error":
    case "failed": {
      // `error.name` has no documented vocabulary, so the reason is unknown: another try may succeed.
      const name = pickString(generation, "error", "name");
      const message = pickString(generation, "error", "message") ?? "the generation failed";
      return { state: "failed", upstreamStatus, error: { kind: "generation_failed", message, retryable: true, ...(name ? { providerCode: name } : {}) } };
    }
    default:
      return unknownTask(upstreamStatus);
  }
}

const createSchema = z.looseObject({ id: z.string().min(1), status: z.string().optional() });
const generationSchema = z.looseObject({ status: z.string() });

export const aimlapiVideo: ModelAdapter<"wan2.7-i2v"> = {
  capabilities: {
    modes: ["first_frame"], // no last-frame or continuation field is documented (§4.2)
    durations: [5, 10, 15], // the OpenAPI enum (§4.2)
    resolutions: ["720p", "1080p"],
    drivingAudio: true,
    seed: { min: 0, max: 2147483647 },
    watermark: false, // A4: AI/ML's watermark is invisible, not Alibaba's visible mark
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

  submit(input, _options, context) {
    // Poll-only, and no idempotent create is documented: neither option is sent.
    return callProvider(context, aimlapiErrors, { operation: "create", method: "POST", path, body: aimlapiVideoBody(input) }, createSchema, (generation) => {
      const usage = aimlapiUsage(generation);
      return { upstreamId: generation.id, task: aimlapiTask(generation), ...(usage ? { providerUsage: usage } : {}) };
    });
  },

  getTask(upstreamId, context) {
    return callProvider(context, aimlapiErrors, { operation: "read", method: "GET", path: `${path}?generation_id=${encodeURIComponent(upstreamId)}` }, generationSchema, aimlapiTask);
  },
};
