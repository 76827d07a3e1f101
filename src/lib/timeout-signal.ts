/**
 * @module lib/timeout-signal — an AbortSignal that aborts after `ms` (reason: a
 * `TimeoutError`, as `AbortSignal.timeout` gives), whose timer is cleared once the work ends.
 *
 * `AbortSignal.timeout` cannot be cleared: its timer stays pending until it fires. A Durable
 * Object with a pending timer can neither hibernate nor be evicted (Cloudflare's lifecycle
 * documentation), so it is billed for duration — and held in memory — until the timer fires:
 * measured in the benchmark, ~60 s after every copy and ~20 s after every provider call.
 * @example const deadline = timeoutSignal(20_000); try { await fetch(url, { signal: deadline.signal }) } finally { deadline.clear() }
 */
export function timeoutSignal(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("The operation timed out.", "TimeoutError")), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
