#!/usr/bin/env node
/**
 * Time from upstream completion to `completed` (outputs in R2), through the real local
 * stack: gateway + emulator in workerd, inspector off, EvoLink personality with callbacks.
 *
 *   node bench/completion-latency.mjs [runs=10]      (ports: BENCH_PORT, default 9831, and the next)
 *
 * Upstream completion is the emulator task's `created_at + duration_ms` (when it turns
 * `completed` and fires the callback); `completed` is the job's `completed_at`. Both clocks
 * are this machine's.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack } from "../scripts/local-stack.mjs";

const runs = Number(process.argv[2] ?? 10);
const persist = mkdtempSync(join(tmpdir(), "wan-edge-bench-"));
const port = Number(process.env.BENCH_PORT ?? 9831);
const stack = await startLocalStack({ gatewayPort: port, emulatorPort: port + 1, persist });
const headers = { authorization: "Bearer wan-edge-dev-key", "content-type": "application/json" };

async function faults(plan) {
  await fetch(`${stack.emulatorUrl}/__control/faults`, { method: "PUT", body: JSON.stringify(plan) });
}

async function oneJob(seed) {
  const body = { model: "wan2.7-i2v", input: { first_frame: "https://example.com/cat.png", seed } };
  const created = await (await fetch(`${stack.gatewayUrl}/v1/jobs`, { method: "POST", headers, body: JSON.stringify(body) })).json();
  let job = created;
  while (!["completed", "failed"].includes(job.status)) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    job = await (await fetch(`${stack.gatewayUrl}/v1/jobs/${created.id}`, { headers })).json();
  }
  if (job.status !== "completed") throw new Error(`job failed: ${JSON.stringify(job.error)}`);
  const tasks = await (await fetch(`${stack.emulatorUrl}/__control/tasks`)).json();
  const task = tasks.find((candidate) => candidate.id === job.attempts.at(-1).upstream_id);
  return Date.parse(job.completed_at) - (task.created_at + task.duration_ms);
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

const results = {};
try {
  for (const [label, plan, count] of [
    ["small (988 B)", { provider: "evolink", duration_ms: 1000 }, runs],
    ["50 MiB, Content-Length", { provider: "evolink", duration_ms: 1000, media_bytes: 50 * 1024 * 1024 }, Math.max(3, Math.ceil(runs / 3))],
    ["50 MiB, no Content-Length", { provider: "evolink", duration_ms: 1000, media_bytes: 50 * 1024 * 1024, media_no_length: true }, Math.max(3, Math.ceil(runs / 3))],
  ]) {
    await faults(plan);
    const samples = [];
    for (let index = 0; index < count; index++) {
      samples.push(await oneJob(index + 1));
      await fetch(`${stack.emulatorUrl}/__control/state`, { method: "DELETE" }); // keep /tasks cheap
    }
    results[label] = { runs: count, p50_ms: percentile(samples, 50), max_ms: Math.max(...samples), samples_ms: samples };
  }
} finally {
  await stack.stop();
  rmSync(persist, { recursive: true, force: true });
}

console.log("upstream completion → job completed (ms)");
for (const [label, result] of Object.entries(results)) {
  console.log(`${label.padEnd(28)} runs ${String(result.runs).padStart(3)}   p50 ${String(result.p50_ms).padStart(6)}   max ${String(result.max_ms).padStart(6)}`);
}
console.log(JSON.stringify(results));
