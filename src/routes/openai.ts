/**
 * @module routes/openai — the OpenAI-compatible surface under `/openai/v1`, so code written
 * for the OpenAI SDKs works with `baseURL: "<host>/openai/v1"` and a wan-edge API key.
 *
 * Nothing here is a second job system: a video is a wan2.7-i2v job and an image generation
 * a wan2.7-image-pro job, created by the same `createJob` as `POST /v1/jobs` (validation,
 * routing, idempotency, tenant index) and visible under `/v1/jobs` with the same id. This
 * module only translates: OpenAI's field names in, OpenAI's objects out, and every 400 names
 * the OpenAI request's own fields. Errors stay problem+json, with OpenAI's `error` member
 * added by `openAiErrors` (mounted in app.ts with the API-key check).
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import type { Config } from "../env";
import { loadConfig } from "../env";
import type { FieldError } from "../http/problem";
import { ProblemError } from "../http/problem";
import { limitedRequest, payloadTooLarge } from "../http/read-limited-body";
import { readJsonObject } from "../http/validation";
import type { JobView } from "../jobs/job-view";
import { encodeCursor, maxListLimit } from "../jobs/tenant-index";
import { toBase64 } from "../lib/encoding";
import { idempotentJobId, isJobId } from "../lib/ids";
import { mediaKeyOfUrl } from "../media/media-links";
import { kindOf, signatureLength, sniffContentType } from "../media/signatures";
import type { I2vInput } from "../models/i2v";
import type { ImagesResponse } from "../openai/openai-image";
import { imageFieldOf, imageJobRequest } from "../openai/openai-image";
import { renamedFields } from "../openai/openai-error";
import { openAiFieldErrors, openAiRequestErrors } from "../openai/openai-validation";
import type { OpenAiVideoDeleted, OpenAiVideoList } from "../openai/openai-video";
import { toOpenAiVideo, videoContentQuerySchema, videoFieldOf, videoJobRequest, videoListQuerySchema, videoModel } from "../openai/openai-video";
import { idempotencyKeyOf, preferredWaitSeconds } from "../http/request-headers";
import type { CreateJobOptions } from "../jobs/create-job";
import { createJob } from "../jobs/create-job";
import { creationScope } from "./jobs";
import { declaredUploadType, storeUpload, uploadContentTypes, uploadLimits } from "../media/store-upload";

export const openaiRoutes = new Hono<AppEnv>();

function jobStub(c: Context<AppEnv>, id: string) {
  return c.env.JOBS.get(c.env.JOBS.idFromName(id));
}

/** The R2 key behind one of our media URLs (signed or not), or null: not ours, or removed. */
function mediaKeyOf(url: string | undefined, config: Config): string | null {
  return url === undefined ? null : mediaKeyOfUrl(url, config.publicBaseUrl);
}

const videoNotFound = (id: string) => new ProblemError("not_found", `No video ${id} exists for this API key.`);

/** The tenant's video `id`; image jobs are not videos, so they are a 404 here too. */
async function videoJob(c: Context<AppEnv>, id: string): Promise<JobView> {
  const job = isJobId(id) ? await jobStub(c, id).view(c.get("tenant")) : null;
  if (!job || job.model !== videoModel) throw videoNotFound(id);
  return job;
}

/**
 * Throws one 400 naming every bad field of an OpenAI request, in its own names: the request
 * schema's verdict, then the job validation's for the fields that mapped (openai-validation).
 */
function requireValid(requestErrors: FieldError[], body: Record<string, unknown>, fieldOf: (path: string) => string, config: Config): void {
  const errors = openAiRequestErrors(requestErrors, body, fieldOf, config);
  if (errors.length > 0) {
    throw new ProblemError("invalid_request", `The request has ${errors.length} invalid field${errors.length === 1 ? "" : "s"}.`, errors);
  }
}

/** `createJob`, with any field named in a problem renamed to the OpenAI request's names. */
async function createJobAs(c: Context<AppEnv>, body: Record<string, unknown>, options: CreateJobOptions, fieldOf: (path: string) => string) {
  try {
    const created = await createJob(creationScope(c), body, options);
    for (const [name, value] of Object.entries(created.headers)) c.header(name, value);
    return created;
  } catch (thrown) {
    throw renamedFields(thrown, fieldOf);
  }
}

// ---------------------------------------------------------------------------------------
// input_reference files

const imageTypes = uploadContentTypes.filter((type) => kindOf(type) === "image");

/**
 * The image type of a multipart file: its own Content-Type, or — when a client sends none
 * or `application/octet-stream`, as SDKs streaming from disk do — what its bytes are.
 */
