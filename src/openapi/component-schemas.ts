/**
 * @module openapi/component-schemas — the named schemas of the OpenAPI document.
 *
 * Request bodies are the very zod schemas that validate requests (models/*, the job
 * envelope, the webhook field): the `POST /v1/jobs` body below is the envelope with `model`
 * and `input` narrowed per model to each model's own input schema. Responses are not
 * validated at run time, so their schemas are written here — and tied to the code that
 * renders them by the type checks at the bottom: a field added to the job object, a new
 * job status or a new problem code fails to compile until it is documented.
 */
import { z } from "@hono/zod-openapi";
import type { ProblemCode } from "../http/problem";
import type { Attempt, JobStatus } from "../jobs/job-types";
import { modelIds, webhookEventTypes } from "../jobs/job-types";
import type { JobView } from "../jobs/job-view";
import { i2vInputSchema } from "../models/i2v";
import { imageProInputSchema } from "../models/image-pro";
import { jobEnvelopeSchema, mediaRequestSchema, metadataSchema, providerPreferenceSchema, retentionSchema } from "../models/job-request";
import type { UploadView } from "../uploads/upload-object";
import { providerIds } from "../providers/provider-adapter";
import { webhookRequestSchema } from "../webhooks/webhook-event";
import type { WebhookOutbox } from "../webhooks/webhook-outbox";

const timestamp = z.string().meta({ format: "date-time", description: "ISO 8601, UTC" });
const absoluteUrl = z.url();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/).describe("SHA-256 of the bytes, lower-case hex");

export const jobStatuses = ["queued", "running", "completed", "failed", "canceled"] as const;
const attemptStatuses = ["creating", "running", "completed", "failed", "abandoned", "outcome_unknown"] as const;

/**
 * Every problem code the gateway renders (http/problem). Beyond the contract's list:
 * `method_not_allowed` 405, `range_not_satisfiable` 416 (media), and `upstream_timeout` 504
 * for routes that wait for a result.
 */
export const problemCodes = [
  "invalid_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "range_not_satisfiable",
  "unsupported_media_type",
  "idempotency_mismatch",
  "budget_exceeded",
  "rate_limited",
  "upstream_error",
  "upstream_timeout",
  "unsupported",
  "no_provider",
  "internal_error",
] as const;

/** The `POST /v1/jobs` body of one model: the validating envelope, `input` narrowed. */
export const i2vJobRequestSchema = jobEnvelopeSchema.extend({ model: z.literal("wan2.7-i2v"), input: i2vInputSchema });
export const imageProJobRequestSchema = jobEnvelopeSchema.extend({ model: z.literal("wan2.7-image-pro"), input: imageProInputSchema });
export const jobRequestSchema = z.discriminatedUnion("model", [i2vJobRequestSchema, imageProJobRequestSchema]);

export const jobErrorSchema = z.object({
  code: z.string().describe("Stable code, e.g. deadline_exceeded, upstream_error, content_rejected"),
  message: z.string(),
  retryable: z.boolean(),
});

export const attemptSchema = z.object({
  provider: z.enum(providerIds),
  upstream_id: z.string().nullable().describe("The provider's task id; null until it accepted the task"),
  status: z
    .enum(attemptStatuses)
    .describe(
      "creating: written before its create request left. outcome_unknown: the create's answer never came (possibly billed; adopted if the provider calls back). abandoned: walked away from (canceled upstream where possible; if it still finishes first, its result is used). Every attempt the provider completed is billed and counted in usage.",
    ),
  upstream_status: z.string().nullable().describe("The provider's own status word"),
  started_at: timestamp,
  ended_at: timestamp.nullable(),
  error: jobErrorSchema.nullable(),
});

