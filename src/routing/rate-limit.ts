/**
 * @module routing/rate-limit — a token bucket that hands out reservations, as a pure function.
 *
 * Used for account-wide read limits (DashScope allows 20 task reads per second per
 * account, across every job). The burst is one token, so admissions are spaced 1/rate
 * apart and no one-second window ever holds more than `rate` + 1 of them. A caller that finds the bucket empty is given the time of
 * the next free slot and the slot is reserved, so concurrent callers spread out instead of
 * all retrying at once.
 */

export interface Bucket {
  /** Tokens available (negative: reservations already promised). */
  tokens: number;
  updatedAt: number;
}

/**
 * Takes one token at `now`. Returns the new bucket and how long the caller must wait for
 * its reserved slot (0 = go now).
 * @example takeToken(undefined, 0, 20).waitMs // 0, and 50 for a second caller at once
 */
export function takeToken(bucket: Bucket | undefined, now: number, ratePerSecond: number): { bucket: Bucket; waitMs: number } {
  const burst = 1;
  const refilled = bucket ? Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * ratePerSecond) : burst;
  const tokens = refilled - 1;
  const waitMs = tokens >= 0 ? 0 : Math.ceil((-tokens / ratePerSecond) * 1000);
  return { bucket: { tokens, updatedAt: now }, waitMs };
}

/**
 * A refusing bucket for request rates (a tenant's submits per minute): it holds up to
 * `perMinute` tokens (the burst) and refills continuously; a caller that finds it empty is
 * refused — nothing is reserved — and told when the next token is there.
 * @example tryTakeToken(undefined, 0, 60) // { ok: true, bucket: { tokens: 59, updatedAt: 0 }, retryAfterMs: 0 }
 */
export function tryTakeToken(bucket: Bucket | undefined, now: number, perMinute: number): { ok: boolean; bucket: Bucket; retryAfterMs: number } {
  const perMs = perMinute / 60_000;
  const tokens = bucket ? Math.min(perMinute, bucket.tokens + Math.max(0, now - bucket.updatedAt) * perMs) : perMinute;
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, updatedAt: now }, retryAfterMs: 0 };
  return { ok: false, bucket: { tokens, updatedAt: now }, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
}
