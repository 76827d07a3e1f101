/**
 * @module http/request-headers — request headers every creating route reads the same way.
 */
import { ProblemError } from "./problem";

/** `Prefer: wait=N` (RFC 7240) in seconds, clamped to 0–60; null when absent. */
export function preferredWaitSeconds(header: string | undefined): number | null {
  const match = /(?:^|[,;\s])wait\s*=\s*"?(\d+)"?/i.exec(header ?? "");
  return match ? Math.min(60, Number(match[1])) : null;
}

/**
 * The `Idempotency-Key` header's value, checked (1–255 characters); undefined when absent.
 * @example const idempotencyKey = idempotencyKeyOf(c.req.header("idempotency-key")) // before the body is read
 */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header !== undefined && (header.length < 1 || header.length > 255)) {
    throw new ProblemError("invalid_request", "Idempotency-Key must be 1–255 characters.", [{ path: "header.Idempotency-Key", message: "1–255 characters" }]);
  }
  return header;
}
