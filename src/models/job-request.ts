/**
 * @module models/job-request — the `POST /v1/jobs` envelope and its full validation.
 *
 * Every problem with the body is collected — the envelope's, the model input's and the
 * URL policy's — so one 400 names every offending field by JSON path.
 */
import { z } from "@hono/zod-openapi";
import type { Config } from "../env";
import type { FieldError } from "../http/problem";
import { fieldErrors } from "../http/validation";
import type { ModelId, WebhookEventType } from "../jobs/job-types";
import { modelIds } from "../jobs/job-types";
import { canParseUrl } from "../lib/url";
import { linkTtlLimits, retentionDayLimits } from "../media/media-defaults";
import { inputUrlProblem } from "../media/url-policy";
import { providerIds } from "../providers/provider-adapter";
import { webhookRequestSchema } from "../webhooks/webhook-event";
import type { ProviderPreference } from "../routing/eligibility";
import type { MediaRequest } from "../media/media-defaults";
import type { I2vInput } from "./i2v";
import { i2vInputSchema, i2vMaterials } from "./i2v";
import type { ImageProInput } from "./image-pro";
import { imageProInputSchema } from "./image-pro";

export const providerPreferenceSchema = z
  .union([z.literal("auto"), z.enum(providerIds), z.array(z.enum(providerIds)).min(1).max(providerIds.length)])
  .default("auto");

/**
 * Keys refused in `metadata`. JSON.parse keeps `"__proto__"` as an own key, but zod's
 * record parsing skips it (assigning it would set the prototype), so it used to vanish
 * silently; `constructor` and `prototype` shadow what JavaScript consumers of the metadata
 * expect. All three are refused with a clear error (`reservedKeyErrors`, on the raw body,
 * since the schema never sees `__proto__`), so what a client sends is what it gets back.
 */
export const reservedMetadataKeys: readonly string[] = ["__proto__", "constructor", "prototype"];

export const metadataSchema = z
  .record(z.string().min(1).max(40, "keys are at most 40 characters"), z.string().max(500, "values are at most 500 characters"))
  .refine((value) => Object.keys(value).length <= 16, "at most 16 entries")
  .default({})
  .describe(`At most 16 string values, returned unchanged. Keys are 1–40 characters; ${reservedMetadataKeys.join(", ")} are refused.`);

/** A field error for each reserved key the raw `metadata` holds as its own. */
function reservedKeyErrors(metadata: unknown): FieldError[] {
  if (!metadata || typeof metadata !== "object" || Array.isArray(metadata)) return [];
  const message = `is a reserved name (${reservedMetadataKeys.join(", ")}); choose another key`;
  return reservedMetadataKeys.filter((key) => Object.hasOwn(metadata, key)).map((key) => ({ path: `metadata.${key}`, message }));
}

/** `retention`: how long the job's media are kept; `null` keeps them forever; absent: the tenant's default. */
export const retentionSchema = z
  .object({ days: z.number().int().min(retentionDayLimits.min).max(retentionDayLimits.max).describe("The media are deleted this many days after the job was created (the job record stays, with expired_at)") })
  .strict()
  .nullable()
  .describe("How long the job's media (outputs, thumbnails, posters) are kept. null keeps them forever; absent: your tenant's default (forever unless configured).")
  .openapi("Retention", { example: { days: 30 } });

/** `media`: who may read the job's links. */
export const mediaRequestSchema = z
  .object({
    access: z.enum(["public", "private"]).optional().describe("public (default unless your tenant says otherwise): plain permanent links. private: links are signed and expire; the job hands out fresh ones"),
    link_ttl_seconds: z
      .number()
      .int()
      .min(linkTtlLimits.min)
      .max(linkTtlLimits.max)
      .optional()
      .describe("Private media: how long each handed-out link works (default 3600)"),
  })
  .strict()
  .describe("Access to the job's media; absent fields take your tenant's defaults")
  .openapi("MediaRequest", { example: { access: "private", link_ttl_seconds: 600 } });

export const jobEnvelopeSchema = z
  .object({
    model: z.enum(modelIds, { message: `model must be one of: ${modelIds.join(", ")}` }),
    input: z.record(z.string(), z.unknown()),
    provider: providerPreferenceSchema,
    webhook: webhookRequestSchema.optional(),
    metadata: metadataSchema,
    retention: retentionSchema.optional(),
    media: mediaRequestSchema.optional(),
  })
  .strict();

