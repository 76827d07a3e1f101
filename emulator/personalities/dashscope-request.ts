/**
 * @module dashscope-request
 * Validation of DashScope's two create bodies, `wan2.7-i2v` (video-synthesis) and
 * `wan2.7-image-pro` (image-generation, `input.messages`), per ../../shared/providers.md §1.2
 * and §1.4. A body the real service would reject is rejected here (the personality wraps the
 * result in DashScope's `{code, message, request_id}`), so the adapter's translation, down to
 * the uppercase `1080P`, is tested rather than assumed.
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
  type Fields,
  type Validated,
} from "./validation";
import { check4k, checkPalette, i2vCombination, maxImages, parseImageSize, type I2vCombination, type I2vMaterials, type ImageSize } from "./wan-rules";

export const DASHSCOPE_VIDEO_MODEL = "wan2.7-i2v";
export const DASHSCOPE_IMAGE_MODEL = "wan2.7-image-pro";

const MEDIA_TYPES = ["first_frame", "last_frame", "driving_audio", "first_clip"] as const;
const SEED_MAX = 2147483647;

export interface DashscopeVideoRequest {
  kind: "video";
  prompt: string | null;
  negativePrompt: string | null;
  media: I2vMaterials;
  combination: I2vCombination;
  resolution: "720P" | "1080P";
  duration: number;
  promptExtend: boolean;
  watermark: boolean;
  seed: number | null;
}

export interface DashscopeImageRequest {
  kind: "image";
  prompt: string;
  images: string[];
  size: ImageSize;
  n: number;
  thinkingMode: boolean;
  sequential: boolean;
  watermark: boolean;
  seed: number | null;
}

/**
 * @example
 * parseDashscopeVideo({ model: "wan2.7-i2v", input: { media: [{ type: "first_frame", url }] } })
 * // { ok: true, value: { resolution: "1080P", duration: 5, promptExtend: true, watermark: false, … } }
 */
export function parseDashscopeVideo(body: unknown): Validated<DashscopeVideoRequest> {
  return validate(() => {
    const { input, parameters } = envelope(body, DASHSCOPE_VIDEO_MODEL);
    const media = parseMedia(input.get("media"));
    const combination = i2vCombination(media);
    if (combination === null) {
      throw new Invalid("input.media", "The combination of input.media types is not supported");
    }
    return {
      kind: "video",
      prompt: optionalString(input.get("prompt"), "input.prompt", 5000),
      negativePrompt: optionalString(input.get("negative_prompt"), "input.negative_prompt", 500),
      media,
      combination,
      // Defaults from the mirrors (providers.md §1.2 [3P]): 1080P, 5 s, prompt_extend on, no watermark.
      resolution: optionalEnum(parameters.get("resolution"), "parameters.resolution", ["720P", "1080P"] as const) ?? "1080P",
      duration: optionalInteger(parameters.get("duration"), "parameters.duration", 2, 15) ?? 5,
      promptExtend: optionalBoolean(parameters.get("prompt_extend"), "parameters.prompt_extend") ?? true,
      watermark: optionalBoolean(parameters.get("watermark"), "parameters.watermark") ?? false,
      seed: optionalInteger(parameters.get("seed"), "parameters.seed", 0, SEED_MAX),
    };
  });
}

/**
 * @example
 * parseDashscopeImage({ model: "wan2.7-image-pro", input: { messages: [{ role: "user", content: [{ text: "a fox" }] }] } })
 * // { ok: true, value: { size: { label: "2K", … }, n: 4, … } }
 */
