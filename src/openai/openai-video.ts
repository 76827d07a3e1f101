/**
 * @module openai/openai-video — OpenAI's video API (`/videos`) mapped onto wan2.7-i2v jobs.
 *
 * Pure translations both ways: an OpenAI create request → a `POST /v1/jobs` body, and a job
 * → OpenAI's video object (field names and types as in the official SDKs' `Video`). A video
 * *is* a job: same id, also visible under `/v1/jobs`.
 *
 * The request and response schemas here are the ones the route validates with and types its
 * answers by, and the ones the OpenAPI document shows (openapi/sections/openai-section).
 * Each request field that becomes an i2v input field is built from that field's schema, so
 * its limits and messages are the model's.
 */
import { z } from "@hono/zod-openapi";
import type { FieldError } from "../http/problem";
import type { JobView } from "../jobs/job-view";
import type { I2vInput } from "../models/i2v";
import { i2vInputSchema, mediaUrl } from "../models/i2v";
import { providerPreferenceSchema } from "../models/job-request";
import { openAiFieldErrors } from "./openai-validation";

export const videoModel = "wan2.7-i2v";

/** OpenAI's `size` → the model's `resolution`. The output's aspect follows the first frame. */
export const videoSizes = {
  "1280x720": "720p",
  "720x1280": "720p",
  "1920x1080": "1080p",
  "1080x1920": "1080p",
} as const satisfies Record<string, "720p" | "1080p">;
type VideoSize = keyof typeof videoSizes;
const videoSizeNames = Object.keys(videoSizes) as [VideoSize, ...VideoSize[]];

/** What a video reports as `size` when the request named none (or named a resolution). */
const defaultSizeOf: Record<"720p" | "1080p", string> = { "720p": "1280x720", "1080p": "1920x1080" };

/**
 * The job metadata key remembering the OpenAI `size` asked for (the model takes only a
 * resolution, so "720x1280" and "1280x720" are the same job input otherwise).
 */
export const sizeMetadataKey = "openai_size";

/** Extensions: i2v input fields passed through unchanged (OpenAI has no such fields). */
export const videoExtensionFields = ["negative_prompt", "prompt_extend", "seed", "watermark"] as const;

// ---- The create request: OpenAI's fields, each built from the i2v field it becomes ----

const i2vFields = i2vInputSchema.in.shape;
const duration = i2vFields.duration.unwrap();
const { minValue: minSeconds, maxValue: maxSeconds } = duration;
const wholeSeconds = `must be a whole number of seconds from ${minSeconds} to ${maxSeconds}, like "8"`;

/**
 * OpenAI sends `seconds` as a string ("8"); a number is taken too. Either becomes the i2v
 * `duration`, so its limits and messages are the model's. The digits are checked by a plain
 * pattern (so "20" is told "at most 15"); the document shows the range as the pattern.
 */
const secondsText = z
  .string()
  .regex(/^\s*\d+\s*$/, wholeSeconds)
  .meta({ pattern: `^\\s*0*(?:${Array.from({ length: maxSeconds! - minSeconds! + 1 }, (_, index) => minSeconds! + index).join("|")})\\s*$` })
  .transform((text) => Number(text.trim()))
  .pipe(duration);
const secondsSchema = z
  .union([duration, secondsText], { error: wholeSeconds })
  .describe(`Length in seconds, ${minSeconds}–${maxSeconds} (OpenAI sends a string such as "8"; a number is taken too); default 5. The model's \`duration\`.`);

const sizeSchema = z
  .enum([...videoSizeNames, "720p", "1080p"], { error: `must be one of ${videoSizeNames.join(", ")} (720p or 1080p; the aspect ratio follows the image)` })
  .describe("720p (1280x720, 720x1280) or 1080p (1920x1080, 1080x1920); the aspect ratio follows the image. `720p`/`1080p` are taken as they are. Default 1280x720.");

