/**
 * @module providers/provider-http — one JSON request to a provider, with a timeout, and the
 * status-code classification shared by every adapter (retryability is decided once, here).
 */
import { parseRetryAfter } from "../lib/backoff";
import type { AdapterContext, Result, UpstreamError, UpstreamErrorKind } from "./provider-adapter";

export interface ProviderResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
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

/** A string field, or undefined. */
export function pickString(value: unknown, ...path: Array<string | number>): string | undefined {
  const found = pick(value, ...path);
  return typeof found === "string" ? found : undefined;
}

/** A provider answer we could not understand: retryable (maybe elsewhere, maybe later). */
export function protocolError(message: string): UpstreamError {
  return { kind: "protocol", message, retryable: true };
}
