/**
 * @module openapi/problem-responses — the documented problem responses: one per code, its
 * example rendered by the real renderer. Under `/openai/v1` the same documents carry
 * OpenAI's `error` member (openai/openai-error), and so do their examples here.
 */
import { problemDocument, ProblemError } from "../http/problem";
import { openAiError } from "../openai/openai-error";
import type { JsonObject, ProblemResponseCode } from "./openapi-builders";

/** Plain problem+json (`Problem`), or problem+json with OpenAI's `error` member (`OpenAiProblem`). */
export type ProblemStyle = "problem" | "openai";

interface ProblemExample {
  description: string;
  example: ProblemError;
}

const problemExamples: Record<ProblemResponseCode, ProblemExample> = {
  invalid_request: {
    description: "Invalid request: `errors` names every offending field by JSON path.",
    example: new ProblemError("invalid_request", "The request has 2 invalid fields.", [
      { path: "input.duration", message: "at most 15" },
      { path: "input.first_frame", message: "cannot be combined with first_clip; valid combinations: …" },
    ]),
  },
  unauthorized: { description: "Missing or unknown API key (or, under /admin/v1, admin secret). A revoked or expired key is refused from the next request on.", example: new ProblemError("unauthorized", "The API key is not valid.") },
  forbidden: {
    description: "The admin API is off: the deployment has no ADMIN_SECRET. (Under /media: a private object without a valid signed link.)",
    example: new ProblemError("forbidden", "The admin API is off: set ADMIN_SECRET to turn it on."),
  },
  budget_exceeded: {
    description: "The tenant's budget cannot hold this job's estimate (the dearest eligible provider's quote). Nothing was submitted. `X-Budget-Remaining` (and `budget_remaining_usd`) say what is left.",
    example: new ProblemError("budget_exceeded", "This job's estimate ($0.75) does not fit what is left of this month's budget of $10 ($0.5).", [], { "x-budget-remaining": "0.5" }, { budget_remaining_usd: 0.5 }),
  },
  rate_limited: {
    description: "The tenant creates jobs faster than its `submits_per_minute`, or its queue for running slots is full. Nothing was created; try again after `Retry-After` seconds. (Over the cap on running jobs a job is not refused: it waits `queued` with a `queue_position`.)",
    example: new ProblemError("rate_limited", "This tenant may create 60 jobs a minute.", [], { "retry-after": "2" }),
  },
  not_found: { description: "No such resource for this API key.", example: new ProblemError("not_found", "No job job_… exists for this API key.") },
  conflict: { description: "The resource is not in a state that allows this.", example: new ProblemError("conflict", "Job job_… is already completed.") },
  payload_too_large: {
    description: "The body is larger than allowed: refused from its Content-Length before it is read, or as soon as the bytes counted while reading pass the limit (JSON 1 MB, callbacks 256 KB, multipart and uploads their file limits).",
    example: new ProblemError("payload_too_large", "The JSON body may be at most 1 MB (1048576 bytes)."),
  },
  range_not_satisfiable: {
    description: "The Range starts at or beyond the end of the object; `Content-Range: bytes */size` gives its size.",
    example: new ProblemError("range_not_satisfiable", "The requested range lies outside the object's 4096 bytes."),
  },
  unsupported_media_type: {
    description: "Wrong Content-Type, or bytes that do not match it.",
    example: new ProblemError("unsupported_media_type", "Send the body as JSON with `Content-Type: application/json`."),
  },
  idempotency_mismatch: {
    description: "The Idempotency-Key was used with a different request.",
    example: new ProblemError("idempotency_mismatch", "This Idempotency-Key was already used with a different request."),
  },
  unsupported: {
    description: "No provider the request may go to can do what it asks (a feature, a duration, a size); `excluded` gives each provider's reason. Change the request: sending it again will not help.",
    example: new ProblemError("unsupported", "No provider can serve this request (aimlapi: duration 7 is not supported (allowed: 5/10/15)).", [], {}, {
      excluded: [{ provider: "aimlapi", reason: "duration 7 is not supported (allowed: 5/10/15)" }],
    }),
  },
  no_provider: {
    description: "Providers that could serve the request exist but none is available on this deployment now (not configured); `excluded` says why each was left out. Try again after `Retry-After`.",
    example: new ProblemError("no_provider", "No provider is available for this request now (evolink: not configured).", [], {}, {
      excluded: [{ provider: "evolink", reason: "not configured" }],
    }),
  },
  upstream_error: {
    description: "The provider failed the job.",
    example: new ProblemError("upstream_error", "Image job job_… failed (content_rejected): The provider refused the prompt."),
  },
  upstream_timeout: {
    description: "The result was not ready in time; the job goes on.",
    example: new ProblemError("upstream_timeout", "The images are not ready after 60 s: job job_… is running. Follow it at GET /v1/jobs/job_…; sending this request again starts another generation."),
  },
  internal_error: { description: "Something failed on our side; never a stack or a secret.", example: new ProblemError("internal_error", "Something went wrong on our side. Please retry later.") },
};


/** The name of a problem response in `#/components/responses`. */
export function problemResponseName(code: ProblemResponseCode, style: ProblemStyle = "problem"): string {
  return style === "openai" ? `openai_${code}` : code;
}

/**
 * The documented response for a problem `code`, in a `style`; `overrides` give one
 * operation its own description, example or extra headers.
 * @example problemResponse("upstream_timeout", "openai", { headers: { Location: componentRef("headers", "Location") } })
 */
export function problemResponse(code: ProblemResponseCode, style: ProblemStyle = "problem", overrides: Partial<ProblemExample> & { headers?: JsonObject } = {}): JsonObject {
  const { description, example } = { ...problemExamples[code], ...overrides };
  const headers: JsonObject = { "X-Request-Id": { $ref: "#/components/headers/XRequestId" } };
  if (code === "unauthorized") headers["WWW-Authenticate"] = { $ref: "#/components/headers/WWWAuthenticate" };
  if (code === "budget_exceeded") headers["X-Budget-Remaining"] = { $ref: "#/components/headers/XBudgetRemaining" };
  if (code === "rate_limited") headers["Retry-After"] = { $ref: "#/components/headers/RetryAfter" };
  const document = problemDocument(example);
  const body = style === "openai" ? { ...document, error: openAiError(document) } : document;
  const schema = { $ref: `#/components/schemas/${style === "openai" ? "OpenAiProblem" : "Problem"}` };
  return { description, headers: { ...headers, ...overrides.headers }, content: { "application/problem+json": { schema, example: body } } };
}

/** Plain problem responses for `codes`, by their component names. */
export function problemResponses(codes: readonly ProblemResponseCode[]): Record<string, JsonObject> {
  return Object.fromEntries(codes.map((code) => [problemResponseName(code), problemResponse(code)]));
}

/** Every code that has a documented response. */
export const documentedProblemCodes = Object.keys(problemExamples) as ProblemResponseCode[];