export const jobOutputSchema = z.object({
  url: absoluteUrl
    .optional()
    .describe("Link served by GET /media/{key}: permanent for public media; for private media signed and expiring (`?expires=…&signature=…`, fresh each time the job is read). Absent once the job's media were deleted or expired"),
  content_type: z.string(),
  bytes: z.number().int().min(0),
  sha256,
  index: z.number().int().min(0),
  width: z.number().int().min(0).optional().describe("Pixels, from the file's own headers (video: the video track's tkhd); absent when the file does not say"),
  height: z.number().int().min(0).optional().describe("Pixels, from the file's own headers; absent when the file does not say"),
  duration_seconds: z.number().min(0).optional().describe("Videos: the movie's duration from its mvhd header, in seconds (millisecond precision)"),
  thumbnail_url: absoluteUrl
    .optional()
    .describe("A WebP thumbnail, at most 512 px on its long side: of an image output, or of a video's poster. Made after the job completed (read the job again); absent while not made, or when it could not be made"),
  poster_url: absoluteUrl
    .optional()
    .describe("Videos made from a first frame: that frame (the video's first frame by the model's definition), stored like an output. Made after the job completed; absent while not made, or when it could not be made"),
});

export const usageUnitsSchema = z
  .union([z.object({ seconds: z.number().min(0), resolution: z.enum(["720p", "1080p"]) }), z.object({ images: z.number().int().min(0) })])
  .describe("What the job is billed in: output seconds at a resolution (videos; a continuation's clip included where the provider bills it), or images");

export const usageSchema = z
  .object({
    units: usageUnitsSchema,
    unit_price_usd: z.number().min(0).nullable().describe("USD per unit (second or image) at the provider that made (or is making) the result; null only when not `priced`"),
    price_version: z.string().describe("The price book version the prices came from (the PRICES configuration's, or the built-in one's)"),
    price_source: z.enum(["published", "estimate", "configured"]).nullable().describe("published by the provider; an estimate where it publishes no USD price (GET /v1/models says how it was derived); or set by the operator"),
    priced: z.boolean().describe("False only when a counted attempt has no price; then `unpriced_reason` says why and `estimated_cost_usd` is null"),
    unpriced_reason: z.string().nullable(),
    estimated_cost_usd: z.number().min(0).nullable().describe("Every billed attempt at its billed units (failovers the provider also finished included) and, while running, the live one's quote"),
    provider_usage: z
      .array(z.object({ provider: z.enum(providerIds), upstream_id: z.string().nullable(), reported: z.record(z.string(), z.unknown()).nullable().describe("Verbatim: DashScope `usage`, AI/ML API `meta.usage` (`usd_spent`), ShortAPI `{amount}`, PixelDojo `{creditCost}`, EvoLink `usage`") }))
      .describe("The provider's own usage figures of each billed attempt, verbatim"),
    billed_seconds: z.number().nullable(),
    images: z.number().int().nullable(),
    billed_attempts: z.number().int().min(0).describe("Attempts the provider completed (each is billed)"),
    possibly_billed_attempts: z.number().int().min(0).describe("Attempts whose fate upstream is unknown (a lost create answer, an abandoned task)"),
  })
  .describe("What the job costs. Never a silent null: unpriced only with `priced: false` and the reason");

export const jobSchema = z.object({
  id: z.string().regex(/^job_[0-9a-hjkmnp-tv-z]{26}$/),
  object: z.literal("job"),
  model: z.enum(modelIds),
  status: z.enum(jobStatuses).describe("queued → running → completed | failed | canceled; completed means every output is already in R2"),
  sequence: z.number().int().min(0).describe("Bumped on every change of the job a client can see; webhook events and SSE `id:` carry it — order by it"),
  progress: z.number().min(0).max(100).nullable(),
  created_at: timestamp,
  updated_at: timestamp.describe("ISO 8601, UTC: when `sequence` last moved"),
  completed_at: timestamp.nullable(),
  input: z.union([i2vInputSchema, imageProInputSchema]).describe("The input as validated: defaults filled, i2v `mode` inferred"),
  metadata: z.record(z.string(), z.string()),
  provider: z.enum(providerIds).nullable().describe("The provider of the current accepted attempt"),
  attempts: z.array(attemptSchema),
  outputs: z.array(jobOutputSchema),
  error: jobErrorSchema.nullable().describe("Set when status is failed"),
  queue_position: z.number().int().min(1).nullable().describe("Waiting for one of your tenant's running slots (its cap on jobs at once): your place in line, 1 = next; the job starts on its own when a slot frees. Null otherwise"),
  usage: usageSchema,
  media: z.object({
    access: z.enum(["public", "private"]).describe("private: every link is signed and expires after link_ttl_seconds"),
    link_ttl_seconds: z.number().int().min(0),
  }),
  retention: z.object({ days: z.number().int().min(1) }).nullable().describe("How long the media are kept after the job was created; null: forever"),
  expires_at: timestamp.nullable().describe("When the media will be (or were) deleted by the retention; null: kept forever"),
  deleted_at: timestamp.nullable().describe("When DELETE /v1/jobs/{id} removed the media (the record stays; outputs keep their hashes but lose their links)"),
  expired_at: timestamp.nullable().describe("When the retention removed the media"),
  urls: z.object({ self: absoluteUrl, events: absoluteUrl, cancel: absoluteUrl }),
});

