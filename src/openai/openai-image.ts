/**
 * @module openai/openai-image — OpenAI's `POST /images/generations` mapped onto a
 * wan2.7-image-pro job: the request → a `POST /v1/jobs` body, field paths back again.
 */
import type { FieldError } from "../http/problem";
import { imageSizeTiers } from "../models/image-pro";

export const imageModel = "wan2.7-image-pro";

export const responseFormats = ["url", "b64_json"] as const;
export type ResponseFormat = (typeof responseFormats)[number];

/** Extensions: image-pro input fields passed through unchanged (OpenAI has no such fields). */
export const imageExtensionFields = ["seed", "watermark", "thinking_mode", "enable_sequential", "color_palette", "images"] as const;

/** OpenAI fields accepted and ignored: `user` is an end-user id for OpenAI's abuse monitoring. */
const ignoredFields = ["user"];

const knownFields = new Set<string>(["model", "prompt", "n", "size", "response_format", "provider", ...imageExtensionFields, ...ignoredFields]);

export interface ImageJobRequest {
  body: { model: string; input: Record<string, unknown>; provider?: unknown };
  responseFormat: ResponseFormat;
  errors: FieldError[];
}

/**
 * OpenAI's `size` → the model's: `1024x1536` → `1024*1536`; `1K`/`2K`/`4K` and `W*H` as
 * they are; `auto` → the model's default (2K). Null when it is none of these. Whether the
 * pixel count is allowed is the model schema's rule, not repeated here.
 * @example imageSize("1536x1024") // "1536*1024"
 */
export function imageSize(size: string): string | null | undefined {
  if (size === "auto") return undefined;
  if ((imageSizeTiers as readonly string[]).includes(size)) return size;
  const match = /^(\d{2,5})[x*](\d{2,5})$/.exec(size);
  return match ? `${match[1]}*${match[2]}` : null;
}

/**
 * Maps an OpenAI image-generation request to a `POST /v1/jobs` body.
 * @example imageJobRequest({ model: "wan2.7-image-pro", prompt: "a fox", size: "1024x1024", response_format: "b64_json" })
 * // { body: { model: "wan2.7-image-pro", input: { prompt: "a fox", size: "1024*1024" } }, responseFormat: "b64_json", errors: [] }
 */
export function imageJobRequest(fields: Record<string, unknown>): ImageJobRequest {
  const errors: FieldError[] = [];
  const input: Record<string, unknown> = {};
  for (const field of Object.keys(fields)) {
    if (!knownFields.has(field)) errors.push({ path: field, message: `unknown field; supported: ${[...knownFields].join(", ")}` });
  }
  const model = fields.model ?? imageModel;
  if (model !== imageModel) errors.push({ path: "model", message: `only ${imageModel} makes images here` });
  if (fields.prompt !== undefined) input.prompt = fields.prompt;
  if (fields.n !== undefined && fields.n !== null) input.n = fields.n;

  if (typeof fields.size === "string" && imageSize(fields.size) !== null) {
    const size = imageSize(fields.size);
    if (size !== undefined) input.size = size;
  } else if (fields.size !== undefined && fields.size !== null) {
    errors.push({ path: "size", message: "must be WIDTHxHEIGHT like 1024x1024, auto, or the model's 1K, 2K or 4K" });
  }

  const format = fields.response_format ?? "url";
  if (!(responseFormats as readonly unknown[]).includes(format)) errors.push({ path: "response_format", message: `must be one of: ${responseFormats.join(", ")}` });

  for (const field of imageExtensionFields) {
    if (fields[field] !== undefined) input[field] = fields[field];
  }
  const body: ImageJobRequest["body"] = { model: imageModel, input };
  if (fields.provider !== undefined) body.provider = fields.provider;
  return { body, responseFormat: (responseFormats as readonly unknown[]).includes(format) ? (format as ResponseFormat) : "url", errors };
}

/**
 * A `POST /v1/jobs` field path → the OpenAI request field it came from.
 * @example imageFieldOf("input.size") // "size"
 */
export function imageFieldOf(path: string): string {
  return path.startsWith("input.") ? path.slice("input.".length) : path;
}
