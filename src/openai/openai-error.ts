/**
 * @module openai/openai-error — OpenAI's `error` member inside the gateway's problem documents.
 *
 * The OpenAI SDKs show `body.error.message` (and read `type`, `param`, `code`) from any
 * non-2xx answer; the gateway answers RFC 9457 problem+json. Under `/openai/v1` one body
 * serves both readers: the problem document unchanged, plus `error`. The middleware is
 * mounted ahead of the API-key check, so a 401 — rendered by the app's one error
 * renderer — gets the member too.
 */
import { z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import type { FieldError, ProblemDocument } from "../http/problem";
import { ProblemError } from "../http/problem";

/** OpenAI's error object (`{"error": {…}}` in their API), as the gateway fills it. */
export const openAiErrorSchema = z.object({
  message: z.string().describe("The problem's detail followed by every field error (`field: message; …`)"),
  type: z.enum(["invalid_request_error", "authentication_error", "permission_error", "rate_limit_error", "server_error"]),
  param: z.string().nullable().describe("The first offending request field, in the OpenAI request's own names"),
  code: z.string().describe("The problem's stable `code`"),
}).describe("OpenAI's error object, which the OpenAI SDKs read: `message` names every bad field");
export type OpenAiError = z.output<typeof openAiErrorSchema>;

/** OpenAI's `type` for a status: their SDKs branch on the status, people read the type. */
function errorType(status: number): OpenAiError["type"] {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 429) return "rate_limit_error";
  return status >= 500 ? "server_error" : "invalid_request_error";
}

/**
 * The `error` member for a problem document: its detail followed by every field error, so
 * an SDK that prints only `error.message` still names every bad field.
 * @example openAiError({ status: 400, code: "invalid_request", detail: "The request has 1 invalid field.", errors: [{ path: "seconds", message: "at most 15" }], … })
 * // { message: "The request has 1 invalid field. seconds: at most 15", type: "invalid_request_error", param: "seconds", code: "invalid_request" }
 */
export function openAiError(document: ProblemDocument): OpenAiError {
  const errors = document.errors ?? [];
  const fields = errors.map((error) => `${error.path}: ${error.message}`).join("; ");
  return {
    message: fields === "" ? document.detail : `${document.detail} ${fields}`,
    type: errorType(document.status),
    param: errors[0]?.path ?? null,
    code: document.code,
  };
}

/**
 * Adds OpenAI's `error` member to every problem+json answer below it (other answers pass
 * untouched). Rewrites the rendered body rather than hooking the renderer: errors are
 * rendered by whichever app's `onError` caught them, and this sees them all.
 * @example app.use("/openai/v1/*", openAiErrors(), apiKeyAuth())
 */
export function openAiErrors(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const rendered = c.res;
    if (!(rendered.headers.get("content-type") ?? "").startsWith("application/problem+json")) return;
    const document = (await rendered.json()) as ProblemDocument;
    const headers = new Headers(rendered.headers);
    headers.delete("content-length");
    // Cleared first: Hono's `res` setter would otherwise copy the old headers (with the old
    // Content-Length) over the new body's.
    c.res = undefined;
    c.res = new Response(JSON.stringify({ ...document, error: openAiError(document) }), { status: rendered.status, headers });
  };
}

/**
 * The same problem with its field paths renamed by `fieldOf` (a `POST /v1/jobs` path such as
 * `input.duration` → the OpenAI request's `seconds`); anything else is returned as it is.
 */
export function renamedFields(thrown: unknown, fieldOf: (path: string) => string): unknown {
  if (!(thrown instanceof ProblemError) || thrown.errors.length === 0) return thrown;
  const errors: FieldError[] = thrown.errors.map((error) => ({ path: fieldOf(error.path), message: error.message }));
  return new ProblemError(thrown.code, thrown.detail, errors, thrown.headers, thrown.extensions);
}
