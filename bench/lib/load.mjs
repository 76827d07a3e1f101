/**
 * @module bench/lib/load — a small closed-loop load generator: `concurrency` workers each
 * send one request after another for a fixed number of requests (bounded, loopback only).
 */
import { performance } from "node:perf_hooks";

/** Percentile of sorted numbers (nearest rank). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * @param {{ name: string, concurrency: number, requests: number, warmup?: number,
 *   request: (index: number) => Promise<Response> }} options
 * @returns {Promise<{ name: string, concurrency: number, requests: number, errors: number,
 *   p50_ms: number, p99_ms: number, rps: number }>}
 */
export async function runLoad({ name, concurrency, requests, warmup = Math.min(50, requests), request }) {
  for (let index = 0; index < warmup; index++) await (await request(-1 - index)).arrayBuffer();
  const latencies = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const index = next++;
        const begin = performance.now();
        try {
          const response = await request(index);
          await response.arrayBuffer();
          if (response.status >= 400) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - begin);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (value) => Math.round(value * 100) / 100;
  return {
    name,
    concurrency,
    requests,
    errors,
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    rps: Math.round(requests / elapsed),
  };
}
