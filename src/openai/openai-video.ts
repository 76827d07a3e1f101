/**
 * @module openai/openai-video — OpenAI's video API (`/videos`) mapped onto wan2.7-i2v jobs.
 *
 * Pure translations both ways: an OpenAI create request → a `POST /v1/jobs` body (plus the
 * field errors only the OpenAI names can explain), and a job → OpenAI's video object
 * (field names and types as in the official SDKs' `Video`). A video *is* a job: same id,
 * also visible under `/v1/jobs`.
 */
import type { FieldError } from "../http/problem";
import type { JobView } from "../jobs/job-view";
import type { I2vInput } from "../models/i2v";

export const videoModel = "wan2.7-i2v";

/** OpenAI's `size` → the model's `resolution`. The output's aspect follows the first frame. */
export const videoSizes: Record<string, "720p" | "1080p"> = {
  "1280x720": "720p",
  "720x1280": "720p",
  "1920x1080": "1080p",
  "1080x1920": "1080p",
};

/** What a video reports as `size` when the request named none (or named a resolution). */
const defaultSizeOf: Record<"720p" | "1080p", string> = { "720p": "1280x720", "1080p": "1920x1080" };

/**
 * The job metadata key remembering the OpenAI `size` asked for (the model takes only a
 * resolution, so "720x1280" and "1280x720" are the same job input otherwise).
 */
export const sizeMetadataKey = "openai_size";

/** Extensions: i2v input fields passed through unchanged (OpenAI has no such fields). */
export const videoExtensionFields = ["negative_prompt", "prompt_extend", "seed", "watermark"] as const;

const knownFields = new Set<string>(["model", "prompt", "seconds", "size", "input_reference", "provider", ...videoExtensionFields]);

/** Where the first frame comes from: a file to store first, or a URL to use as it is. */
export type VideoReference = { file: File } | { url: string } | null;

export interface VideoJobRequest {
  /** A `POST /v1/jobs` body; `input.first_frame` is still missing when the reference is a file. */
  body: { model: string; input: Record<string, unknown>; metadata: Record<string, string>; provider?: unknown };
  reference: VideoReference;
  /** Problems only the OpenAI request's own names can explain (the rest is the schema's). */
  errors: FieldError[];
}

/** Multipart sends every field as text: the typed extension fields are read back. */
function fromFormText(field: string, value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (field === "seed" && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  if ((field === "watermark" || field === "prompt_extend") && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  return value;
}

/** `input_reference` as JSON may send it: a URL, or OpenAI's `{"image_url": …}`. */
function referenceOf(value: unknown, errors: FieldError[]): VideoReference {
  if (value === undefined || value === null || value === "") {
    errors.push({ path: "input_reference", message: `required: ${videoModel} starts from this image (a file in multipart/form-data, or its URL)` });
    return null;
  }
  if (typeof File !== "undefined" && value instanceof File) return { file: value };
  if (typeof value === "string") return { url: value };
  if (typeof value === "object" && !Array.isArray(value)) {
    const { image_url: imageUrl, file_id: fileId } = value as Record<string, unknown>;
    if (typeof imageUrl === "string") return { url: imageUrl };
    if (fileId !== undefined) {
      errors.push({ path: "input_reference.file_id", message: "file ids are not supported here: send the image as a file (multipart/form-data) or its URL" });
      return null;
    }
  }
  errors.push({ path: "input_reference", message: "must be an image file (multipart/form-data), a URL, or {\"image_url\": URL}" });
  return null;
}

/**
 * Maps an OpenAI create-video request (a JSON body, or multipart fields with `File`s) to a
 * `POST /v1/jobs` body.
 * @example videoJobRequest({ prompt: "a cat", seconds: "8", size: "720x1280", input_reference: "https://…/cat.png" }, false)
 * // { body: { model: "wan2.7-i2v", input: { prompt: "a cat", duration: 8, resolution: "720p", first_frame: "https://…/cat.png" },
 * //           metadata: { openai_size: "720x1280" } }, reference: { url: "https://…/cat.png" }, errors: [] }
 */
export function videoJobRequest(fields: Record<string, unknown>, multipart: boolean): VideoJobRequest {
  const errors: FieldError[] = [];
  const input: Record<string, unknown> = {};
  const metadata: Record<string, string> = {};
  for (const field of Object.keys(fields)) {
    if (!knownFields.has(field)) errors.push({ path: field, message: `unknown field; supported: ${[...knownFields].join(", ")}` });
  }
  const model = fields.model ?? videoModel;
  if (model !== videoModel) errors.push({ path: "model", message: `only ${videoModel} makes videos here` });
  if (fields.prompt !== undefined) input.prompt = fields.prompt;

  const seconds = fields.seconds;
  if (typeof seconds === "number" && Number.isInteger(seconds)) input.duration = seconds;
  else if (typeof seconds === "string" && /^\d+$/.test(seconds.trim())) input.duration = Number(seconds.trim());
  else if (seconds !== undefined) errors.push({ path: "seconds", message: "must be a whole number of seconds from 2 to 15, like \"8\"" });

  const size = fields.size;
  if (typeof size === "string" && Object.hasOwn(videoSizes, size)) {
    input.resolution = videoSizes[size];
    metadata[sizeMetadataKey] = size;
  } else if (size === "720p" || size === "1080p") {
    input.resolution = size;
  } else if (size !== undefined) {
    errors.push({ path: "size", message: `must be one of ${Object.keys(videoSizes).join(", ")} (720p or 1080p; the aspect ratio follows the image)` });
  }

  for (const field of videoExtensionFields) {
    if (fields[field] !== undefined) input[field] = multipart ? fromFormText(field, fields[field]) : fields[field];
  }
  const reference = referenceOf(fields.input_reference, errors);
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

/** OpenAI's video object, as their SDKs type it (`Video`). */
export interface OpenAiVideo {
  id: string;
  object: "video";
  model: string;
  status: "queued" | "in_progress" | "completed" | "failed";
  progress: number;
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
  prompt: string | null;
  remixed_from_video_id: string | null;
  seconds: string;
  size: string;
  error: { code: string; message: string } | null;
}

const unixSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * A wan2.7-i2v job as OpenAI's video object.
 * @example toOpenAiVideo(job) // { id: "job_…", object: "video", status: "in_progress", progress: 40, seconds: "5", size: "1280x720", … }
 */
export function toOpenAiVideo(job: JobView): OpenAiVideo {
  const input = job.input as I2vInput;
  const asked = job.metadata[sizeMetadataKey];
  const size = asked !== undefined && videoSizes[asked] === input.resolution ? asked : defaultSizeOf[input.resolution];
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
    // Our links never expire (the output is in R2, served from /media).
    expires_at: null,
    prompt: input.prompt ?? null,
    remixed_from_video_id: null,
    seconds: String(input.duration),
    size,
    error,
  };
}