async function referenceType(file: File): Promise<string> {
  const type = declaredUploadType(file.type) ?? sniffContentType(new Uint8Array(await file.slice(0, signatureLength).arrayBuffer()));
  if (type === null || kindOf(type) !== "image") {
    const message = `must be an image: ${imageTypes.join(", ")}`;
    throw new ProblemError("unsupported_media_type", `input_reference ${message}.`, [{ path: "input_reference", message }]);
  }
  return type;
}

/** Stores the file exactly as `POST /v1/uploads` does (the same function) and returns its permanent URL. */
async function storeReference(c: Context<AppEnv>, file: File): Promise<string> {
  try {
    const upload = await storeUpload(c.env, c.get("tenant"), { declared: await referenceType(file), length: file.size, body: file.stream() });
    return upload.url;
  } catch (thrown) {
    if (!(thrown instanceof ProblemError)) throw thrown;
    throw new ProblemError(thrown.code, thrown.detail, [{ path: "input_reference", message: thrown.detail }], thrown.headers);
  }
}

async function sha256(bytes: ArrayBuffer): Promise<string> {
  return toBase64(await crypto.subtle.digest("SHA-256", bytes));
}

/**
 * A retried multipart create with an Idempotency-Key must not store its file again: a new
 * URL would make it a different request (a 422). When the key's job exists and its first
 * frame is a stored file with these very bytes, that URL is the reference.
 */
async function earlierReference(c: Context<AppEnv>, idempotencyKey: string | undefined, file: File, config: Config): Promise<string | null> {
  if (idempotencyKey === undefined) return null;
  const tenant = c.get("tenant");
  const earlier = await jobStub(c, await idempotentJobId(tenant, idempotencyKey)).view(tenant);
  const url = earlier?.model === videoModel ? (earlier.input as I2vInput).first_frame : undefined;
  const key = url === undefined ? null : mediaKeyOf(url, config);
  const stored = key === null ? null : await c.env.MEDIA.get(key);
  if (!stored || stored.size !== file.size) return null;
  const [storedHash, fileHash] = await Promise.all([stored.arrayBuffer().then(sha256), file.arrayBuffer().then(sha256)]);
  return storedHash === fileHash ? url! : null;
}

/** Multipart bodies carry one image (≤ the upload limit) and a few short fields. */
const multipartLimit = { maxBytes: uploadLimits.image + 64 * 1024, what: `A multipart body (one image of at most ${uploadLimits.image} bytes, and short fields)` };

const bracketed = /^([^[\]]+)\[([^[\]]*)\]$/;
const isPlainObject = (value: unknown): value is Record<string, unknown> => !!value && Object.getPrototypeOf(value) === Object.prototype;

/**
 * A form's fields by name. `name[key]` and `name[]` are how the OpenAI SDKs put an object
 * (`input_reference[image_url]`) or a list into a form: they are read back as one. Any
 * other name sent twice is named in `repeated`.
 */
function formFields(form: FormData): { fields: Record<string, unknown>; repeated: string[] } {
  const fields = new Map<string, unknown>();
  const repeated: string[] = [];
  for (const [name, value] of form) {
    const [, field = name, key] = bracketed.exec(name) ?? [];
    const current = fields.get(field);
    if (key === undefined) {
      if (fields.has(field)) repeated.push(field);
      fields.set(field, value);
    } else if (key === "" && (current === undefined || Array.isArray(current))) {
      fields.set(field, [...((current as unknown[] | undefined) ?? []), value]);
    } else if (key !== "" && (current === undefined || (isPlainObject(current) && !Object.hasOwn(current, key)))) {
      fields.set(field, Object.fromEntries([...Object.entries((current as Record<string, unknown> | undefined) ?? {}), [key, value]]));
    } else {
      repeated.push(name);
    }
  }
  return { fields: Object.fromEntries(fields), repeated };
}

/** The create-video fields: a JSON object, or multipart/form-data (files as `File`). */
async function readVideoFields(request: Request): Promise<{ fields: Record<string, unknown>; multipart: boolean }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) {
    if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      throw new ProblemError("unsupported_media_type", "Send the body as JSON (`Content-Type: application/json`) or as multipart/form-data.");
    }
    return { fields: await readJsonObject(request), multipart: false };
  }
  // Counted while the form is parsed: a body without Content-Length stops at the limit too.
  const { request: limited, overLimit } = limitedRequest(request, multipartLimit);
  let form: FormData;
  try {
    form = await limited.formData();
  } catch {
    if (overLimit()) throw payloadTooLarge(multipartLimit);
    throw new ProblemError("invalid_request", "The multipart/form-data body could not be read.", [{ path: "$", message: "invalid multipart/form-data" }]);
  }
  const { fields, repeated } = formFields(form);
  if (repeated.length > 0) {
    throw new ProblemError("invalid_request", "Send each field once.", [...new Set(repeated)].map((path) => ({ path, message: "sent more than once" })));
  }
  return { fields, multipart: true };
}

