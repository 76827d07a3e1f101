/**
 * @module providers/aimlapi/aimlapi-api — what AI/ML API's two endpoints share: the error
 * body `{message, path, requestId, statusCode, timestamp}` (providers.md §4.6) and the usage
 * figures `meta.usage`. AI/ML API documents no callbacks, cancel or idempotent creates.
 */
import { classifyStatus, pick } from "../provider-http";
import type { ProviderErrors } from "../provider-http";
import type { UpstreamError } from "../provider-adapter";

/** Maps an AI/ML API error answer. */
export function aimlapiHttpError(status: number, headers: Headers, body: unknown, nowMs: number): UpstreamError {
  const raw = pick(body, "message");
  // Validation errors may carry a list of messages.
  const message = typeof raw === "string" ? raw : Array.isArray(raw) ? raw.map(String).join("; ") : `AI/ML API answered HTTP ${status}`;
  const error = classifyStatus(status, headers, message, nowMs);
  if (status === 403 && /credit/i.test(message)) {
    // "You've run out of credits…": out of credit is 403 here, not 402.
    Object.assign(error, { kind: "out_of_credit", retryable: true });
  }
  // A 400 "Body validation error" for a request our own validation accepted is AI/ML
  // refusing it: `rejected` (the status's own meaning), so the job tries another provider.
  return error;
}

export const aimlapiErrors: ProviderErrors = {
  name: "AI/ML API",
  failure: (response, _call, nowMs) => aimlapiHttpError(response.status, response.headers, response.body, nowMs),
};

/** `meta.usage` (`credits_used`, `usd_spent`, …) verbatim, where the answer has it. */
export function aimlapiUsage(body: unknown): object | undefined {
  const usage = pick(body, "meta", "usage");
  return usage !== null && typeof usage === "object" ? usage : undefined;
}
