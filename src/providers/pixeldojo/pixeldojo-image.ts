/**
 * @module providers/pixeldojo/pixeldojo-image — wan-2.7-image-pro at PixelDojo, text-to-image only.
 *
 * Wire format: ../shared/providers.md §3.3–3.4 and PixelDojo's own page (seeds/001,
 * ../shared/provider-fixtures/pixeldojo.json). Run and read through the job API, ./pixeldojo-api.ts.
 */
import type { ImageProInput } from "../../models/image-pro";
import type { ModelAdapter } from "../provider-adapter";
import { readPixeldojoJob, runPixeldojoJob } from "./pixeldojo-api";

/**
 * The explicit sizes PixelDojo documents (P2). `size` is an enum there ("Options: 1K, 2K, 4K,
 * 1280*1280, 1024*1024..."), and the page names 3840*2160 as a 4K-tier size the model makes;
 * any other `W*H` is a guess its strict schema would likely refuse.
 */
export const pixeldojoExplicitSizes: readonly string[] = ["1280*1280", "1024*1024", "3840*2160"];

/** Why PixelDojo cannot make this input's size, or null. */
function sizeProblem(input: ImageProInput): string | null {
  if (input.size === "1K" || input.size === "2K" || input.size === "4K" || pixeldojoExplicitSizes.includes(input.size)) return null;
  return `size ${input.size} is not one of PixelDojo's documented sizes (1K, 2K, 4K, ${pixeldojoExplicitSizes.join(", ")})`;
}

/**
 * Builds the run body. Exported for fixture tests. `watermark` is not sent: PixelDojo
 * documents none. No input images: PixelDojo documents no field for them (P1), and its
 * request schemas reject unknown fields, so routing sends no edit here (`maxInputImages: 0`).
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
  if (callbackUrl) body.webhook_url = callbackUrl;
  return body;
}

export const pixeldojoImage: ModelAdapter<"wan2.7-image-pro"> = {
  note: "Text-to-image only: PixelDojo lists image-to-image but documents no field for the input images, so edits are not routed here until it does.",
  capabilities: {
    tiers: ["1K", "2K", "4K"],
    customSize: true, // only the documented sizes (`sizeProblem`)
    sizeProblem,
    maxImages: 4,
    maxSequentialImages: 12,
    maxInputImages: 0, // P1: no documented input-image field
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

  async submit(input, options, context) {
    if (input.images.length > 0) {
      // Unreachable through routing (maxInputImages: 0); never send images as a guessed field.
      return { ok: false, error: { kind: "rejected", message: "PixelDojo documents no input-image field for wan-2.7-image-pro", retryable: false } };
    }
    // PixelDojo documents no idempotent run: the key is not sent.
    return runPixeldojoJob("wan-2.7-image-pro", pixeldojoImageBody(input, options.callbackUrl), context);
  },

  getTask: readPixeldojoJob,
};
