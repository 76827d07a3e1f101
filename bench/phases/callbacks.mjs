/**
 * @module bench/phases/callbacks — provider callbacks absorbed (duplicates of a running
 * task's callback: each is checked and only hints the job), and the time from upstream
 * completion to `completed` (the callback, the re-read upstream, the copy into R2).
 */
import { createHmac } from "node:crypto";
import { runLoad } from "../lib/load.mjs";
import { client, json, median, progress } from "../lib/client.mjs";

const devSecret = "wan-edge-development-server-secret-not-for-production";
const token = (id) => createHmac("sha256", devSecret).update(`callback:${id}`).digest("base64url");

export async function callbacksPhase(stack, { quick }) {
  const { gatewayUrl } = stack;
  const api = client(stack);
  await api.faults({ provider: "evolink", duration_ms: 3_600_000, callback_drop_rate: 1 });
  progress("callbacks");
  const running = [];
  for (let index = 0; index < (quick ? 10 : 50); index++) running.push(await api.accepted(await json(await api.postJob(api.i2v(10_000 + index)), "callback job")));
  const absorb = await runLoad({
    name: "provider callbacks (duplicates)",
    concurrency: 16,
    requests: quick ? 500 : 2000,
    warmup: 0,
    request: (index) => {
      const job = running[Math.abs(index) % running.length];
      const attempt = job.attempts.find((candidate) => candidate.upstream_id);
      return fetch(`${gatewayUrl}/callbacks/evolink/${job.id}/${token(job.id)}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: attempt.upstream_id, status: "processing" }) });
    },
  });
  // The hour-long tasks are canceled so that they never poll in a later measurement.
  for (const job of running) await (await fetch(`${gatewayUrl}/v1/jobs/${job.id}/cancel`, { method: "POST", headers: { authorization: "Bearer wan-edge-dev-key" } })).arrayBuffer();
  await api.faults({ provider: "evolink", duration_ms: 1000 });
  progress("upstream completion → completed");
  const latencies = [];
  // Where the time goes: each step of the job's event log, after the upstream completion.
  const steps = {};
  for (let index = 0; index < (quick ? 5 : 20); index++) {
    const job = await api.untilTerminal((await json(await api.postJob(api.i2v(20_000 + index)), "latency job")).id);
    if (job.status !== "completed") throw new Error(`latency job ${job.id} ended ${job.status}: ${JSON.stringify(job.error)}`);
    const upstreamDone = await api.upstreamCompletedAt(job.attempts.at(-1).upstream_id);
    latencies.push(Date.parse(job.completed_at) - upstreamDone);
    for (const event of await json(await fetch(`${gatewayUrl}/__bench/job-events/${job.id}`), "job events")) {
      const after = Date.parse(event.at) - upstreamDone;
      if (after >= 0 && after <= latencies.at(-1)) (steps[event.type] ??= []).push(after);
    }
  }
  latencies.sort((a, b) => a - b);
  const breakdown = Object.fromEntries(Object.entries(steps).map(([type, values]) => [type, median(values)]).sort((a, b) => a[1] - b[1]));
  await api.forget();
  return { absorb, completion: { runs: latencies.length, p50_ms: latencies[Math.floor((latencies.length - 1) / 2)], max_ms: latencies.at(-1), samples_ms: latencies, steps_after_upstream_ms: breakdown } };
}
