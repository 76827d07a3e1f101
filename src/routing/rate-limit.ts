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
