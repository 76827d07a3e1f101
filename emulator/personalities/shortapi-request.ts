/**
 * @module shortapi-request
 * Validation of ShortAPI's `POST /api/v1/job/create` body for
 * `alibaba/wan-2.7/image-to-video`: `{model, args, callback_url?}` with the `args` of
 * ../../shared/seeds/004_1064ce916cb5478c.txt and the model's six material combinations.
 * Unlisted `args` fields (e.g. `seed`, `watermark`) are ignored: ShortAPI does not document
 * them and nothing says it rejects them [INF].
 */
import { Invalid, objectFields, optionalEnum, optionalInteger, optionalString, optionalUrl, validate, type Validated } from "./validation";
import { i2vCombination, type I2vCombination, type I2vMaterials } from "./wan-rules";

export const SHORTAPI_VIDEO_MODEL = "alibaba/wan-2.7/image-to-video";

export interface ShortapiVideoRequest {
  prompt: string | null;
  negativePrompt: string | null;
  resolution: "720p" | "1080p";
  duration: number;
  promptExtend: boolean;
  media: I2vMaterials;
  combination: I2vCombination;
  callbackUrl: string | null;
}

/**
 * @example
 * parseShortapiVideo({ model: "alibaba/wan-2.7/image-to-video", args: { first_frame_image: "https://x/a.png" } })
 * // { ok: true, value: { resolution: "1080p", duration: 5, promptExtend: false, combination: "first_frame", … } }
 */
export function parseShortapiVideo(body: unknown): Validated<ShortapiVideoRequest> {
  return validate(() => {
    const fields = objectFields(body, "body");
    const model = fields.get("model");
    if (model !== SHORTAPI_VIDEO_MODEL) throw new Invalid("model", `model ${JSON.stringify(model ?? null)} is not supported`);
    const args = objectFields(fields.get("args") ?? {}, "args");
    const media: I2vMaterials = {
      first_frame: optionalUrl(args.get("first_frame_image"), "args.first_frame_image"),
      last_frame: optionalUrl(args.get("last_frame_image"), "args.last_frame_image"),
      driving_audio: optionalUrl(args.get("driving_audio_url"), "args.driving_audio_url"),
      first_clip: optionalUrl(args.get("first_clip_video_url"), "args.first_clip_video_url"),
    };
    const combination = i2vCombination(media);
    if (combination === null) {
      throw new Invalid("args", "invalid input combination: use first_frame_image or first_clip_video_url, see the supported combinations");
    }
    return {
      prompt: optionalString(args.get("prompt"), "args.prompt", 5000),
      negativePrompt: optionalString(args.get("negative_prompt"), "args.negative_prompt", 500),
      resolution: optionalEnum(args.get("resolution"), "args.resolution", ["720p", "1080p"] as const) ?? "1080p",
      duration: optionalInteger(args.get("duration"), "args.duration", 2, 15) ?? 5,
      promptExtend: parseFlag(args.get("prompt_extend"), "args.prompt_extend"),
      media,
      combination,
      callbackUrl: optionalUrl(fields.get("callback_url"), "callback_url"),
    };
  });
}

/** `prompt_extend` is documented as a bool with options "true"/"false", so both forms pass; default false. */
function parseFlag(value: unknown, param: string): boolean {
  if (value === undefined) return false;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw new Invalid(param, `${param} must be true or false`);
}
