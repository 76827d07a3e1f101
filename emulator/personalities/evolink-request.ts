/**
 * @module evolink-request
 * Validation of EvoLink's `POST /v1/videos/generations` body for `wan2.7-image-to-video`,
 * following EvoLink's own page (../../shared/seeds/003_4c6f191fb08859d5.txt) and
 * ../../shared/providers.md §2.2: a body the real EvoLink would reject is rejected here with
 * the offending field as `param`, so the gateway's translation is tested, not assumed.
 */

export const EVOLINK_VIDEO_MODEL = "wan2.7-image-to-video";

export type GenerationMode = "first_frame" | "first_last_frame" | "video_continuation";
const GENERATION_MODES: readonly string[] = ["first_frame", "first_last_frame", "video_continuation"];

/** A valid create request, normalized (defaults applied, overlong prompts truncated). */
export interface EvolinkVideoRequest {
  model: typeof EVOLINK_VIDEO_MODEL;
  generationMode: GenerationMode;
  /** Whether `generation_mode` was sent or inferred from the materials. */
  generationModeExplicit: boolean;
  prompt: string | null;
  negativePrompt: string | null;
  imageStart: string | null;
  imageEnd: string | null;
  videoUrl: string | null;
  audioUrl: string | null;
  quality: "720p" | "1080p";
  duration: number;
  seed: number | null;
  promptExtend: boolean;
  callbackUrl: string | null;
}

export type EvolinkRequestResult =
  | { ok: true; request: EvolinkVideoRequest }
  | { ok: false; param: string; message: string };

class Invalid extends Error {
  constructor(readonly param: string, message: string) {
    super(message);
  }
}

/**
 * @example
 * parseEvolinkVideoRequest({ model: "wan2.7-image-to-video", image_start: "https://x/a.png" })
 * // { ok: true, request: { generationMode: "first_frame", quality: "720p", duration: 5, … } }
 */
export function parseEvolinkVideoRequest(body: unknown): EvolinkRequestResult {
  try {
    return { ok: true, request: parse(body) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, param: error.param, message: error.message };
    throw error;
  }
}

function parse(body: unknown): EvolinkVideoRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new Invalid("body", "Request body must be a JSON object");
  }
  const fields = body as Record<string, unknown>;
  const get = (name: string) => (fields[name] === null ? undefined : fields[name]);

  const model = get("model");
  if (model === undefined) throw new Invalid("model", "model is required");
  if (model !== EVOLINK_VIDEO_MODEL) {
    throw new Invalid("model", `Unsupported model ${JSON.stringify(model)}; must be ${EVOLINK_VIDEO_MODEL}`);
  }
  const mode = get("generation_mode");
  if (mode !== undefined && (typeof mode !== "string" || !GENERATION_MODES.includes(mode))) {
    throw new Invalid("generation_mode", `generation_mode must be one of ${GENERATION_MODES.join(", ")}`);
  }
  // Overlong prompts are truncated by EvoLink, not rejected.
  const prompt = optionalString(get("prompt"), "prompt")?.slice(0, 5000) ?? null;
  const negativePrompt = optionalString(get("negative_prompt"), "negative_prompt")?.slice(0, 500) ?? null;
  const imageStart = optionalUrl(get("image_start"), "image_start");
  const imageEnd = optionalUrl(get("image_end"), "image_end");
  const videoUrl = singleUrl(get("video_urls"), "video_urls");
  const audioUrl = singleUrl(get("audio_urls"), "audio_urls");
  const generationMode = checkMaterials(mode as GenerationMode | undefined, { imageStart, imageEnd, videoUrl, audioUrl });
  return {
    model: EVOLINK_VIDEO_MODEL,
    generationMode,
    generationModeExplicit: mode !== undefined,
    prompt,
    negativePrompt,
    imageStart,
    imageEnd,
    videoUrl,
    audioUrl,
    quality: parseQuality(get("quality"), get("resolution")),
    // In continuation mode `duration` must also be ≥ the input clip's length; the emulator
    // does not download inputs, so that one rule is not enforced.
    duration: integerIn(get("duration"), "duration", 2, 15) ?? 5,
    seed: integerIn(get("seed"), "seed", 1, 2147483647),
    promptExtend: parsePromptExtend(get("prompt_extend")),
    callbackUrl: parseCallbackUrl(get("callback_url")),
  };
}

