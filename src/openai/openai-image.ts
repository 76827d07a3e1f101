/**
 * @module openai/openai-image — OpenAI's `POST /images/generations` mapped onto a
 * wan2.7-image-pro job: the request → a `POST /v1/jobs` body, field paths back again.
 *
 * The request schema is the one the route validates with and the OpenAPI document shows;
 * each field that becomes an image-pro input field is built from that field's schema.
 */
import { z } from "@hono/zod-openapi";
import type { FieldError } from "../http/problem";
import { imageProInputSchema, imageSizeTiers } from "../models/image-pro";
import { providerPreferenceSchema } from "../models/job-request";
import { openAiFieldErrors } from "./openai-validation";

export const imageModel = "wan2.7-image-pro";

export const responseFormats = ["url", "b64_json"] as const;
export type ResponseFormat = (typeof responseFormats)[number];

/** Extensions: image-pro input fields passed through unchanged (OpenAI has no such fields). */
export const imageExtensionFields = ["seed", "watermark", "thinking_mode", "enable_sequential", "color_palette", "images"] as const;

/** OpenAI's `WIDTHxHEIGHT` (or the model's `W*H`); whether the pixel count is allowed is the model's rule. */
const pixelSize = /^(\d{2,5})[x*](\d{2,5})$/;
/** Every `size` the request may name: `auto`, a tier, or a pixel size. */
const sizePattern = new RegExp(`^(?:auto|${imageSizeTiers.join("|")}|${pixelSize.source.slice(1, -1)})$`);

/**
 * OpenAI's `size` → the model's: `1024x1536` → `1024*1536`; `1K`/`2K`/`4K` and `W*H` as
 * they are; `auto` → the model's default (2K). Null when it is none of these.
 * @example imageSize("1536x1024") // "1536*1024"
 */
export function imageSize(size: string): string | null | undefined {
  if (size === "auto") return undefined;
  if ((imageSizeTiers as readonly string[]).includes(size)) return size;
  const match = pixelSize.exec(size);
  return match ? `${match[1]}*${match[2]}` : null;
}

const imageProFields = imageProInputSchema.shape;

/** `POST /openai/v1/images/generations`: the schema that validates it and documents it. */
export const imageRequestSchema = z.strictObject({
  model: z.literal(imageModel, { error: `only ${imageModel} makes images here` }).nullable().default(imageModel),
  prompt: imageProFields.prompt,
  n: imageProFields.n.nullable().describe("1–4, or up to 12 with enable_sequential"),
  size: z
    .string()
    .regex(sizePattern, "must be WIDTHxHEIGHT like 1024x1024, auto, or the model's 1K, 2K or 4K")
    .nullable()
    .optional()
    .describe("WIDTHxHEIGHT (→ the model's W*H, 768*768 to 4096*4096 pixels), auto (the model's 2K), or 1K, 2K, 4K"),
  response_format: z
    .enum(responseFormats, { error: `must be one of: ${responseFormats.join(", ")}` })
    .nullable()
    .default("url")
    .describe("url: permanent /media links; b64_json: the bytes"),
  provider: providerPreferenceSchema.describe("Extension: `auto`, a provider id or an ordered list, as in POST /v1/jobs"),
  seed: imageProFields.seed.describe("Extension (image-pro input)"),
  watermark: imageProFields.watermark.describe("Extension (image-pro input)"),
  thinking_mode: imageProFields.thinking_mode.describe("Extension (image-pro input)"),
  enable_sequential: imageProFields.enable_sequential,
  color_palette: imageProFields.color_palette,
  images: imageProFields.images,
  user: z.unknown().optional().describe("Accepted and ignored (OpenAI's end-user id for its abuse monitoring)"),
});

const supportedFields = Object.keys(imageRequestSchema.shape);

/** OpenAI's images response; the route's answer is typed by it. */
export const imagesResponseSchema = z.object({
  created: z.number().int().describe("Unix seconds: when the job was created"),
  data: z.array(
    z.union([
      z.object({ url: z.url().describe("Permanent link served by GET /media/{key}") }).strict(),
      z.object({ b64_json: z.string().describe("The image's bytes, base64") }).strict(),
    ]),
  ),
});
export type ImagesResponse = z.output<typeof imagesResponseSchema>;

export interface ImageJobRequest {
  body: { model: string; input: Record<string, unknown>; provider?: unknown };
  responseFormat: ResponseFormat;
  /** The request schema's verdict, in the request's own names (the job's is openai-validation's). */
  errors: FieldError[];
}

/**
 * Validates an OpenAI image-generation request with its schema and maps it to a
 * `POST /v1/jobs` body — as far as it maps, so the job's own validation can still speak.
 * @example imageJobRequest({ model: "wan2.7-image-pro", prompt: "a fox", size: "1024x1024", response_format: "b64_json" })
 * // { body: { model: "wan2.7-image-pro", input: { prompt: "a fox", size: "1024*1024" } }, responseFormat: "b64_json", errors: [] }
 */
export function imageJobRequest(fields: Record<string, unknown>): ImageJobRequest {
  const parsed = imageRequestSchema.safeParse(fields);
  const errors = parsed.success ? [] : openAiFieldErrors(parsed.error, supportedFields);
  const input: Record<string, unknown> = {};
  if (fields.prompt !== undefined) input.prompt = fields.prompt;
  if (fields.n !== undefined && fields.n !== null) input.n = fields.n;
  const size = typeof fields.size === "string" ? imageSize(fields.size) : undefined;
  if (typeof size === "string") input.size = size;
  for (const field of imageExtensionFields) {
    if (fields[field] !== undefined) input[field] = fields[field];
  }
  const body: ImageJobRequest["body"] = { model: imageModel, input };
  if (fields.provider !== undefined) body.provider = fields.provider;
  const format = fields.response_format;
  return { body, responseFormat: format === "b64_json" ? "b64_json" : "url", errors };
}

/**
 * A `POST /v1/jobs` field path → the OpenAI request field it came from.
 * @example imageFieldOf("input.size") // "size"
 */
export function imageFieldOf(path: string): string {
  return path.startsWith("input.") ? path.slice("input.".length) : path;
}
