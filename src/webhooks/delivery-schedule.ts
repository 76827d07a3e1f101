/**
 * @module webhooks/delivery-schedule — when to retry a webhook delivery, and what an
 * attempt's answer means. Pure: no clock, no I/O.
 *
 * The schedule is API.md's (the same shape as Svix's): retries after 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h and 10 h — eight attempts over about 28 hours, long enough to ride out a
 * receiver's bad deploy or a night-long outage — then the delivery is given up. No jitter:
 * each job has its own Durable Object, so retries of different jobs are not in lockstep
 * anyway, and a documented schedule lets receivers reason about when to expect a retry.
 */

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/** Delay before retry n (index n-1), counted from the failed attempt before it. */
export const deliveryRetryDelaysMs: readonly number[] = [5 * second, 5 * minute, 30 * minute, 2 * hour, 5 * hour, 10 * hour, 10 * hour];

/** The first attempt plus every retry. */
export const maxDeliveryAttempts = deliveryRetryDelaysMs.length + 1;

/** A delivery that received no 2xx within this time counts as failed (and is retried). */
export const deliveryTimeoutMs = 15 * second;

export type DeliveryOutcome = "delivered" | "retry" | "gone";

/**
 * When the next attempt is due after `attemptsMade` failed attempts, the last of them at
 * `lastAttemptAt` (ms); null once the schedule is exhausted (give up and record it). With
 * no attempt made yet the first one is due at once, i.e. at `lastAttemptAt`.
 * @example nextDeliveryAt(1, t) // t + 5_000
 * @example nextDeliveryAt(8, t) // null
 */
export function nextDeliveryAt(attemptsMade: number, lastAttemptAt: number): number | null {
  if (attemptsMade < 1) return lastAttemptAt;
  const delay = deliveryRetryDelaysMs[attemptsMade - 1];
  return delay === undefined ? null : lastAttemptAt + delay;
}

/**
 * What an attempt's result means: 2xx is delivered; 410 Gone is the receiver saying "stop
 * sending" (Standard Webhooks convention), so retries stop; everything else — 3xx (we never
 * follow redirects), 4xx, 5xx, a timeout, a network error — is retried on the schedule.
 * @example classifyDeliveryResponse(204) // "delivered"
 * @example classifyDeliveryResponse("timeout") // "retry"
 */
export function classifyDeliveryResponse(result: number | "timeout" | "network"): DeliveryOutcome {
  if (typeof result !== "number") return "retry";
  if (result >= 200 && result < 300) return "delivered";
  if (result === 410) return "gone";
  return "retry";
}
