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
import { inputUrlProblem } from "../media/url-policy";
import { providerIds } from "../providers/provider-adapter";
import type { ProviderPreference } from "../routing/eligibility";
import type { I2vInput } from "./i2v";
import { i2vInputSchema, i2vMediaUrls } from "./i2v";

export const supportedModels = ["wan2.7-i2v"] as const;

export const providerPreferenceSchema = z
  .union([z.literal("auto"), z.enum(providerIds), z.array(z.enum(providerIds)).min(1).max(providerIds.length)])
  .default("auto");

export const metadataSchema = z
  .record(z.string().min(1).max(40, "keys are at most 40 characters"), z.string().max(500, "values are at most 500 characters"))
  .refine((value) => Object.keys(value).length <= 16, "at most 16 entries")
  .default({});

export const jobEnvelopeSchema = z
  .object({
    model: z.enum(supportedModels, { message: `model must be one of: ${supportedModels.join(", ")}` }),
    input: z.record(z.string(), z.unknown()),
    provider: providerPreferenceSchema,
    webhook: z.unknown().optional(),
    metadata: metadataSchema,
  })
  .strict();

export interface JobRequest {
  model: "wan2.7-i2v";
  input: I2vInput;
  provider: ProviderPreference;
  metadata: Record<string, string>;
}

export type ValidationResult = { ok: true; value: JobRequest } | { ok: false; errors: FieldError[] };

/** Validates a parsed JSON body against the envelope, the model's input and the URL policy. */
export function validateJobRequest(body: Record<string, unknown>, config: Pick<Config, "environment" | "emulatorOrigin" | "publicBaseUrl">): ValidationResult {
  const errors: FieldError[] = [];
  const envelope = jobEnvelopeSchema.safeParse(body);
  if (!envelope.success) errors.push(...fieldErrors(envelope.error));
  if (body.webhook !== undefined) {
    errors.push({ path: "webhook", message: "outbound webhooks are not available in this version yet; poll GET /v1/jobs/{id}" });
  }
  const rawInput = body.input;
  let input: I2vInput | undefined;
  if (rawInput !== null && typeof rawInput === "object" && !Array.isArray(rawInput)) {
    const parsed = i2vInputSchema.safeParse(rawInput);
    if (parsed.success) {
      input = parsed.data;
      for (const [field, url] of i2vMediaUrls(input)) {
        const problem = inputUrlProblem(url, config);
        if (problem) errors.push({ path: `input.${field}`, message: problem });
      }
    } else {
      errors.push(...fieldErrors(parsed.error, ["input"]));
    }
  }
  const unique = errors.filter((error, index) => errors.findIndex((other) => other.path === error.path && other.message === error.message) === index);
  if (unique.length > 0 || !envelope.success || !input) return { ok: false, errors: unique };
  return { ok: true, value: { model: envelope.data.model, input, provider: envelope.data.provider as ProviderPreference, metadata: envelope.data.metadata } };
}