export type JobRequest = {
  provider: ProviderPreference;
  metadata: Record<string, string>;
  webhook: { url: string; events: WebhookEventType[] } | null;
} & MediaRequest & ({ model: "wan2.7-i2v"; input: I2vInput } | { model: "wan2.7-image-pro"; input: ImageProInput });

export type ValidationResult = { ok: true; value: JobRequest } | { ok: false; errors: FieldError[] };

type UrlConfig = Pick<Config, "environment" | "emulatorOrigin" | "publicBaseUrl">;

/**
 * The URL-valued fields of a raw (unvalidated) input, by path: the URL policy applies to
 * them whatever else is wrong with the body, so one 400 names every bad field. Values the
 * schema itself refuses (not an http(s) URL, too long) are left to its message.
 */
function rawMediaUrls(model: ModelId, raw: Record<string, unknown>): Array<[string, string]> {
  const candidates: Array<[string, unknown]> =
    model === "wan2.7-i2v" ? i2vMaterials.map((field) => [field, raw[field]]) : Array.isArray(raw.images) ? raw.images.map((url, index) => [`images[${index}]`, url]) : [];
  return candidates.filter((candidate): candidate is [string, string] => {
    const url = candidate[1];
    return typeof url === "string" && url.length <= 2048 && canParseUrl(url) && /^https?:$/.test(new URL(url).protocol);
  });
}

/** Parses a model's input; URL fields are checked against the URL policy as well. */
function parseInput(model: ModelId, raw: Record<string, unknown>, config: UrlConfig): { input?: I2vInput | ImageProInput; errors: FieldError[] } {
  const parsed = model === "wan2.7-i2v" ? i2vInputSchema.safeParse(raw) : imageProInputSchema.safeParse(raw);
  const errors = parsed.success ? [] : fieldErrors(parsed.error, ["input"]);
  for (const [field, url] of rawMediaUrls(model, raw)) {
    const problem = inputUrlProblem(url, config);
    if (problem) errors.push({ path: `input.${field}`, message: problem });
  }
  return { input: parsed.success ? parsed.data : undefined, errors };
}

/**
 * Validates a parsed JSON body against the envelope, the model's input and the URL
 * policies. `webhookUrlProblem` checks where webhooks may go.
 */
export function validateJobRequest(body: Record<string, unknown>, config: UrlConfig, webhookUrlProblem: (url: string) => string | null): ValidationResult {
  const errors: FieldError[] = [];
  const envelope = jobEnvelopeSchema.safeParse(body);
  if (!envelope.success) errors.push(...fieldErrors(envelope.error));
  const model = typeof body.model === "string" && (modelIds as readonly string[]).includes(body.model) ? (body.model as ModelId) : null;
  const rawInput = body.input;
  let input: I2vInput | ImageProInput | undefined;
  if (model && rawInput !== null && typeof rawInput === "object" && !Array.isArray(rawInput)) {
    const parsed = parseInput(model, rawInput as Record<string, unknown>, config);
    input = parsed.input;
    errors.push(...parsed.errors);
  }
  errors.push(...reservedKeyErrors(body.metadata));
  // The webhook URL is judged whatever else failed, like the input URLs.
  const webhookUrl = (body.webhook as { url?: unknown } | null | undefined)?.url;
  if (typeof webhookUrl === "string" && webhookUrl.length > 0 && webhookUrl.length <= 2048) {
    const problem = webhookUrlProblem(webhookUrl);
    if (problem) errors.push({ path: "webhook.url", message: problem });
  }
  const webhook = envelope.success ? (envelope.data.webhook ?? null) : null;
  const unique = errors.filter((error, index) => errors.findIndex((other) => other.path === error.path && other.message === error.message) === index);
  if (unique.length > 0 || !envelope.success || !input || !model) return { ok: false, errors: unique };
  const { provider, metadata, retention, media } = envelope.data;
  // Absent fields stay absent (the tenant's defaults apply), so the Idempotency-Key hash is unchanged for requests without them.
  const policy = { ...(retention !== undefined ? { retention } : {}), ...(media !== undefined ? { media } : {}) };
  return { ok: true, value: { model, input, provider: provider as ProviderPreference, metadata, webhook, ...policy } as JobRequest };
}

/** JSON with object keys sorted, so equal requests hash equally however they were written. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
