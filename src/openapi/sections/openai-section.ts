/**
 * @module openapi/sections/openai-section — the OpenAI-compatible surface under `/openai/v1`
 * (routes/openai): videos and image generations as ordinary jobs.
 *
 * Request bodies and queries are the zod schemas the routes validate with (openai/*, each
 * field built from the model field it maps to); responses are the schemas the routes type
 * their answers by. Errors are the usual problem documents plus OpenAI's `error` member.
 */
import { z } from "@hono/zod-openapi";
import { ProblemError } from "../../http/problem";
import { kindOf } from "../../media/signatures";
import { openAiErrorSchema } from "../../openai/openai-error";
import { imageRequestSchema, imagesResponseSchema } from "../../openai/openai-image";
import {
  openAiVideoDeletedSchema,
  openAiVideoListSchema,
  openAiVideoSchema,
  videoContentQuerySchema,
  videoFormRequestSchema,
  videoListQuerySchema,
  videoRequestSchema,
} from "../../openai/openai-video";
import { uploadContentTypes } from "../../media/store-upload";
import { problemSchema } from "../component-schemas";
import type { ApiSection, JsonObject, OperationSpec, ProblemResponseCode } from "../openapi-builders";
import { componentRef, jsonResponse, operation, operationProblems, queryParameters, ref } from "../openapi-builders";
import { problemResponse, problemResponseName } from "../problem-responses";

const tag = "OpenAI-compatible";
const header = (name: string) => componentRef("headers", name);
const videoId: JsonObject = { name: "video_id", in: "path", required: true, description: "The video's id: its job id (`job_…`)", schema: { type: "string" } };
const imageTypes = uploadContentTypes.filter((type) => kindOf(type) === "image");

/**
 * Request examples of `POST /openai/v1/videos` as JSON. A test sends each through the
 * route's own validation and through the document's JSON Schema: both must accept it.
 */
export const videoRequestExamples: Record<string, { summary: string; value: JsonObject }> = {
  openAiFields: {
    summary: "OpenAI's fields: a first frame by URL, 8 seconds, portrait 720p",
    value: { model: "wan2.7-i2v", prompt: "a cat plays piano", seconds: "8", size: "720x1280", input_reference: "https://cdn.example.com/cat.png" },
  },
  referenceObjectAndExtensions: {
    summary: "OpenAI's reference object, 1080p, and wan-edge's extensions",
    value: {
      prompt: "a lighthouse in a storm",
      seconds: 12,
      size: "1920x1080",
      input_reference: { image_url: "https://cdn.example.com/lighthouse.jpg" },
      negative_prompt: "blurry",
      seed: 42,
      provider: ["evolink", "dashscope"],
    },
  },
};

/** Request examples of `POST /openai/v1/images/generations`, checked the same way. */
export const imageRequestExamples: Record<string, { summary: string; value: JsonObject }> = {
  openAiFields: {
    summary: "OpenAI's fields: two square images as URLs",
    value: { model: "wan2.7-image-pro", prompt: "a red fox in snow", n: 2, size: "1024x1024", response_format: "url" },
  },
  b64AndExtensions: {
    summary: "The bytes, base64, at the model's 1K tier, with wan-edge's extensions",
    value: { prompt: "a red fox in snow", size: "1K", response_format: "b64_json", seed: 7, thinking_mode: true },
  },
};

/** OpenAI's `error` member added to every problem document under `/openai/v1`. */
const openAiProblemSchema = problemSchema
  .extend({
    error: openAiErrorSchema,
    job_id: z.string().optional().describe("Image generations: the job behind a failure or a timeout (follow it at GET /v1/jobs/{id})"),
  })
  .describe("An RFC 9457 problem document (application/problem+json) with OpenAI's `error` member");

/** Every problem code the operations below document, so each gets its OpenAI-style response. */
const documentedCodes = new Set<ProblemResponseCode>();

/** `operation()` with OpenAI-style problem responses (problem+json with `error`). */
function openAiOperation(spec: Omit<OperationSpec, "tag" | "problemStyle">): JsonObject {
  for (const code of operationProblems(spec)) documentedCodes.add(code);
  return operation({ ...spec, tag, problemStyle: "openai" });
}