interface Materials {
  imageStart: string | null;
  imageEnd: string | null;
  videoUrl: string | null;
  audioUrl: string | null;
}

/**
 * The per-mode rules of the seed document. Together with the inference they accept exactly
 * the six documented combinations: image_start, image_start+audio_urls, image_start+image_end,
 * image_start+image_end+audio_urls, video_urls, video_urls+image_end.
 */
function checkMaterials(explicit: GenerationMode | undefined, materials: Materials): GenerationMode {
  const { imageStart, imageEnd, videoUrl, audioUrl } = materials;
  const mode = explicit ?? inferMode(materials);
  const forbid = (present: string | null, param: string) => {
    if (present !== null) throw new Invalid(param, `${param} is not accepted in ${mode} mode`);
  };
  const require = (present: string | null, param: string) => {
    if (present === null) throw new Invalid(param, `${param} is required in ${mode} mode`);
  };
  if (mode === "first_frame") {
    require(imageStart, "image_start");
    if (imageEnd !== null) {
      throw new Invalid("image_end", "image_end is not accepted in first_frame mode; use first_last_frame");
    }
    forbid(videoUrl, "video_urls");
  } else if (mode === "first_last_frame") {
    require(imageStart, "image_start");
    require(imageEnd, "image_end");
    forbid(videoUrl, "video_urls");
  } else {
    require(videoUrl, "video_urls");
    forbid(imageStart, "image_start");
    if (audioUrl !== null) throw new Invalid("audio_urls", "audio_urls cannot be combined with video_urls");
  }
  return mode;
}

/** EvoLink's backward-compatible behaviour when `generation_mode` is omitted. */
function inferMode({ imageStart, imageEnd, videoUrl }: Materials): GenerationMode {
  if (videoUrl !== null) return "video_continuation";
  if (imageStart !== null) return imageEnd !== null ? "first_last_frame" : "first_frame";
  throw new Invalid("image_start", "image_start or video_urls is required");
}

/**
 * The resolution field is documented only as "Video quality" (720p default, 1080p); its JSON
 * key is unverified (providers.md §2.2 [INF]: most likely `quality`, as on EvoLink's sibling
 * video models). Both `quality` and `resolution` are accepted until a live call settles it.
 */
function parseQuality(quality: unknown, resolution: unknown): "720p" | "1080p" {
  for (const [param, value] of [["quality", quality], ["resolution", resolution]] as const) {
    if (value !== undefined && value !== "720p" && value !== "1080p") {
      throw new Invalid(param, `${param} must be 720p or 1080p`);
    }
  }
  if (quality !== undefined && resolution !== undefined && quality !== resolution) {
    throw new Invalid("quality", "quality and resolution disagree");
  }
  return ((quality ?? resolution) as "720p" | "1080p" | undefined) ?? "720p";
}

/** `prompt_extend` is the [INF] key of the prompt-rewrite flag (providers.md §2.2); default false. */
function parsePromptExtend(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw new Invalid("prompt_extend", "prompt_extend must be a boolean");
  return value;
}

/**
 * EvoLink accepts only HTTPS callback URLs on public hosts. The emulator also accepts `http:`
 * and private hosts: local development (`npm start`, tests) has no TLS and runs on 127.0.0.1.
 */
function parseCallbackUrl(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== "string" || value === "") throw new Invalid("callback_url", "callback_url must be a string");
  if (value.length > 2048) throw new Invalid("callback_url", "callback_url must not exceed 2048 characters");
  if (!isWebUrl(value, ["https:", "http:"])) throw new Invalid("callback_url", "callback_url must be an HTTPS URL");
  return value;
}

function optionalString(value: unknown, param: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new Invalid(param, `${param} must be a string`);
  return value;
}

function optionalUrl(value: unknown, param: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== "string" || !isWebUrl(value, ["https:", "http:"])) {
    throw new Invalid(param, `${param} must be an http(s) URL`);
  }
  return value;
}

/** `video_urls` / `audio_urls`: arrays with exactly one URL. */
function singleUrl(value: unknown, param: string): string | null {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.length !== 1) {
    throw new Invalid(param, `${param} must be an array with exactly 1 element`);
  }
  return optionalUrl(value[0], param);
}

function integerIn(value: unknown, param: string, min: number, max: number): number | null {
  if (value === undefined) return null;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new Invalid(param, `${param} must be an integer between ${min} and ${max}`);
  }
  return value as number;
}

function isWebUrl(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