export const jobListSchema = z.object({
  object: z.literal("list"),
  data: z.array(jobSchema),
  next_cursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page"),
});

export const fieldErrorSchema = z.object({
  path: z.string().describe("JSON path of the offending field, e.g. input.duration; $ for the whole body"),
  message: z.string(),
});

export const problemSchema = z
  .object({
    type: absoluteUrl,
    title: z.string(),
    status: z.number().int(),
    code: z.enum(problemCodes),
    detail: z.string(),
    errors: z.array(fieldErrorSchema).optional().describe("Every offending field (validation errors)"),
    excluded: z
      .array(z.object({ provider: z.enum(providerIds), reason: z.string() }))
      .optional()
      .describe("unsupported, no_provider: why each provider was left out"),
    job: jobSchema.optional().describe("conflict on cancel or delete: the job as it is"),
    budget_remaining_usd: z.number().min(0).optional().describe("budget_exceeded: what is left of the budget"),
  })
  .describe("RFC 9457 problem document (application/problem+json)");

export const uploadSchema = z.object({
  id: z.string().regex(/^upl_[0-9a-hjkmnp-tv-z]{20}$/).describe("For DELETE /v1/uploads/{id}"),
  object: z.literal("upload"),
  url: absoluteUrl.optional().describe("/media/… link, usable as any input URL; absent once deleted or expired"),
  content_type: z.string().describe("The type the bytes proved (MP4 and QuickTime are accepted for each other)"),
  bytes: z.number().int().min(1),
  sha256,
  created_at: timestamp,
  expires_at: timestamp.describe("Kept at least until then (UPLOAD_RETENTION_DAYS after the upload), and after it for as long as a job of yours that uses it as an input keeps its media"),
  deleted_at: timestamp.nullable(),
  expired_at: timestamp.nullable(),
});

export const deliverySchema = z.object({
  id: z.string().describe("The webhook-id, the same on every retry of this event"),
  type: z.string().describe(`One of ${webhookEventTypes.join(", ")}`),
  state: z.enum(["pending", "delivered", "gone", "given_up", "superseded"]).describe("superseded: a terminal event came first, so this earlier one is never sent"),
  created_at: timestamp,
  next_attempt_at: timestamp.nullable(),
  attempts: z.array(
    z.object({
      at: timestamp,
      status: z.number().int().nullable().describe("The receiver's HTTP status; null when it did not answer"),
      outcome: z.string().describe("delivered, retry or gone"),
      error: z.string().nullable(),
      duration_ms: z.number().min(0),
    }),
  ),
});

export const deliveryListSchema = z.object({ object: z.literal("list"), data: z.array(deliverySchema) });

export const webhookSecretSchema = z.object({
  object: z.literal("webhook_secret"),
  secret: z.string().regex(/^whsec_/),
  scheme: z.string(),
  previous_valid_until: timestamp.nullable().describe("After a rotation: until when deliveries also carry a signature under the previous secret"),
});