// ---------------------------------------------------------------------------------------
// videos

openaiRoutes.post("/openai/v1/videos", async (c) => {
  const config = loadConfig(c.env);
  const idempotencyKey = idempotencyKeyOf(c.req.header("idempotency-key"));
  const { fields, multipart } = await readVideoFields(c.req.raw);
  const { body, reference, errors } = videoJobRequest(fields, multipart);
  const file = reference && "file" in reference ? reference.file : null;
  // Everything is checked before a file is stored, so a bad request leaves nothing behind;
  // the file's place is held by a URL of the kind storing it will produce.
  const standIn = file ? { ...body, input: { ...body.input, first_frame: `${config.publicBaseUrl}/media/uploads/pending.png` } } : body;
  if (errors.length > 0 || file) requireValid(errors, standIn, videoFieldOf, config);
  if (file) {
    body.input.first_frame = (await earlierReference(c, idempotencyKey, file, config)) ?? (await storeReference(c, file));
  }
  const { job, replayed } = await createJobAs(c, body, { idempotencyKey }, videoFieldOf);
  if (replayed) c.header("idempotent-replayed", "true");
  // 200 as OpenAI answers (the video is queued or in progress; its id is the job's).
  return c.json(toOpenAiVideo(job));
});

openaiRoutes.get("/openai/v1/videos", async (c) => {
  const tenant = c.get("tenant");
  const query = videoListQuerySchema.safeParse(c.req.query());
  const errors: FieldError[] = query.success ? [] : openAiFieldErrors(query.error, Object.keys(videoListQuerySchema.shape));
  const limit = (query.success ? query.data.limit : undefined) ?? 20;
  const after = c.req.query("after");
  // `after` is any job of the tenant (see `last_id` below); its position in the index is
  // where the page starts.
  const start = after === undefined ? null : isJobId(after) ? await jobStub(c, after).view(tenant) : null;
  if (after !== undefined && !start) errors.push({ path: "after", message: "is not an id from a previous page of your videos" });
  if (errors.length > 0) throw new ProblemError("invalid_request", `The query has ${errors.length} invalid parameter${errors.length === 1 ? "" : "s"}.`, errors);

  // The tenant index lists every job; image jobs are skipped. To keep one request bounded
  // whatever the mix, at most `maxScanned` jobs are looked at: a page can then end early,
  // with `has_more` and a `last_id` that is the last job looked at (an image job, maybe) —
  // `after=<last_id>` continues right there, which is how the SDKs page.
  const index = c.env.TENANTS.get(c.env.TENANTS.idFromName(tenant));
  let cursor = start ? encodeCursor({ created_at: start.created_at, id: start.id }) : null;
  const videos: JobView[] = [];
  let scanned = 0;
  let lastScanned: string | null = null;
  let exhausted = false;
  while (videos.length <= limit && scanned < maxScanned && !exhausted) {
    const page = await index.list({ limit: Math.min(maxListLimit, limit + 1 - videos.length), cursor });
    if (!page.ok) throw new ProblemError("invalid_request", page.error.message, [page.error]);
    const jobs = await Promise.all(page.ids.map((id) => jobStub(c, id).view(tenant)));
    for (const job of jobs) {
      if (job?.model === videoModel) videos.push(job);
    }
    scanned += page.ids.length;
    lastScanned = page.ids[page.ids.length - 1] ?? lastScanned;
    cursor = page.next_cursor;
    exhausted = cursor === null;
  }
  const data = videos.slice(0, limit).map(toOpenAiVideo);
  const full = videos.length > limit;
  const hasMore = full || !exhausted;
  const lastId = full || exhausted ? (data[data.length - 1]?.id ?? null) : lastScanned;
  return c.json({ object: "list", data, first_id: data[0]?.id ?? null, last_id: lastId, has_more: hasMore } satisfies OpenAiVideoList);
});

/** Index entries one list request looks at, at most (two full index pages). */
const maxScanned = 2 * maxListLimit;

openaiRoutes.get("/openai/v1/videos/:id", async (c) => c.json(toOpenAiVideo(await videoJob(c, c.req.param("id")))));

