/**
 * @module providers/pixeldojo/pixeldojo-image-adapter — PixelDojo's job API for wan-2.7-image-pro.
 *
 * Wire format: ../shared/providers.md §3.3–3.4 and PixelDojo's own page (seeds/001). Create
 * with `POST /api/v1/models/wan-2.7-image-pro/run`, read with `GET /api/v1/jobs/{jobId}`
 * (`output.images[]` or `assets[].url`). Run, read, webhook id and error mapping are the
 * video adapter's (./pixeldojo-adapter.ts): PixelDojo has one job API for every model.
 */
import type { ImageProInput } from "../../models/image-pro";
import type { ImageAdapter } from "../provider-adapter";
import { pixeldojoCallbackTaskId, readPixeldojoJob, runPixeldojoJob } from "./pixeldojo-adapter";

/**
 * Builds the run body. Exported for fixture tests.
 *
 * The input-image field is not documented (§3.3 [UNKNOWN], "check /schema"): `image_urls`
 * (1–9 URLs) is what the local emulator accepts, a guess that matches AI/ML API's name for
 * the same thing (§4.4); confirm it against `GET /api/v1/models/wan-2.7-image-pro/schema`
 * before relying on editing in production. `watermark` is not sent: PixelDojo documents none.
 * @example pixeldojoImageBody(imageProInputSchema.parse({ prompt: "a fox" }), null)
 * // { prompt: "a fox", size: "2K", n: 1, thinking_mode: false, enable_sequential: false }
 */
export function pixeldojoImageBody(input: ImageProInput, callbackUrl: string | null): Record<string, unknown> {
  // Always explicit, so PixelDojo's defaults never decide for us.
  const body: Record<string, unknown> = {
    prompt: input.prompt,
    size: input.size,
    n: input.n,
    thinking_mode: input.thinking_mode,
    enable_sequential: input.enable_sequential,
  };
  if (input.color_palette !== undefined) body.color_palette = input.color_palette;
  if (input.seed !== undefined) body.seed = input.seed;
  // Omitted when empty: the emulator (like a strict schema would) rejects an empty array.
  if (input.images.length > 0) body.image_urls = input.images;
  if (callbackUrl) body.webhook_url = callbackUrl;
  return body;
}

export const pixeldojoImageAdapter: ImageAdapter = {
  id: "pixeldojo",
  displayName: "PixelDojo",
  capabilities: {
    tiers: ["1K", "2K", "4K"],
    customSize: true,
    maxImages: 4,
    maxSequentialImages: 12,
    maxInputImages: 9, // the model's limit, which the emulator's `image_urls` also takes
    thinkingMode: true,
    colorPalette: true,
    seed: { min: 0, max: 2147483647 },
    watermark: false, // no watermark parameter is documented
    callbacks: true,
    cancel: false,
    synchronous: false,
    // 2 credits per image, but the USD value of a credit is unknown (§3.8).
    pricePerImageUsd: null,
    // PixelDojo's own samples poll every 2 s; the webhook usually arrives first.
    polling: { baseMs: 2_000, maxMs: 10_000 },
    startDeadlineMs: 10 * 60_000,
  },

  submitImages(input, options, context) {
    return runPixeldojoJob("wan-2.7-image-pro", pixeldojoImageBody(input, options.callbackUrl), context);
  },

  getTask: readPixeldojoJob,
  callbackTaskId: pixeldojoCallbackTaskId,
};