const referenceRequired = `required: ${videoModel} starts from this image (a file in multipart/form-data, or its URL)`;

/** OpenAI's reference object naming a file id, which only OpenAI's own file storage knows. */
const namesFileId = (value: unknown) => !!value && typeof value === "object" && "file_id" in value && !("image_url" in value);

/** Why `input_reference` is not one of its accepted forms. */
function referenceMessage(value: unknown): string {
  if (value === undefined || value === null) return referenceRequired;
  if (namesFileId(value)) return "file ids are not supported here: send the image as a file (multipart/form-data) or its URL";
  return 'must be an image file (multipart/form-data), a URL, or {"image_url": URL}';
}

const imageUrlReference = z.object({ image_url: mediaUrl }).describe("OpenAI's reference object; `file_id` is not supported");
const referenceForms = [mediaUrl.describe("URL of the first frame (JPEG/PNG/BMP/WEBP)"), imageUrlReference] as const;

/** `input_reference` in one of its `forms`; an empty one is a missing one (forms send empty fields). */
const referenceSchema = (forms: readonly [z.ZodType, ...z.ZodType[]], description: string) =>
  z.preprocess((value) => (value === "" ? undefined : value), z.union(forms, { error: (issue) => referenceMessage(issue.input) })).describe(description);

/** A multipart file part (checked for being an image, and stored, by the route). */
const imageFile = z.instanceof(File).meta({
  type: "string",
  contentMediaType: "application/octet-stream",
  description: "The first frame as a file: PNG, JPEG, WEBP or BMP (its bytes are checked), at most 20 MiB; stored as POST /v1/uploads stores files",
});

const videoFields = {
  model: z.literal(videoModel, { error: `only ${videoModel} makes videos here` }).nullable().default(videoModel),
  prompt: i2vFields.prompt,
  seconds: secondsSchema.optional(),
  size: sizeSchema.optional(),
  input_reference: referenceSchema(referenceForms, "Required: the first frame"),
  provider: providerPreferenceSchema.describe("Extension: `auto`, a provider id or an ordered list, as in POST /v1/jobs"),
  negative_prompt: i2vFields.negative_prompt.describe("Extension (i2v input)"),
  prompt_extend: i2vFields.prompt_extend.describe("Extension (i2v input)"),
  seed: i2vFields.seed.describe("Extension (i2v input)"),
  watermark: i2vFields.watermark.describe("Extension (i2v input)"),
};

/** `POST /openai/v1/videos` as JSON: the schema that validates it and documents it. */
export const videoRequestSchema = z.strictObject(videoFields);

/**
 * …as multipart/form-data: the same fields, `input_reference` also a file. Typed fields
 * arrive as text and are read back first (`fromFormText`); `input_reference[image_url]` is
 * OpenAI's reference object as the SDKs encode it in a form.
 */
export const videoFormRequestSchema = z.strictObject({
  ...videoFields,
  input_reference: referenceSchema([imageFile, ...referenceForms], "Required: the first frame — a file, or its URL"),
});

const supportedFields = Object.keys(videoFields);

