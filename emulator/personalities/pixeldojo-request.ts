/**
 * @module pixeldojo-request
 * Validation of PixelDojo's `POST /api/v1/models/{model}/run` bodies for `wan-2.7-i2v`
 * (../../shared/seeds/000_d5855db82c29375e.txt) and `wan-2.7-image-pro` (seed 001), with the
 * model rules of ./wan-rules.ts. Fields PixelDojo does not list are ignored, not rejected:
 * its own examples send `aspect_ratio` outside the table, so the real API is lenient [INF].
 */
import {
  Invalid,
  objectFields,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
  optionalUrl,
  validate,
  type Validated,
} from "./validation";
import { check4k, checkPalette, i2vCombination, maxImages, parseImageSize, type ImageSize } from "./wan-rules";

export const PIXELDOJO_VIDEO_MODEL = "wan-2.7-i2v";
export const PIXELDOJO_IMAGE_MODEL = "wan-2.7-image-pro";

const SEED_MAX = 2147483647;

export interface PixeldojoVideoRequest {
  kind: "video";
  mode: "image-to-video" | "video-extend";
  prompt: string | null;
  negativePrompt: string | null;
  imageUrl: string | null;
  videoUrl: string | null;
  lastFrameUrl: string | null;
  audioUrl: string | null;
  resolution: "720p" | "1080p";
  /** The output's aspect ratio; null follows the input (landscape in the emulator). */
  aspectRatio: string | null;
  duration: number;
  promptExpansion: boolean;
  seed: number | null;
  webhookUrl: string | null;
}

export interface PixeldojoImageRequest {
  kind: "image";
  prompt: string;
  imageUrls: string[];
  size: ImageSize;
  aspectRatio: string | null;
  n: number;
  thinkingMode: boolean;
  sequential: boolean;
  seed: number | null;
  webhookUrl: string | null;
}

/**
 * @example
 * parsePixeldojoVideo({ image_url: "https://x/a.png", duration: 5 })
 * // { ok: true, value: { mode: "image-to-video", resolution: "720p", promptExpansion: false, … } }
 */
export function parsePixeldojoVideo(body: unknown): Validated<PixeldojoVideoRequest> {
  return validate(() => {
    const fields = objectFields(body, "body");
    const mode = optionalEnum(fields.get("mode"), "mode", ["image-to-video", "video-extend"] as const) ?? "image-to-video";
    const prompt = optionalString(fields.get("prompt"), "prompt", 5000);
    const imageUrl = optionalUrl(fields.get("image_url"), "image_url");
    const videoUrl = optionalUrl(fields.get("video_url"), "video_url");
    const lastFrameUrl = optionalUrl(fields.get("last_frame_url"), "last_frame_url");
    // PixelDojo lists "audio sync" as a capability but does not document how audio is passed
    // (providers.md §3.2 [UNKNOWN]); the emulator accepts `audio_url`, like AI/ML API's field.
    const audioUrl = optionalUrl(fields.get("audio_url"), "audio_url");
    if (mode === "video-extend" && videoUrl === null) throw new Invalid("video_url", "video_url is required in video-extend mode");
    if (mode === "image-to-video" && videoUrl !== null) throw new Invalid("mode", "video_url requires mode video-extend");
    if (imageUrl === null && videoUrl === null) {
      // The doc's own example is a prompt-only (text-to-video) request, so that is accepted.
      if (lastFrameUrl !== null || audioUrl !== null) throw new Invalid("image_url", "image_url is required with last_frame_url or audio_url");
      if (prompt === null) throw new Invalid("prompt", "prompt or image_url is required");
    } else if (i2vCombination({ first_frame: imageUrl, last_frame: lastFrameUrl, driving_audio: audioUrl, first_clip: videoUrl }) === null) {
      throw new Invalid(mode === "video-extend" ? "image_url" : "audio_url", `This combination of inputs is not supported in ${mode} mode`);
    }
    const aspectRatio = optionalEnum(fields.get("aspect_ratio"), "aspect_ratio", ["16:9", "9:16", "1:1", "4:3", "3:4"] as const);
    return {
      aspectRatio,
      kind: "video",
      mode,
      prompt,
      negativePrompt: optionalString(fields.get("negative_prompt"), "negative_prompt", 500),
      imageUrl,
      videoUrl,
      lastFrameUrl,
      audioUrl,
      resolution: optionalEnum(fields.get("resolution"), "resolution", ["720p", "1080p"] as const) ?? "720p",
      duration: optionalInteger(fields.get("duration"), "duration", 2, 15) ?? 5,
      promptExpansion: optionalBoolean(fields.get("enable_prompt_expansion"), "enable_prompt_expansion") ?? false,
      seed: optionalInteger(fields.get("seed"), "seed", 0, SEED_MAX),
      webhookUrl: optionalUrl(fields.get("webhook_url"), "webhook_url"),
    };
  });
}

/**
 * @example
 * parsePixeldojoImage({ prompt: "a fox", n: 2 }) // { ok: true, value: { size: { label: "2K", … }, n: 2, … } }
 */
export function parsePixeldojoImage(body: unknown): Validated<PixeldojoImageRequest> {
  return validate(() => {
    const fields = objectFields(body, "body");
    const prompt = optionalString(fields.get("prompt"), "prompt", 5000);
    if (prompt === null || prompt === "") throw new Invalid("prompt", "prompt is required");
    const imageUrls = parseImageUrls(fields.get("image_urls"));
    const sequential = optionalBoolean(fields.get("enable_sequential"), "enable_sequential") ?? false;
    const size = parseImageSize(fields.get("size") ?? "2K", "size");
    check4k(size, "size", imageUrls.length, sequential);
    checkPalette(fields.get("color_palette"), "color_palette");
    const aspectRatio = optionalEnum(fields.get("aspect_ratio"), "aspect_ratio", ["1:1", "16:9", "9:16", "4:3", "3:4", "5:4", "4:5"] as const);
    return {
      aspectRatio,
      kind: "image",
      prompt,
      imageUrls,
      size,
      n: optionalInteger(fields.get("n"), "n", 1, maxImages(sequential)) ?? 1,
      thinkingMode: optionalBoolean(fields.get("thinking_mode"), "thinking_mode") ?? false,
      sequential,
      seed: optionalInteger(fields.get("seed"), "seed", 0, SEED_MAX),
      webhookUrl: optionalUrl(fields.get("webhook_url"), "webhook_url"),
    };
  });
}

/**
 * Image-to-image is a listed capability but the doc does not name the input field
 * (providers.md §3.3 [UNKNOWN]); the emulator accepts `image_urls`, an array of 1–9 URLs
 * (the model takes at most 9 input images).
 */
function parseImageUrls(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0 || value.length > 9) {
    throw new Invalid("image_urls", "image_urls must be an array of 1 to 9 URLs");
  }
  return (value as unknown[]).map((url, index) => optionalUrl(url ?? "", `image_urls[${index}]`) as string);
}