export const modelListSchema = z.object({
  object: z.literal("list"),
  data: z.array(
    z.object({
      id: z.enum(modelIds),
      object: z.literal("model"),
      description: z.string(),
      input_schema: z.record(z.string(), z.unknown()).describe("JSON Schema (2020-12) of `input`, from the schema that validates it"),
      providers: z.array(
        z.object({
          id: z.enum(providerIds),
          name: z.string(),
          configured: z.boolean(),
          features: z.record(z.string(), z.unknown()),
          price: z
            .object({
              per_second_usd: z.record(z.string(), z.number().nullable()).nullable().optional().describe("Videos: USD per output second by resolution"),
              per_image_usd: z.number().nullable().optional().describe("Images: USD per image"),
              source: z.enum(["published", "estimate", "configured"]).nullable(),
              note: z.string().nullable().describe("Why there is no price, or how an estimate was derived"),
              version: z.string().describe("The price book version"),
            })
            .describe("From the price book (PRICES over the built-in prices)"),
          note: z.string().optional().describe("What a user should know about this provider for this model, e.g. a feature not routed here yet and why"),
        }),
      ),
    }),
  ),
});

export const healthSchema = z.object({ status: z.literal("ok"), environment: z.enum(["development", "production"]) });

export const webhookEventSchema = z.object({
  type: z.enum(webhookEventTypes),
  timestamp: timestamp.describe("When the job entered the state the event announces"),
  sequence: z.number().int().min(0).describe("The job's sequence at that moment: order events by it, never by arrival"),
  data: jobSchema,
});

/** The components every document has, by name. */
export const coreSchemas: Record<string, z.ZodType> = {
  JobRequest: jobRequestSchema,
  I2vJobRequest: i2vJobRequestSchema,
  ImageProJobRequest: imageProJobRequestSchema,
  I2vInput: i2vInputSchema,
  ImageProInput: imageProInputSchema,
  ProviderPreference: providerPreferenceSchema,
  Metadata: metadataSchema,
  WebhookRequest: webhookRequestSchema,
  Retention: retentionSchema,
  MediaRequest: mediaRequestSchema,
  Job: jobSchema,
  Usage: usageSchema,
  JobList: jobListSchema,
  Attempt: attemptSchema,
  JobOutput: jobOutputSchema,
  JobError: jobErrorSchema,
  Problem: problemSchema,
  FieldError: fieldErrorSchema,
  Upload: uploadSchema,
  Delivery: deliverySchema,
  DeliveryList: deliveryListSchema,
  WebhookSecret: webhookSecretSchema,
  ModelList: modelListSchema,
  Health: healthSchema,
  WebhookEvent: webhookEventSchema,
};

// ---- Compile-time ties between the code and these schemas (no run-time cost) ----
type Assert<Condition extends true> = Condition;
type Covers<Listed, All> = [Exclude<All, Listed>] extends [never] ? true : false;
type Same<A, B> = Covers<A, B> extends true ? Covers<B, A> : false;
/** Every job the gateway renders fits the documented Job, field by field. */
export type JobViewFitsSchema = Assert<JobView extends z.input<typeof jobSchema> ? true : false>;
/** …and the schema names no field the job object lacks, nor lacks one it has. */
export type JobViewHasSchemaFields = Assert<Same<keyof JobView, keyof z.output<typeof jobSchema>>>;
/** Webhook deliveries as `GET /v1/jobs/{id}/deliveries` lists them fit the documented Delivery. */
/** Uploads as the routes render them fit the documented Upload. */
export type UploadFitsSchema = Assert<UploadView extends z.input<typeof uploadSchema> ? true : false>;
export type UploadHasSchemaFields = Assert<Same<keyof UploadView, keyof z.output<typeof uploadSchema>>>;
export type DeliveryFitsSchema = Assert<ReturnType<WebhookOutbox["list"]>[number] extends z.input<typeof deliverySchema> ? true : false>;
export type EveryJobStatusDocumented = Assert<Covers<(typeof jobStatuses)[number], JobStatus>>;
export type EveryAttemptStatusDocumented = Assert<Covers<(typeof attemptStatuses)[number], Attempt["status"]>>;
export type EveryProblemCodeDocumented = Assert<Covers<(typeof problemCodes)[number], ProblemCode>>;