/** Multipart sends every field as text: the typed extension fields are read back. */
function fromFormText(field: string, value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (field === "seed" && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  if ((field === "watermark" || field === "prompt_extend") && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  return value;
}

/** Where the first frame comes from: a file to store first, or a URL to use as it is. */
export type VideoReference = { file: File } | { url: string } | null;

export interface VideoJobRequest {
  /** A `POST /v1/jobs` body; `input.first_frame` is still missing when the reference is a file. */
  body: { model: string; input: Record<string, unknown>; metadata: Record<string, string>; provider?: unknown };
  reference: VideoReference;
  /** The request schema's verdict, in the request's own names (the job's is openai-validation's). */
  errors: FieldError[];
}

function referenceOf(value: unknown): VideoReference {
  if (value instanceof File) return { file: value };
  if (typeof value === "string") return { url: value };
  const imageUrl = value && typeof value === "object" ? (value as Record<string, unknown>).image_url : undefined;
  return typeof imageUrl === "string" ? { url: imageUrl } : null;
}

/**
 * Validates an OpenAI create-video request (a JSON body, or multipart fields with `File`s)
 * with its schema and maps it to a `POST /v1/jobs` body — as far as it maps, so the job's
 * own validation can still speak about the rest.
 * @example videoJobRequest({ prompt: "a cat", seconds: "8", size: "720x1280", input_reference: "https://…/cat.png" }, false)
 * // { body: { model: "wan2.7-i2v", input: { prompt: "a cat", duration: 8, resolution: "720p", first_frame: "https://…/cat.png" },
 * //           metadata: { openai_size: "720x1280" } }, reference: { url: "https://…/cat.png" }, errors: [] }
 */
export function videoJobRequest(raw: Record<string, unknown>, multipart: boolean): VideoJobRequest {
  const fields = multipart ? Object.fromEntries(Object.entries(raw).map(([field, value]) => [field, fromFormText(field, value)])) : raw;
  const parsed = (multipart ? videoFormRequestSchema : videoRequestSchema).safeParse(fields);
  const errors = (parsed.success ? [] : openAiFieldErrors(parsed.error, supportedFields)).map((error) =>
    error.path === "input_reference" && namesFileId(fields.input_reference) ? { ...error, path: "input_reference.file_id" } : error,
  );

  const input: Record<string, unknown> = {};
  const metadata: Record<string, string> = {};
  if (fields.prompt !== undefined) input.prompt = fields.prompt;
  const seconds = secondsSchema.safeParse(fields.seconds);
  if (seconds.success) input.duration = seconds.data;
  const size = fields.size;
  if (typeof size === "string" && Object.hasOwn(videoSizes, size)) {
    input.resolution = videoSizes[size as VideoSize];
    metadata[sizeMetadataKey] = size;
  } else if (size === "720p" || size === "1080p") {
    input.resolution = size;
  }
  for (const field of videoExtensionFields) {
    if (fields[field] !== undefined) input[field] = fields[field];
  }
  const reference = referenceOf(fields.input_reference);
  if (reference && "url" in reference) input.first_frame = reference.url;
  const body: VideoJobRequest["body"] = { model: videoModel, input, metadata };
  if (fields.provider !== undefined) body.provider = fields.provider;
  return { body, reference, errors };
}

/**
 * A `POST /v1/jobs` field path → the OpenAI request field it came from.
 * @example videoFieldOf("input.duration") // "seconds"
 */
export function videoFieldOf(path: string): string {
  if (path === "input.duration") return "seconds";
  if (path === "input.resolution" || path === `metadata.${sizeMetadataKey}`) return "size";
  if (path === "input.first_frame") return "input_reference";
  return path.startsWith("input.") ? path.slice("input.".length) : path;
}

// ---- What the routes answer: OpenAI's objects, as their SDKs type them ----

export const videoStatuses = ["queued", "in_progress", "completed", "failed"] as const;

/** OpenAI's video object (the SDKs' `Video`); the route's answers are typed by it. */
export const openAiVideoSchema = z.object({
  id: z.string().describe("The job's id: the same video is GET /v1/jobs/{id}"),
  object: z.literal("video"),
  model: z.string().describe(videoModel),
  status: z.enum(videoStatuses).describe("in_progress: the job is running; a canceled job is failed with error code canceled"),
  progress: z.number().int().min(0).max(100),
  created_at: z.number().int().describe("Unix seconds"),
  completed_at: z.number().int().nullable().describe("Unix seconds; only once completed"),
  expires_at: z.number().int().nullable().describe("Unix seconds when the job's retention deletes the video; null: kept for good (the default)"),
  prompt: z.string().nullable(),
  remixed_from_video_id: z.null(),
  seconds: z.string().describe('The length as OpenAI writes it, e.g. "5"'),
  size: z.string().describe("The size asked for, or the resolution's landscape size"),
  error: z.object({ code: z.string(), message: z.string() }).nullable().describe("Set when failed: the job's error, or code canceled"),
});
export type OpenAiVideo = z.output<typeof openAiVideoSchema>;

/** `GET /openai/v1/videos`: OpenAI's cursor page (the SDKs page with `after=<last_id>`). */
export const openAiVideoListSchema = z.object({
  object: z.literal("list"),
  data: z.array(openAiVideoSchema),
  first_id: z.string().nullable(),
  last_id: z.string().nullable().describe("Pass as `after` for the next page; may be a job that is not a video (the last one looked at)"),
  has_more: z.boolean(),
});
export type OpenAiVideoList = z.output<typeof openAiVideoListSchema>;

/**
 * `DELETE /openai/v1/videos/{id}`: OpenAI's deletion object. Nothing is deleted here (the
 * job and its media stay), so `deleted` is false; `video` (an extension) is the video after
 * the cancel.
 */
export const openAiVideoDeletedSchema = z.object({
  id: z.string(),
  object: z.literal("video.deleted"),
  deleted: z.literal(false).describe("Always false: an unfinished video is canceled, a finished one kept"),
  video: openAiVideoSchema,
});
export type OpenAiVideoDeleted = z.output<typeof openAiVideoDeletedSchema>;

/** Most videos on one page of `GET /openai/v1/videos`. */
export const maxVideosPerPage = 100;
const limitMessage = `must be an integer from 1 to ${maxVideosPerPage}`;

/** `GET /openai/v1/videos`' query: the schema that validates it and documents it. */
export const videoListQuerySchema = z.object({
  limit: z
    .preprocess(Number, z.number({ error: limitMessage }).int(limitMessage).min(1, limitMessage).max(maxVideosPerPage, limitMessage))
    .optional()
    .describe("Videos per page; default 20"),
  order: z.literal("desc", { error: "only desc (newest first) is supported" }).optional().describe("Only `desc` (newest first)"),
  after: z.string().optional().describe("`last_id` of the previous page"),
});

/** `GET /openai/v1/videos/{id}/content`'s query. */
export const videoContentQuerySchema = z.object({
  variant: z
    .literal("video", { error: "only video is available (no thumbnail or spritesheet)" })
    .optional()
    .describe("Only `video` (the MP4): OpenAI's thumbnail and spritesheet do not exist here"),
});

const unixSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * A wan2.7-i2v job as OpenAI's video object.
 * @example toOpenAiVideo(job) // { id: "job_…", object: "video", status: "in_progress", progress: 40, seconds: "5", size: "1280x720", … }
 */
export function toOpenAiVideo(job: JobView): OpenAiVideo {
  const input = job.input as I2vInput;
  const asked = job.metadata[sizeMetadataKey];
  const size = asked !== undefined && videoSizes[asked as VideoSize] === input.resolution ? asked : defaultSizeOf[input.resolution];
  // OpenAI has no `canceled`: a canceled job is a failed video whose error says so.
  const status = job.status === "running" ? "in_progress" : job.status === "canceled" ? "failed" : job.status;
  const error = job.status === "canceled" ? { code: "canceled", message: "The video was canceled before it completed." } : job.error ? { code: job.error.code, message: job.error.message } : null;
  return {
    id: job.id,
    object: "video",
    model: job.model,
    status,
    progress: job.status === "completed" ? 100 : Math.max(0, Math.min(100, Math.round(job.progress ?? 0))),
    created_at: unixSeconds(job.created_at),
    completed_at: job.status === "completed" && job.completed_at ? unixSeconds(job.completed_at) : null,
    // Kept for good unless the job has a retention (its media are deleted then).
    expires_at: job.expires_at ? unixSeconds(job.expires_at) : null,
    prompt: input.prompt ?? null,
    remixed_from_video_id: null,
    seconds: String(input.duration),
    size,
    error,
  };
}
