/**
 * @module aimlapi-request
 * Validation of AI/ML API's two bodies: `alibaba/wan-2-7-i2v` on `POST /v2/video/generations`
 * (../../shared/seeds/002_698ddbe977d8854e.txt, providers.md §4.2) and
 * `alibaba/wan-2-7-image-pro` on `POST /v1/images/generations` (§4.4). AI/ML validates bodies
 * against a schema ("Body validation error"); the emulator treats it as strict, so a field
 * the schema lacks (a last frame, a clip, `n`) is a 400 and never silently dropped [INF].
 */
import {
  Invalid,
  objectFields,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
  optionalUrl,
  rejectUnknown,
  validate,
  type Fields,
  type Validated,
} from "./validation";

export const AIMLAPI_VIDEO_MODEL = "alibaba/wan-2-7-i2v";
export const AIMLAPI_IMAGE_MODEL = "alibaba/wan-2-7-image-pro";

const VIDEO_FIELDS = [
  "model", "prompt", "image_url", "audio_url", "resolution", "duration",
  "enable_prompt_expansion", "enhance_prompt", "negative_prompt", "seed", "watermark",
] as const;
const IMAGE_FIELDS = ["model", "prompt", "image_urls", "image_size", "enhance_prompt", "negative_prompt", "seed", "watermark"] as const;
const IMAGE_SIZES = ["square_hd", "square", "portrait_4_3", "portrait_16_9", "landscape_4_3", "landscape_16_9"] as const;

export interface AimlapiVideoRequest {
  prompt: string;
  imageUrl: string;
  audioUrl: string | null;
  resolution: "720p" | "1080p";
  duration: 5 | 10 | 15;
  promptExpansion: boolean;
  negativePrompt: string | null;
  seed: number | null;
  watermark: boolean;
}

export interface AimlapiImageRequest {
  prompt: string;
  imageUrls: string[];
  imageSize: (typeof IMAGE_SIZES)[number] | { width: number; height: number };
  enhancePrompt: boolean;
  negativePrompt: string | null;
  seed: number | null;
  watermark: boolean;
}

/**
 * @example
 * parseAimlapiVideo({ model: "alibaba/wan-2-7-i2v", prompt: "waves", image_url: "https://x/a.png", duration: "5" })
 * // { ok: true, value: { duration: 5, resolution: "1080p", promptExpansion: true, … } }
 */
export function parseAimlapiVideo(body: unknown): Validated<AimlapiVideoRequest> {
  return validate(() => {
    const fields = objectFields(body, "body");
    rejectUnknown(fields, VIDEO_FIELDS);
    checkModel(fields, AIMLAPI_VIDEO_MODEL);
    const expansion = optionalBoolean(fields.get("enable_prompt_expansion"), "enable_prompt_expansion");
    const enhance = optionalBoolean(fields.get("enhance_prompt"), "enhance_prompt");
    return {
      prompt: requiredString(fields, "prompt", Infinity),
      imageUrl: required(optionalUrl(fields.get("image_url"), "image_url", { dataUrl: true }), "image_url"),
      audioUrl: optionalUrl(fields.get("audio_url"), "audio_url"),
      resolution: optionalEnum(fields.get("resolution"), "resolution", ["720p", "1080p"] as const) ?? "1080p",
      duration: parseDuration(fields.get("duration")),
      // `enhance_prompt` is a documented alias; both default to true.
      promptExpansion: expansion ?? enhance ?? true,
      negativePrompt: optionalString(fields.get("negative_prompt"), "negative_prompt", 500),
      // The spec gives no range for the video seed, only "integer".
      seed: optionalInteger(fields.get("seed"), "seed", 0, Number.MAX_SAFE_INTEGER),
      watermark: optionalBoolean(fields.get("watermark"), "watermark") ?? false,
    };
  });
}

/**
 * @example
 * parseAimlapiImage({ model: "alibaba/wan-2-7-image-pro", prompt: "a fox", image_size: { width: 1024, height: 768 } })
 */
export function parseAimlapiImage(body: unknown): Validated<AimlapiImageRequest> {
  return validate(() => {
    const fields = objectFields(body, "body");
    rejectUnknown(fields, IMAGE_FIELDS);
    checkModel(fields, AIMLAPI_IMAGE_MODEL);
    return {
      prompt: requiredString(fields, "prompt", 2000),
      imageUrls: parseImageUrls(fields.get("image_urls")),
      imageSize: parseImageSize(fields.get("image_size")),
      enhancePrompt: optionalBoolean(fields.get("enhance_prompt"), "enhance_prompt") ?? true,
      negativePrompt: optionalString(fields.get("negative_prompt"), "negative_prompt", 500),
      seed: optionalInteger(fields.get("seed"), "seed", 0, 2147483647),
      watermark: optionalBoolean(fields.get("watermark"), "watermark") ?? false,
    };
  });
}

function checkModel(fields: Fields, model: string): void {
  if (fields.get("model") !== model) throw new Invalid("model", `Expected "${model}", received ${JSON.stringify(fields.get("model") ?? null)}`);
}

function requiredString(fields: Fields, param: string, maxLength: number): string {
  const value = optionalString(fields.get(param), param, maxLength);
  if (value === null || value === "") throw new Invalid(param, "Required");
  return value;
}

function required<T>(value: T | null, param: string): T {
  if (value === null) throw new Invalid(param, "Required");
  return value;
}

/** 5, 10 or 15, as an integer or a numeric string (the docs' own example sends "5"); default 10. */
function parseDuration(value: unknown): 5 | 10 | 15 {
  if (value === undefined) return 10;
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (number !== 5 && number !== 10 && number !== 15) {
    throw new Invalid("duration", `Expected 5 | 10 | 15, received ${JSON.stringify(value)}`);
  }
  return number;
}

/** 1–3 URLs or Base64 images, for editing. */
function parseImageUrls(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length < 1 || value.length > 3) {
    throw new Invalid("image_urls", "Expected an array of 1 to 3 images");
  }
  return (value as unknown[]).map((url, index) => required(optionalUrl(url ?? "", `image_urls.${index}`, { dataUrl: true }), "image_urls"));
}

/** An enum value, or `{width, height}` each 512–1440 and a multiple of 32; 4K is not exposed. */
function parseImageSize(value: unknown): AimlapiImageRequest["imageSize"] {
  if (value === undefined) return "landscape_4_3";
  if (typeof value === "string") return optionalEnum(value, "image_size", IMAGE_SIZES) as (typeof IMAGE_SIZES)[number];
  const size = objectFields(value, "image_size");
  rejectUnknown(size, ["width", "height"], "image_size.");
  const side = (name: "width" | "height") => {
    const number = optionalInteger(size.get(name), `image_size.${name}`, 512, 1440);
    if (number === null || number % 32 !== 0) {
      throw new Invalid(`image_size.${name}`, "Expected a multiple of 32 between 512 and 1440");
    }
    return number;
  };
  return { width: side("width"), height: side("height") };
}
