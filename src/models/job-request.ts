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
import { inputUrlProblem } from "../media/url-policy";
import { providerIds } from "../providers/provider-adapter";
import { webhookRequestSchema } from "../webhooks/webhook-event";
import type { ProviderPreference } from "../routing/eligibility";
import type { I2vInput } from "./i2v";
import { i2vInputSchema, i2vMediaUrls } from "./i2v";
import type { ImageProInput } from "./image-pro";
import { imageProInputSchema, imageProMediaUrls } from "./image-pro";

export const providerPreferenceSchema = z
  .union([z.literal("auto"), z.enum(providerIds), z.array(z.enum(providerIds)).min(1).max(providerIds.length)])
  .default("auto");

export const metadataSchema = z
  .record(z.string().min(1).max(40, "keys are at most 40 characters"), z.string().max(500, "values are at most 500 characters"))
  .refine((value) => Object.keys(value).length <= 16, "at most 16 entries")
  .default({});

export const jobEnvelopeSchema = z
  .object({
    model: z.enum(modelIds, { message: `model must be one of: ${modelIds.join(", ")}` }),
    input: z.record(z.string(), z.unknown()),
    provider: providerPreferenceSchema,
    webhook: webhookRequestSchema.optional(),
    metadata: metadataSchema,
  })
  .strict();

export type JobRequest = {
  provider: ProviderPreference;
  metadata: Record<string, string>;
  webhook: { url: string; events: WebhookEventType[] } | null;
} & ({ model: "wan2.7-i2v"; input: I2vInput } | { model: "wan2.7-image-pro"; input: ImageProInput });

export type ValidationResult = { ok: true; value: JobRequest } | { ok: false; errors: FieldError[] };

type UrlConfig = Pick<Config, "environment" | "emulatorOrigin" | "publicBaseUrl">;

/** Parses a model's input; URL fields are checked against the URL policy as well. */
function parseInput(model: ModelId, raw: unknown, config: UrlConfig): { input?: I2vInput | ImageProInput; errors: FieldError[] } {
  const parsed = model === "wan2.7-i2v" ? i2vInputSchema.safeParse(raw) : imageProInputSchema.safeParse(raw);
  if (!parsed.success) return { errors: fieldErrors(parsed.error, ["input"]) };
  const urls = model === "wan2.7-i2v" ? i2vMediaUrls(parsed.data as I2vInput) : imageProMediaUrls(parsed.data as ImageProInput);
  const errors: FieldError[] = [];
  for (const [field, url] of urls) {
    const problem = inputUrlProblem(url, config);
    if (problem) errors.push({ path: `input.${field}`, message: problem });
  }
  return { input: parsed.data, errors };
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
    const parsed = parseInput(model, rawInput, config);
    input = parsed.input;
    errors.push(...parsed.errors);
  }
  const webhook = envelope.success ? (envelope.data.webhook ?? null) : null;
  if (webhook) {
    const problem = webhookUrlProblem(webhook.url);
    if (problem) errors.push({ path: "webhook.url", message: problem });
  }
  const unique = errors.filter((error, index) => errors.findIndex((other) => other.path === error.path && other.message === error.message) === index);
  if (unique.length > 0 || !envelope.success || !input || !model) return { ok: false, errors: unique };
  const { provider, metadata } = envelope.data;
  return { ok: true, value: { model, input, provider: provider as ProviderPreference, metadata, webhook } as JobRequest };
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
