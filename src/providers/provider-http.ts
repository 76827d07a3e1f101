/**
 * @module providers/provider-http — the one way an adapter talks to its provider.
 *
 * `callProvider` is the request/parse/error skeleton every adapter used to write out for
 * itself (in the manner of vercel/ai's `postJsonToApi`): send one JSON request with the key
 * and a timeout → classify the answer (an HTTP error, or an error inside a 2xx body) → parse
 * a success with a minimal schema → hand it to the adapter's reader → a `Result`. Network
 * failures, timeouts and answers that do not parse come back as values, never thrown, and
 * retryability is decided once, from the status code, in `classifyStatus`.
 */
import type { z } from "@hono/zod-openapi";
import { parseRetryAfter } from "../lib/backoff";
import type { AdapterContext, Result, UpstreamError, UpstreamErrorKind, UpstreamTask } from "./provider-adapter";

export interface ProviderResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
}

/** One request to a provider. */
export interface ProviderCall {
  /** What the call is for: names it in messages, and lets a provider's error map tell a create from a read. */
  operation: "create" | "read" | "cancel";
  method: "GET" | "POST";
  /** Appended to `context.baseUrl`. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides `context.timeoutMs` (a synchronous generation waits minutes). */
  timeoutMs?: number;
}

/** How one provider reports errors. */
export interface ProviderErrors {
  /** The provider's name, for messages. */
  name: string;
  /** Maps an error answer (a non-2xx status, or a 2xx body `failedInBody` flags) to the vocabulary. */
  failure(response: ProviderResponse, call: ProviderCall, nowMs: number): UpstreamError;
  /** An error reported inside a 2xx answer (ShortAPI's `code ≠ 0`). */
  failedInBody?(body: unknown): boolean;
}

/**
 * Calls the provider and reads a successful answer: `schema` is the least the answer must
 * have, `read` turns it into the adapter's value. An answer that does not fit `schema` is a
 * retryable `protocol` error that keeps the HTTP status (a 2xx create that cannot be read
 * may still have started a task, which the job must know).
 * @example
 * const task = await callProvider(context, evolinkErrors, { operation: "read", method: "GET", path: `/v1/tasks/${id}` }, taskSchema, evolinkTask);
 */
export async function callProvider<S extends z.ZodType, T>(
  context: AdapterContext,
  errors: ProviderErrors,
  call: ProviderCall,
  schema: S,
  read: (body: z.output<S>, response: ProviderResponse) => T,
): Promise<Result<T>> {
  const sent = await providerRequest({ ...context, timeoutMs: call.timeoutMs ?? context.timeoutMs }, call.method, call.path, { body: call.body, headers: call.headers });
  if (!sent.ok) return sent;
  const response = sent.value;
  if (response.status < 200 || response.status >= 300 || errors.failedInBody?.(response.body)) {
    return { ok: false, error: errors.failure(response, call, context.now()) };
  }
  const parsed = schema.safeParse(response.body);
  if (!parsed.success) {
    return { ok: false, error: { ...protocolError(`${errors.name}'s answer to the ${call.operation} was not understood`), httpStatus: response.status } };
  }
  return { ok: true, value: read(parsed.data, response) };
}

/**
 * Sends a request to `context.baseUrl + path` with the provider key as a Bearer token.
 * Network failures and timeouts come back as retryable `UpstreamError`s, never thrown.
 */
export async function providerRequest(
  context: AdapterContext,
  method: "GET" | "POST",
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Result<ProviderResponse>> {
  const headers: Record<string, string> = { authorization: `Bearer ${context.apiKey}`, accept: "application/json", ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await context.fetch(context.baseUrl + path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(context.timeoutMs ?? 20_000),
    });
  } catch (thrown) {
    const timedOut = thrown instanceof Error && (thrown.name === "TimeoutError" || thrown.name === "AbortError");
    return {
      ok: false,
      error: { kind: timedOut ? "timeout" : "unavailable", message: timedOut ? "the provider did not answer in time" : "the provider could not be reached", retryable: true },
    };
  }
  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { ok: true, value: { status: response.status, headers: response.headers, body } };
}

/** The default meaning of an HTTP status, before a provider's own codes refine it. */
export function classifyStatus(status: number, headers: Headers, message: string, nowMs: number): UpstreamError {
  const kinds: Record<number, UpstreamErrorKind> = {
    400: "rejected",
    401: "unauthorized",
    402: "out_of_credit",
    403: "unauthorized",
    404: "not_found",
    408: "timeout",
    413: "rejected",
    422: "rejected",
    429: "rate_limited",
  };
  const kind: UpstreamErrorKind = kinds[status] ?? (status >= 500 ? "unavailable" : "protocol");
  const retryable = kind === "rate_limited" || kind === "unavailable" || kind === "timeout" || kind === "out_of_credit";
  const error: UpstreamError = { kind, message, retryable, httpStatus: status };
  const retryAfterMs = parseRetryAfter(headers.get("retry-after"), nowMs);
  if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
  return error;
}

/** Reads `object.a.b.c` from unknown JSON without throwing. */
export function pick(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** A non-empty string field, or undefined. */
export function pickString(value: unknown, ...path: Array<string | number>): string | undefined {
  const found = pick(value, ...path);
  return typeof found === "string" && found !== "" ? found : undefined;
}

/** A code that may be a string or a number (EvoLink, ShortAPI), as a string; undefined when absent. */
export function pickCode(value: unknown, ...path: Array<string | number>): string | undefined {
  const found = pick(value, ...path);
  return typeof found === "string" ? found || undefined : typeof found === "number" ? String(found) : undefined;
}

/**
 * The http(s) URLs in a result field whatever its documented shape: a string, `{url}`, or a
 * list of either (nested lists flatten). Anything else is ignored, not guessed at.
 * @example mediaUrls([{ url: "https://a/1.png" }, "https://a/2.png"]) // ["https://a/1.png", "https://a/2.png"]
 */
export function mediaUrls(value: unknown): string[] {
  if (typeof value === "string") return /^https?:\/\//i.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(mediaUrls);
  if (value !== null && typeof value === "object" && "url" in value) return mediaUrls((value as { url: unknown }).url);
  return [];
}

/** Distinct URLs, in order of first appearance. */
export function distinct(urls: string[]): string[] {
  return [...new Set(urls)];
}

/**
 * A progress figure as 0–100: a number, or a string such as `"45%"` or `"45"`; null otherwise.
 * @example progressPercent("45%") // 45
 */
export function progressPercent(value: unknown): number | null {
  const number = typeof value === "number" ? value : typeof value === "string" ? Number.parseFloat(value) : Number.NaN;
  return Number.isFinite(number) ? Math.max(0, Math.min(100, number)) : null;
}

/** A provider answer we could not understand: retryable (maybe elsewhere, maybe later). */
export function protocolError(message: string): UpstreamError {
  return { kind: "protocol", message, retryable: true };
}

/** The `upstreamStatus` of a create answer that names no status (there is no provider word to keep). */
export const createdWithoutStatus = "(none)";

/**
 * A create answer with a task id but no status: the task was just accepted, so it is pending.
 * (E5: an id is what makes a task ours; its absence of a status must not orphan it.)
 */
export function createdTask(): UpstreamTask {
  return { state: "pending", progress: null, upstreamStatus: createdWithoutStatus };
}

/** A status the adapter does not know: never terminal, never running (see `UpstreamTask`). */
export function unknownTask(upstreamStatus: string): UpstreamTask {
  return { state: "unknown", progress: null, upstreamStatus };
}