export function parseDashscopeImage(body: unknown): Validated<DashscopeImageRequest> {
  return validate(() => {
    const { input, parameters } = envelope(body, DASHSCOPE_IMAGE_MODEL);
    const { prompt, images } = parseMessages(input.get("messages"));
    const sequential = optionalBoolean(parameters.get("enable_sequential"), "parameters.enable_sequential") ?? false;
    const size = parseImageSize(parameters.get("size") ?? "2K", "parameters.size");
    check4k(size, "parameters.size", images.length, sequential);
    // The default n is [UNKNOWN] (sources say 1 or 4); 4, so an adapter that omits n notices.
    const n = optionalInteger(parameters.get("n"), "parameters.n", 1, maxImages(sequential)) ?? 4;
    checkPalette(parameters.get("color_palette"), "parameters.color_palette");
    return {
      kind: "image",
      prompt,
      images,
      size,
      n,
      thinkingMode: optionalBoolean(parameters.get("thinking_mode"), "parameters.thinking_mode") ?? true,
      sequential,
      watermark: optionalBoolean(parameters.get("watermark"), "parameters.watermark") ?? false,
      seed: optionalInteger(parameters.get("seed"), "parameters.seed", 0, SEED_MAX),
    };
  });
}

/** `model`, `input` and `parameters`, with DashScope's specific codes for the missing ones. */
function envelope(body: unknown, expectedModel: string): { input: Fields; parameters: Fields } {
  const fields = objectFields(body, "body");
  const model = fields.get("model");
  if (model === undefined || model === "") {
    throw new Invalid("model", 'Required parameter "model" missing from request.', "BadRequest.EmptyModel");
  }
  if (model !== expectedModel) throw new Invalid("model", "Model not exist.");
  if (fields.get("input") === undefined) {
    throw new Invalid("input", 'Required parameter "input" missing from request.', "BadRequest.EmptyInput");
  }
  return {
    input: objectFields(fields.get("input"), "input"),
    parameters: objectFields(fields.get("parameters") ?? {}, "parameters"),
  };
}

function parseMedia(value: unknown): I2vMaterials {
  if (value === undefined) {
    throw new Invalid("input.media", "The image-to-video model requires input.media with a first_frame or first_clip");
  }
  if (!Array.isArray(value) || value.length === 0) throw new Invalid("input.media", "input.media must be a non-empty array");
  const media: I2vMaterials = { first_frame: null, last_frame: null, driving_audio: null, first_clip: null };
  for (const [index, item] of (value as unknown[]).entries()) {
    const entry = objectFields(item, `input.media[${index}]`);
    const type = optionalEnum(entry.get("type"), `input.media[${index}].type`, MEDIA_TYPES);
    const url = optionalUrl(entry.get("url"), `input.media[${index}].url`);
    if (type === null || url === null) throw new Invalid(`input.media[${index}]`, "Each media item needs a type and a url");
    if (media[type] !== null) throw new Invalid(`input.media[${index}].type`, `Duplicate media type ${type}`);
    media[type] = url;
  }
  return media;
}

/** Exactly one user message: exactly one `{text}` and 0–9 `{image}` (URL or Base64). */
function parseMessages(value: unknown): { prompt: string; images: string[] } {
  if (!Array.isArray(value) || value.length !== 1) {
    throw new Invalid("input.messages", "input.messages must contain exactly one message");
  }
  const message = objectFields(value[0], "input.messages[0]");
  if (message.get("role") !== "user") throw new Invalid("input.messages[0].role", "The message role must be user");
  const content = message.get("content");
  if (!Array.isArray(content)) throw new Invalid("input.messages[0].content", "content must be an array");
  const texts: string[] = [];
  const images: string[] = [];
  for (const [index, item] of (content as unknown[]).entries()) {
    const param = `input.messages[0].content[${index}]`;
    const part = objectFields(item, param);
    const text = optionalString(part.get("text"), `${param}.text`, 5000);
    const image = optionalUrl(part.get("image"), `${param}.image`, { dataUrl: true });
    if ((text === null) === (image === null)) throw new Invalid(param, "Each content item needs exactly one of text or image");
    if (text !== null) texts.push(text);
    if (image !== null) images.push(image);
  }
  if (texts.length !== 1) throw new Invalid("input.messages[0].content", "content must contain exactly one text item");
  if (images.length > 9) throw new Invalid("input.messages[0].content", "content may contain at most 9 images");
  return { prompt: texts[0] as string, images };
}