// OpenAI deletes a video and its assets. Here it cancels the job when it is not finished (the
// video turns `failed`, error `canceled`); a finished video is left as it is. The answer is
// OpenAI's deletion object with `deleted: false` — the job and its permanent media stay —
// and, as an extension, the video as it now is.
openaiRoutes.delete("/openai/v1/videos/:id", async (c) => {
  const id = c.req.param("id");
  await videoJob(c, id);
  const outcome = await jobStub(c, id).cancel(c.get("tenant"));
  if (!outcome) throw videoNotFound(id);
  const video = toOpenAiVideo(outcome.job);
  return c.json({ id: video.id, object: "video.deleted", deleted: false, video } satisfies OpenAiVideoDeleted);
});

openaiRoutes.get("/openai/v1/videos/:id/content", async (c) => {
  const config = loadConfig(c.env);
  const query = videoContentQuerySchema.safeParse(c.req.query());
  if (!query.success) throw new ProblemError("invalid_request", "Only variant=video is available.", openAiFieldErrors(query.error, ["variant"]));
  const job = await videoJob(c, c.req.param("id"));
  if (job.status !== "completed") throw new ProblemError("not_found", `Video ${job.id} is ${toOpenAiVideo(job).status}; its content exists once it is completed.`);
  const output = job.outputs[0];
  const key = output ? mediaKeyOf(output.url, config) : null;
  const object = key === null ? null : await c.env.MEDIA.get(key);
  if (!object) throw new ProblemError("not_found", `Video ${job.id} has no stored content.`);
  return new Response(object.body, {
    headers: {
      "content-type": object.httpMetadata?.contentType ?? output!.content_type,
      "content-length": String(object.size),
      etag: object.httpEtag,
      "cache-control": "private, max-age=31536000, immutable",
    },
  });
});

// ---------------------------------------------------------------------------------------
// images

/** How long a generation waits for its job unless `Prefer: wait=N` says otherwise. */
const imageWaitSeconds = 60;

openaiRoutes.post("/openai/v1/images/generations", async (c) => {
  const config = loadConfig(c.env);
  const idempotencyKey = idempotencyKeyOf(c.req.header("idempotency-key"));
  const { body, responseFormat, errors } = imageJobRequest(await readJsonObject(c.req.raw));
  // Without the schema's errors, `createJob` runs the job's validation itself.
  if (errors.length > 0) requireValid(errors, body, imageFieldOf, config);
  const wait = preferredWaitSeconds(c.req.header("prefer")) ?? imageWaitSeconds;
  const { job, replayed } = await createJobAs(c, body, { idempotencyKey, waitSeconds: wait }, imageFieldOf);
  if (replayed) c.header("idempotent-replayed", "true");

  // The job id travels with every failure, so a client can follow it on /v1/jobs.
  const follow = { location: job.urls.self };
  const extensions = { job_id: job.id };
  if (job.status === "failed") {
    // x-should-retry steers the OpenAI SDKs' automatic retries: another try makes a new job.
    const headers = { ...follow, "x-should-retry": String(job.error?.retryable ?? false) };
    throw new ProblemError("upstream_error", `Image job ${job.id} failed (${job.error?.code}): ${job.error?.message}`, [], headers, extensions);
  }
  if (job.status === "canceled") {
    throw new ProblemError("conflict", `Image job ${job.id} was canceled before it completed.`, [], { ...follow, "x-should-retry": "false" }, extensions);
  }
  if (job.status !== "completed") {
    // 504: the gateway waited for its upstream and stopped waiting; the job goes on. The
    // SDKs retry a 504 by default, which would start (and bill) a second generation while
    // this one still runs — so x-should-retry: false, and the job's URL to follow instead.
    const detail = `The images are not ready after ${wait} s: job ${job.id} is ${job.status}. Follow it at GET /v1/jobs/${job.id}; sending this request again starts another generation.`;
    throw new ProblemError("upstream_timeout", detail, [], { ...follow, "x-should-retry": "false" }, extensions);
  }
  const data =
    responseFormat === "url"
      ? job.outputs.map((output) => ({ url: output.url ?? "" })) // a job just completed: its links exist
      : await Promise.all(
          job.outputs.map(async (output) => {
            const key = mediaKeyOf(output.url, config);
            const object = key === null ? null : await c.env.MEDIA.get(key);
            if (!object) throw new ProblemError("internal_error", `An output of job ${job.id} is missing from storage.`);
            return { b64_json: toBase64(await object.arrayBuffer()) };
          }),
        );
  return c.json({ created: Math.floor(Date.parse(job.created_at) / 1000), data } satisfies ImagesResponse);
});

// Unknown paths and methods under /openai/v1 end here rather than in the app's notFound, so
// their 404 passes through `openAiErrors` like every other problem.
openaiRoutes.all("/openai/v1/*", () => {
  throw new ProblemError("not_found", "No such route.");
});
