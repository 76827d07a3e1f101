/**
 * @module wan-rules
 * Rules of the Wan 2.7 models themselves, which every reseller inherits whatever its field
 * names (../../shared/providers.md §1.2, §1.4, §3.3): the six i2v material combinations, the
 * image-pro size tiers with the 4K restriction, and the colour-palette format.
 */
import { Invalid } from "./validation";

/** The i2v materials a request carries, by the model's own names. */
export interface I2vMaterials {
  first_frame: string | null;
  last_frame: string | null;
  driving_audio: string | null;
  first_clip: string | null;
}

/** Every combination the model accepts; all others are rejected (providers.md §1.2). */
export const I2V_COMBINATIONS = [
  "first_frame",
  "first_frame+driving_audio",
  "first_frame+last_frame",
  "first_frame+last_frame+driving_audio",
  "first_clip",
  "first_clip+last_frame",
] as const;

export type I2vCombination = (typeof I2V_COMBINATIONS)[number];

const ORDER = ["first_frame", "first_clip", "last_frame", "driving_audio"] as const;

/**
 * The combination the materials form, or null when the model does not accept it.
 * @example i2vCombination({ first_frame: "https://…", last_frame: null, driving_audio: "https://…", first_clip: null })
 * // "first_frame+driving_audio"
 */
export function i2vCombination(materials: I2vMaterials): I2vCombination | null {
  const key = ORDER.filter((name) => materials[name] !== null).join("+");
  return (I2V_COMBINATIONS as readonly string[]).includes(key) ? (key as I2vCombination) : null;
}

/** A parsed image-pro `size`. */
export interface ImageSize {
  /** As sent: "2K" or "1280*720". */
  label: string;
  width: number;
  height: number;
  /** 4K output: allowed only for text-to-image without an image set. */
  is4k: boolean;
}

const TIERS: Record<string, number> = { "1K": 1024, "2K": 2048, "4K": 4096 };

/** Up to this many pixels a size is in the 1K/2K tiers; above, it is 4K-tier. */
const MAX_2K_PIXELS = 2048 * 2048;

/**
 * `1K`, `2K`, `4K` or `W*H`. The explicit-size limits are not in the stored documents: the
 * emulator takes 768*768 to 4096*4096 pixels and aspect ratios 1:8 to 8:1 (Wan's usual
 * limits [INF]); tiers are reported square because the output follows the input's ratio.
 */
export function parseImageSize(value: unknown, param: string): ImageSize {
  if (typeof value !== "string") throw new Invalid(param, `${param} must be 1K, 2K, 4K or W*H`);
  const side = TIERS[value];
  if (side !== undefined) return { label: value, width: side, height: side, is4k: value === "4K" };
  const match = /^(\d{2,5})\*(\d{2,5})$/.exec(value);
  if (match === null) throw new Invalid(param, `${param} must be 1K, 2K, 4K or W*H`);
  const width = Number(match[1]);
  const height = Number(match[2]);
  const pixels = width * height;
  if (pixels < 768 * 768 || pixels > 4096 * 4096) {
    throw new Invalid(param, `${param} must have between 768*768 and 4096*4096 pixels`);
  }
  if (width > height * 8 || height > width * 8) throw new Invalid(param, `${param} aspect ratio must be within 1:8 to 8:1`);
  return { label: value, width, height, is4k: pixels > MAX_2K_PIXELS };
}

/** 4K is for text-to-image only and never for image sets (providers.md §1.4, §3.3). */
export function check4k(size: ImageSize, param: string, inputImages: number, sequential: boolean): void {
  if (!size.is4k) return;
  if (inputImages > 0) throw new Invalid(param, "4K output is only supported for text-to-image");
  if (sequential) throw new Invalid(param, "4K output is not supported with enable_sequential");
}

/** The `n` range: 1–4, or up to 12 in image-set mode. */
export function maxImages(sequential: boolean): number {
  return sequential ? 12 : 4;
}

/**
 * `color_palette`: 3–10 `{hex:"#RRGGBB", ratio:"25.00%"}` whose ratios sum to 100.00%.
 * @example checkPalette([{ hex: "#FF0000", ratio: "50.00%" }, …], "color_palette")
 */
export function checkPalette(value: unknown, param: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length < 3 || value.length > 10) {
    throw new Invalid(param, `${param} must be an array of 3 to 10 colours`);
  }
  let hundredths = 0;
  for (const entry of value as unknown[]) {
    const { hex, ratio } = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof hex !== "string" || !/^#[0-9a-fA-F]{6}$/.test(hex)) {
      throw new Invalid(param, `${param} entries need hex as #RRGGBB`);
    }
    const match = typeof ratio === "string" ? /^(\d{1,3})\.(\d{2})%$/.exec(ratio) : null;
    if (match === null) throw new Invalid(param, `${param} entries need ratio like "25.00%"`);
    hundredths += Number(match[1]) * 100 + Number(match[2]);
  }
  if (hundredths !== 10_000) throw new Invalid(param, `${param} ratios must sum to 100.00%`);
}

/** A picture size in pixels. */
export interface FrameSize {
  width: number;
  height: number;
}

/**
 * Wan's video frame sizes per resolution tier and aspect ratio (the Wan 2.x size tables [INF]).
 * An i2v output follows its first frame's aspect; the emulator does not download inputs, so
 * without an explicit aspect ratio it answers landscape 16:9.
 */
const VIDEO_SIZES: Record<"720p" | "1080p", Record<string, FrameSize>> = {
  "720p": {
    "16:9": { width: 1280, height: 720 },
    "9:16": { width: 720, height: 1280 },
    "1:1": { width: 960, height: 960 },
    "4:3": { width: 1088, height: 832 },
    "3:4": { width: 832, height: 1088 },
  },
  "1080p": {
    "16:9": { width: 1920, height: 1080 },
    "9:16": { width: 1080, height: 1920 },
    "1:1": { width: 1440, height: 1440 },
    "4:3": { width: 1632, height: 1248 },
    "3:4": { width: 1248, height: 1632 },
  },
};

/**
 * @example videoFrameSize("1080P") // { width: 1920, height: 1080 }
 */
export function videoFrameSize(resolution: string, aspectRatio: string | null = null): FrameSize {
  const tier = VIDEO_SIZES[resolution.toLowerCase() === "1080p" ? "1080p" : "720p"];
  return tier[aspectRatio ?? "16:9"] ?? tier["16:9"] as FrameSize;
}

/**
 * The pixel size of an image-pro output: `W*H` as asked; a tier square, or with an aspect ratio
 * about the tier's pixel count in that ratio, in multiples of 16 [INF].
 */
export function imageFrameSize(size: ImageSize, aspectRatio: string | null = null): FrameSize {
  const tier = TIERS[size.label];
  const match = aspectRatio === null ? null : /^(\d+):(\d+)$/.exec(aspectRatio);
  if (tier === undefined || match === null) return { width: size.width, height: size.height };
  const ratio = Number(match[1]) / Number(match[2]);
  const round16 = (value: number) => Math.max(16, Math.round(value / 16) * 16);
  return { width: round16(tier * Math.sqrt(ratio)), height: round16(tier / Math.sqrt(ratio)) };
}
