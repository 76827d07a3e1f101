/**
 * @module lib/backoff — exponential backoff with full jitter, and Retry-After parsing.
 */

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Random number in [0, 1); injected so tests are deterministic. */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (1-based): between half and all of
 * min(maxMs, baseMs * 2^(attempt-1)) — jitter keeps many jobs from retrying in lockstep.
 * @example backoffDelay(3, { baseMs: 1000, maxMs: 30000, random: () => 1 }) // 4000
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const random = options.random ?? Math.random;
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * Parses a Retry-After header (delta-seconds or HTTP date) into milliseconds from `nowMs`.
 * Returns undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