/** Examples in the OpenAI request's own names, where the usual ones would not fit. */
const openAiExamples: Partial<Record<ProblemResponseCode, ProblemError>> = {
  invalid_request: new ProblemError("invalid_request", "The request has 2 invalid fields.", [
    { path: "seconds", message: "at most 15" },
    { path: "size", message: "must be one of 1280x720, 720x1280, 1920x1080, 1080x1920 (720p or 1080p; the aspect ratio follows the image)" },
  ]),
  not_found: new ProblemError("not_found", "No video job_… exists for this API key."),
};

/**
 * A failed, canceled or timed-out image job: the job id travels with it (`job_id`,
 * `Location`), and `x-should-retry` keeps the SDKs from starting a second generation.
 */
const imageJobProblem = (code: "conflict" | "upstream_error" | "upstream_timeout", description: string, detail: string) =>
  problemResponse(code, "openai", {
    description,
    example: new ProblemError(code, detail, [], {}, { job_id: "job_01jd3k5x7z9q2m4n6p8r0s2t4v" }),
    headers: {
      Location: header("Location"),
      "x-should-retry": { description: "`false` (and, for a failed job, `true` only when the failure is retryable): the OpenAI SDKs retry by it", schema: { type: "string", enum: ["true", "false"] } },
    },
  });

const paths = {
  "/openai/v1/videos": {
    post: openAiOperation({
      operationId: "createOpenAiVideo",
      summary: "Create a video (OpenAI's videos.create)",
      description:
        "Creates a `wan2.7-i2v` job through the same path as `POST /v1/jobs` (validation, routing, `Idempotency-Key`); the video's id is the job's. `seconds` → `duration`, `size` → `resolution` (the size asked for is kept in the job's `metadata.openai_size`), `input_reference` → `first_frame`. As multipart/form-data (what the OpenAI SDKs send), `input_reference` is a file — stored as `POST /v1/uploads` stores files, after the rest of the request is valid — or a URL, or `input_reference[image_url]`. A 400 names every bad field by the request's own names.",
      parameters: [componentRef("parameters", "IdempotencyKey")],
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: ref("OpenAiVideoRequest"), examples: videoRequestExamples },
          "multipart/form-data": {
            schema: ref("OpenAiVideoFormRequest"),
            encoding: { input_reference: { contentType: [...imageTypes, "application/octet-stream", "text/plain"].join(", ") } },
          },
        },
      },
      responses: { 200: jsonResponse("The video (queued, or already in progress).", "OpenAiVideo", { "Idempotent-Replayed": header("IdempotentReplayed") }) },
      problems: ["invalid_request", "payload_too_large", "unsupported_media_type", "budget_exceeded", "idempotency_mismatch", "unsupported", "rate_limited", "no_provider"],
    }),
    get: openAiOperation({
      operationId: "listOpenAiVideos",
      summary: "List your videos (OpenAI's videos.list)",
      description:
        "Newest first over the tenant's jobs (image jobs are skipped). One request looks at ≤ 200 jobs: after a long run of image jobs a page can end early with `has_more` and a `last_id` that is the last job looked at; `after=<last_id>` continues there, as the SDKs page.",
      parameters: queryParameters(videoListQuerySchema),
      responses: { 200: jsonResponse("A page of videos.", "OpenAiVideoList") },
      problems: ["invalid_request"],
    }),
  },
  "/openai/v1/videos/{video_id}": {
    get: openAiOperation({
      operationId: "retrieveOpenAiVideo",
      summary: "Get a video (OpenAI's videos.retrieve)",
      parameters: [videoId],
      responses: { 200: jsonResponse("The video.", "OpenAiVideo") },
      problems: ["not_found"],
    }),
    delete: openAiOperation({
      operationId: "deleteOpenAiVideo",
      summary: "Cancel a video (OpenAI's videos.delete)",
      description:
        "Nothing is deleted: an unfinished video is canceled (it turns `failed` with error code `canceled`), a finished one is left as it is, and its job and media stay. The answer is OpenAI's deletion object with `deleted: false`, and the video as it now is.",
      parameters: [videoId],
      responses: { 200: jsonResponse("Not deleted; the video after the cancel.", "OpenAiVideoDeleted") },
      problems: ["not_found"],
    }),
  },
  "/openai/v1/videos/{video_id}/content": {
    get: openAiOperation({
      operationId: "downloadOpenAiVideoContent",
      summary: "Download the MP4 (OpenAI's videos.downloadContent)",
      description: "The MP4 from R2 (the same bytes as the job's output); 404 until the video is completed.",
      parameters: [videoId, ...queryParameters(videoContentQuerySchema)],
      responses: {
        200: {
          description: "The video.",
          headers: {
            "Content-Length": { description: "Bytes", schema: { type: "integer" } },
            ETag: { description: "Strong validator of the stored object", schema: { type: "string" } },
          },
          content: { "video/mp4": { schema: { type: "string", contentMediaType: "video/mp4" } } },
        },
      },
      problems: ["invalid_request", "not_found"],
    }),
  },
  "/openai/v1/images/generations": {
    post: openAiOperation({
      operationId: "createOpenAiImages",
      summary: "Generate images (OpenAI's images.generate)",
      description:
        "Creates a `wan2.7-image-pro` job (as `POST /v1/jobs` does) and waits for it: 60 s, or `Prefer: wait=N`. `size`: `WIDTHxHEIGHT` → the model's `W*H`, `auto`, or `1K`/`2K`/`4K`. A failed job is a 502, a canceled one a 409, a job still running after the wait a 504 — each with `job_id`, `Location` and `x-should-retry`, so the SDKs do not start a second generation.",
      parameters: [componentRef("parameters", "IdempotencyKey"), componentRef("parameters", "Prefer")],
      requestBody: { required: true, content: { "application/json": { schema: ref("OpenAiImageRequest"), examples: imageRequestExamples } } },
      responses: {
        200: jsonResponse("The images: permanent URLs, or their bytes.", "OpenAiImagesResponse", { "Idempotent-Replayed": header("IdempotentReplayed") }),
        409: imageJobProblem("conflict", "The job was canceled before it completed.", "Image job job_01jd3k5x7z9q2m4n6p8r0s2t4v was canceled before it completed."),
        502: imageJobProblem("upstream_error", "The job failed.", "Image job job_01jd3k5x7z9q2m4n6p8r0s2t4v failed (content_rejected): The provider refused the prompt."),
        504: imageJobProblem(
          "upstream_timeout",
          "The job is not done after the wait; it goes on (follow `Location`).",
          "The images are not ready after 60 s: job job_01jd3k5x7z9q2m4n6p8r0s2t4v is running. Follow it at GET /v1/jobs/job_01jd3k5x7z9q2m4n6p8r0s2t4v; sending this request again starts another generation.",
        ),
      },
      problems: ["invalid_request", "payload_too_large", "unsupported_media_type", "budget_exceeded", "idempotency_mismatch", "unsupported", "rate_limited", "no_provider"],
    }),
  },
};

