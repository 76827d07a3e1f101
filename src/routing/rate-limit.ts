/**
 * @module routing/rate-limit — request budgets as pure functions.
 *
 * - `admitInWindow`: account-wide read limits (DashScope allows 20 task reads per second per
 *   account, across every job). A read is admitted at the moment it is sent, never promised
 *   for later: a promised slot is used whenever its job's alarm happens to run, and late
 *   alarms bunch up (measured: 22 reads in one second at 18 promised per second). Admissions
 *   are logged for a second, so no one-second window, however placed, holds more than the
 *   rate. A refused caller is told when to ask again, each refusal a slot 1/rate later than
 *   the last, so a crowd comes back spread out instead of all at once.
 * - `tryTakeToken`: a tenant's submits per minute (a bucket with a burst).
 */

/** The admissions of the last second, and the last "ask again" time handed out. */
export interface AdmissionWindow {
  admitted: number[];
  nextHint: number;
}

/**
 * Admits one call at `now` when fewer than `ratePerSecond` were admitted in the second
 * before; otherwise admits nothing and returns how long to wait before asking again.
 * @example admitInWindow(undefined, 0, 18).waitMs // 0: admitted, and recorded
 */
export function admitInWindow(window: AdmissionWindow | undefined, now: number, ratePerSecond: number): { window: AdmissionWindow; waitMs: number } {
  const admitted = (window?.admitted ?? []).filter((at) => at > now - 1000);
  const lastHint = window?.nextHint ?? 0;
  if (admitted.length < ratePerSecond) return { window: { admitted: [...admitted, now], nextHint: lastHint }, waitMs: 0 };
  // The earliest a place frees, or the slot after the last one handed out, whichever is later.
  const freeAt = admitted[admitted.length - ratePerSecond]! + 1000;
  const hint = Math.max(freeAt, Math.max(lastHint, now) + 1000 / ratePerSecond);
  return { window: { admitted, nextHint: hint }, waitMs: Math.max(1, Math.ceil(hint - now)) };
}

/** A rate-limit bucket: tokens available and when they were counted. */
export interface Bucket {
  tokens: number;
  updatedAt: number;
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
