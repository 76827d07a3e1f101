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
  await warm(request, warmup);
  return summary(name, concurrency, await drive(concurrency, 0, requests, request));
}

/**
 * Several routes measured side by side: after each route's warm-up, the requests go in
 * `slices` rounds, every route taking its turn in each round (route A's slice, then B's, …).
 * The machine drifts during a run (local workerd's state folder grows with every new
 * object, and file creation gets slower with it), and interleaving gives every route the
 * same share of that drift; measured one after the other, the later route paid for it.
 * Each row sums its route's slices (throughput = its requests / its own elapsed time).
 *
 * A route may also have `before()` (awaited before each of its slices, not timed: e.g.
 * emptying a cache), `after()` (awaited at the end of each slice and timed with it: work the
 * route leaves running after its answers, e.g. cache fills), `warmup` (its own warm-up
 * count) and `observe(response)` (a label to tally per response, e.g. a cache header).
 * `onSlice(index, "start" | "end")` brackets every slice of route `index` (CPU accounting).
 * @param {{ name: string, request: (index: number) => Promise<Response>, before?: () => Promise<void>,
 *   after?: () => Promise<void>, warmup?: number, observe?: (response: Response) => string }[]} routes
 * @param {{ concurrency: number, requests: number, slices?: number, warmup?: number,
 *   onSlice?: (index: number, edge: "start" | "end") => void }} options
 */
export async function runInterleaved(routes, { concurrency, requests, slices = 10, warmup = Math.min(50, requests), onSlice = () => {} }) {
  for (const route of routes) await warm(route.request, route.warmup ?? warmup);
  const totals = routes.map(() => ({ latencies: [], errors: 0, seconds: 0, seen: {} }));
  const sliceSize = Math.ceil(requests / slices);
  for (let start = 0; start < requests; start += sliceSize) {
    for (const [index, route] of routes.entries()) {
      await route.before?.();
      onSlice(index, "start");
      const began = performance.now();
      const part = await drive(concurrency, start, Math.min(requests, start + sliceSize), route.request, route.observe);
      await route.after?.();
      onSlice(index, "end");
      const total = totals[index];
      total.latencies.push(...part.latencies);
      total.errors += part.errors;
      total.seconds += (performance.now() - began) / 1000;
      for (const [label, count] of Object.entries(part.seen)) total.seen[label] = (total.seen[label] ?? 0) + count;
    }
  }
  return routes.map((route, index) => summary(route.name, concurrency, totals[index]));
}

async function warm(request, count) {
  for (let index = 0; index < count; index++) await drain(await request(-1 - index));
}

/** Reads a body to its end without keeping it (a 50 MB answer need not become one buffer). */
async function drain(response) {
  if (!response.body) return;
  const reader = response.body.getReader();
  while (!(await reader.read()).done);
}

/** Requests `from` … `to` - 1 through `concurrency` closed-loop workers. */
async function drive(concurrency, from, to, request, observe) {
  const latencies = [];
  const seen = {};
  let errors = 0;
  let next = from;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < to) {
        const index = next++;
        const begin = performance.now();
        try {
          const response = await request(index);
          await drain(response);
          if (response.status >= 400) errors++;
          if (observe) {
            const label = observe(response);
            seen[label] = (seen[label] ?? 0) + 1;
          }
        } catch {
          errors++;
        }
        latencies.push(performance.now() - begin);
      }
    }),
  );
  return { latencies, errors, seen, seconds: (performance.now() - started) / 1000 };
}

function summary(name, concurrency, { latencies, errors, seconds, seen = {} }) {
  latencies.sort((a, b) => a - b);
  const round = (value) => Math.round(value * 100) / 100;
  return {
    name,
    concurrency,
    requests: latencies.length,
    errors,
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    rps: Math.round((latencies.length / seconds) * 10) / 10,
    ...(Object.keys(seen).length > 0 ? { seen } : {}),
  };
}
