/**
 * @module openai/openai-validation — one verdict on an OpenAI request, in its own field names.
 *
 * Two schemas judge it: the request's own zod schema (openai-video, openai-image: OpenAI's
 * fields, each built from the model field it maps to — the schema the OpenAPI document
 * shows), then the `POST /v1/jobs` validation of the job it maps to, for what only the job
 * can tell (cross-field rules, where input URLs may point). Every bad field is named once.
 */
import type { z } from "@hono/zod-openapi";
import type { Config } from "../env";
import type { FieldError } from "../http/problem";
import { fieldErrors } from "../http/validation";
import { validateJobRequest } from "../models/job-request";
import { webhookUrlProblem } from "../webhooks/webhook-url";

type UrlConfig = Pick<Config, "environment" | "emulatorOrigin" | "publicBaseUrl">;

/**
 * The request schema's issues as field errors; an unknown top-level field is told which
 * fields there are.
 * @example openAiFieldErrors(error, ["model", "prompt"]) // [{ path: "quality", message: "unknown field; supported: model, prompt" }]
 */
export function openAiFieldErrors(error: z.ZodError, supported: readonly string[]): FieldError[] {
  return fieldErrors(error).map((field) =>
    field.message === "unknown field" && !/[.[]/.test(field.path) ? { ...field, message: `unknown field; supported: ${supported.join(", ")}` } : field,
  );
}

/**
 * Every bad field of an OpenAI request: the request schema's `requestErrors` first, then the
 * job validation's (the same `validateJobRequest` that `createJob` runs) on the mapped `body`,
 * renamed by `fieldOf` — except for fields the request schema already faulted.
 * @example openAiRequestErrors([{ path: "seconds", message: "at most 15" }], body, videoFieldOf, config)
 */
export function openAiRequestErrors(requestErrors: FieldError[], body: Record<string, unknown>, fieldOf: (path: string) => string, config: UrlConfig): FieldError[] {
  const validation = validateJobRequest(body, config, (url) => webhookUrlProblem(url, config));
  const topField = (path: string) => path.split(/[.[]/)[0];
  const faulted = new Set(requestErrors.map((error) => topField(error.path)));
  const jobErrors = validation.ok ? [] : validation.errors.map((error) => ({ path: fieldOf(error.path), message: error.message }));
  return [...requestErrors, ...jobErrors.filter((error) => !faulted.has(topField(error.path)))];
}