export const openAiSection: ApiSection = {
  tag: {
    name: tag,
    description:
      'For the OpenAI SDKs: `new OpenAI({ baseURL: "<host>/openai/v1", apiKey: "<wan-edge key>" })`. A video is a `wan2.7-i2v` job and an image generation a `wan2.7-image-pro` job, created through the same path as `POST /v1/jobs` and visible under `/v1/jobs` with the same id. Errors are problem+json with `errors[]` in the OpenAI request\'s own field names, plus OpenAI\'s `error: {message, type, param, code}`.',
  },
  schemas: {
    OpenAiVideoRequest: videoRequestSchema,
    OpenAiVideoFormRequest: videoFormRequestSchema,
    OpenAiVideo: openAiVideoSchema,
    OpenAiVideoList: openAiVideoListSchema,
    OpenAiVideoDeleted: openAiVideoDeletedSchema,
    OpenAiImageRequest: imageRequestSchema,
    OpenAiImagesResponse: imagesResponseSchema,
    OpenAiError: openAiErrorSchema,
    OpenAiProblem: openAiProblemSchema,
  },
  paths,
  responses: Object.fromEntries(
    [...documentedCodes].map((code) => {
      const example = openAiExamples[code];
      return [problemResponseName(code, "openai"), problemResponse(code, "openai", example ? { example } : {})];
    }),
  ),
};
