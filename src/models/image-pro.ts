/**
 * @module models/image-pro — the `wan2.7-image-pro` input schema and its cross-field rules.
 *
 * Field names and limits follow Alibaba's own Wan 2.7 image API and PixelDojo's copy of it
 * (../shared/API.md, providers.md §1.4, §3.3): text-to-image, editing with up to 9 input
 * images, image sets (`enable_sequential`) and 4K for text-to-image only. One schema
 * validates, fills defaults, types the code and documents the API.
 */
import { z } from "@hono/zod-openapi";
import { mediaUrl } from "./i2v";

export const imageSizeTiers = ["1K", "2K", "4K"] as const;
export type ImageSizeTier = (typeof imageSizeTiers)[number];

/** A tier's nominal square size (the output follows the input's aspect ratio when editing). */
const tierSides: Record<ImageSizeTier, number> = { "1K": 1024, "2K": 2048, "4K": 4096 };

/**
 * Bounds of an explicit `W*H`. Alibaba's stored docs do not state them; these follow Wan's
 * documented limits as far as known and match the local emulator (emulator/personalities/wan-rules.ts):
 * 768*768 to 4096*4096 pixels, aspect ratio 1:8 to 8:1, and above 2048*2048 pixels a size
 * is in the 4K tier (and so bound by the 4K restrictions).
 */
export const explicitSizeLimits = { minPixels: 768 * 768, maxPixels: 4096 * 4096, maxAspectRatio: 8, maxTwoKPixels: 2048 * 2048 } as const;

/** Most images per request: independent variants, or an image set. */
export const maxImagesPerRequest = { variants: 4, sequential: 12 } as const;

/** `W*H` with positive integers, no leading zeros (sides beyond 5 digits cannot be within bounds). */
const explicitSizePattern = /^([1-9]\d{0,4})\*([1-9]\d{0,4})$/;

/**
 * Width and height of a tier or `W*H` size, or null when `size` is neither.
 * @example sizePixels("1280*720") // { width: 1280, height: 720 }
 * @example sizePixels("2K") // { width: 2048, height: 2048 }
 */
export function sizePixels(size: string): { width: number; height: number } | null {
  if ((imageSizeTiers as readonly string[]).includes(size)) {
    const side = tierSides[size as ImageSizeTier];
    return { width: side, height: side };
  }
  const match = explicitSizePattern.exec(size);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : null;
}

/**
 * True for `4K` and for a `W*H` of more than 2048*2048 pixels: both are 4K output, which
 * the model produces only for text-to-image without `enable_sequential`.
 * @example isFourKTier("3840*2160") // true
 */
export function isFourKTier(size: string): boolean {
  if (size === "4K") return true;
  if (!explicitSizePattern.test(size)) return false;
  const { width, height } = sizePixels(size)!;
  return width * height > explicitSizeLimits.maxTwoKPixels;
}

/** Why `size` is not a valid size, or null when it is. */
function sizeProblem(size: string): string | null {
  if ((imageSizeTiers as readonly string[]).includes(size)) return null;
  const pixels = explicitSizePattern.test(size) ? sizePixels(size) : null;
  if (!pixels) return "must be 1K, 2K, 4K or W*H (for example 1280*720)";
  const { width, height } = pixels;
  const area = width * height;
  if (area < explicitSizeLimits.minPixels || area > explicitSizeLimits.maxPixels) return "must have between 768*768 and 4096*4096 pixels";
  const ratio = explicitSizeLimits.maxAspectRatio;
  if (width > height * ratio || height > width * ratio) return "aspect ratio must be within 1:8 and 8:1";
  return null;
}

/** `"25.00%"`: exactly two decimals and a percent sign. */
const ratioPattern = /^(\d{1,3})\.(\d{2})%$/;

/** A palette ratio in integer hundredths of a percent ("25.00%" → 2500), so sums are exact. */
function ratioHundredths(ratio: string): number | null {
  const match = ratioPattern.exec(ratio);
  return match ? Number(match[1]) * 100 + Number(match[2]) : null;
}

export const colorPaletteEntry = z
  .object({
    hex: z.string().regex(/^#[0-9A-Fa-f]{6}$/, "must be a colour as #RRGGBB"),
    ratio: z.string().regex(ratioPattern, 'must be a percentage with two decimals, like "25.00%"'),
  })
  .strict();

export const colorPalette = z
  .array(colorPaletteEntry)
  .min(3, "at least 3 colours")
  .max(10, "at most 10 colours")
  .superRefine((palette, context) => {
    const parts = palette.map((entry) => ratioHundredths(entry.ratio));
    // A malformed ratio is already reported at its own entry; a sum over it would only add noise.
    if (parts.some((part) => part === null)) return;
    const total = (parts as number[]).reduce((sum, part) => sum + part, 0);
    if (total !== 10_000) {
      context.addIssue({ code: "custom", message: `ratios must sum to exactly 100.00% (they sum to ${(total / 100).toFixed(2)}%)` });
    }
  });

export const imageProInputSchema = z
  .object({
    prompt: z.string().min(1, "must not be empty").max(5000, "at most 5000 characters"),
    images: z.array(mediaUrl).max(9, "at most 9 input images").default([]).describe("Input images (JPEG/PNG/BMP/WEBP) for editing"),
    size: z
      .string()
      .superRefine((size, context) => {
        const problem = sizeProblem(size);
        if (problem) context.addIssue({ code: "custom", message: problem });
      })
      .default("2K")
      .describe("1K, 2K, 4K or W*H; 4K (or a W*H above 2048*2048 pixels) only for text-to-image without enable_sequential"),
    n: z.number().int("must be an integer").min(1, "at least 1").max(maxImagesPerRequest.sequential, "at most 12").default(1),
    enable_sequential: z.boolean().default(false).describe("Generate a coherent image set; excludes thinking_mode and color_palette"),
    thinking_mode: z.boolean().default(false),
    color_palette: colorPalette.optional().describe('3–10 {hex:"#RRGGBB", ratio:"25.00%"} whose ratios sum to 100.00%'),
    seed: z.number().int("must be an integer").min(0, "at least 0").max(2147483647, "at most 2147483647").optional(),
    watermark: z.boolean().default(false),
  })
  .strict()
  .superRefine((input, context) => {
    const sequential = input.enable_sequential;
    if (isFourKTier(input.size)) {
      const what = input.size === "4K" ? "4K" : `${input.size} is 4K-tier output and`;
      if (input.images.length > 0) context.addIssue({ code: "custom", path: ["size"], message: `${what} is only available for text-to-image (no images)` });
      if (sequential) context.addIssue({ code: "custom", path: ["size"], message: `${what} is not available with enable_sequential` });
    }
    if (sequential && input.thinking_mode) {
      context.addIssue({ code: "custom", path: ["thinking_mode"], message: "cannot be combined with enable_sequential" });
    }
    if (sequential && input.color_palette !== undefined) {
      context.addIssue({ code: "custom", path: ["color_palette"], message: "cannot be combined with enable_sequential" });
    }
    if (!sequential && input.n > maxImagesPerRequest.variants) {
      context.addIssue({ code: "custom", path: ["n"], message: "at most 4 without enable_sequential (up to 12 with it)" });
    }
  });

export type ImageProInput = z.output<typeof imageProInputSchema>;

/**
 * The URL-valued fields of an image-pro input, by JSON path (`images[0]`, …).
 * @example imageProMediaUrls(input) // [["images[0]", "https://…/cat.png"]]
 */
export function imageProMediaUrls(input: ImageProInput): Array<[string, string]> {
  return input.images.map((url, index) => [`images[${index}]`, url]);
}
