/**
 * @module lib/deadline — a timeout signal that leaves nothing behind.
 *
 * `AbortSignal.timeout(ms)` keeps its timer until it fires, however early the call it
 * guarded ended, and a Durable Object with a timer pending is not evicted: measured locally,
 * every job object stayed in memory, its database files open, for the 20 s of its provider
 * call's timeout after the call had answered (about 30 s in all instead of about 10).
 * `withDeadline` aborts the same way — a `TimeoutError` DOMException as the signal's
 * reason — and clears its timer as soon as the work settles.
 */

/**
 * Runs `work` with a signal that aborts after `ms`; the timer goes when `work` settles.
 * @example const text = await withDeadline(20_000, async (signal) => (await fetch(url, { signal })).text())
 */
export async function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`The operation timed out after ${ms} ms.`, "TimeoutError")), ms);
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
