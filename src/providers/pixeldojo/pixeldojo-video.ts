/**
 * @module providers/pixeldojo/pixeldojo-video — wan-2.7-i2v at PixelDojo.
 *
 * Wire format: ../shared/providers.md §3.2 and PixelDojo's own page (seeds/000,
 * ../shared/provider-fixtures/pixeldojo.json). Run and read through the job API, ./pixeldojo-api.ts.
 */
import type { I2vInput } from "../../models/i2v";
import type { ModelAdapter } from "../provider-adapter";
import { readPixeldojoJob, runPixeldojoJob } from "./pixeldojo-api";

/**
 * Builds the run body. Exported for fixture tests. Driving audio is never sent: PixelDojo
 * lists "audio sync" but documents no field for it (§3.2), so the capability is off and
 * routing never sends such a request here.
 *
 * P6: a continuation's `last_frame_url` is sent with `mode: "video-extend"` although the page
 * describes the last frame only for first-and-last-frame, and what `duration` means in
 * video-extend (total or added) is not said. PixelDojo resells Alibaba's model, whose own
 * API takes both (duration = total length); if PixelDojo refuses the pair, that is a
 * `rejected` create and the job moves to another provider, so nothing is lost.
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

export const pixeldojoVideo: ModelAdapter<"wan2.7-i2v"> = {
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

  submit(input, options, context) {
    // PixelDojo documents no idempotent run: the key is not sent.
    return runPixeldojoJob("wan-2.7-i2v", pixeldojoVideoBody(input, options.callbackUrl), context);
  },

  getTask: readPixeldojoJob,
};
