/**
 * @module bench/phases/scale — 5,000 jobs submitted at once (32 client connections), half
 * to EvoLink (callbacks), half to DashScope (poll-only, under its account-wide budget of 20
 * task reads per second), all to completion, on the providers' own polling cadence.
 *
 * Measured: submit errors, every job's final status (each read once at the end), the time
 * to drain (first submit → no job queued or running in the tenant listing), the peak
 * resident memory of the gateway's workerd, and DashScope's reads as the emulator received
 * them (`GET /__control/log`, collected every 4 s: it keeps the last 10,000 requests): the
 * most in any one-second window, and the mean; and, the stack being metered
 * (bench/worker/meter.ts), when each of them left the gateway.
 */
import { readdirSync, readlinkSync } from "node:fs";
import { runLoad } from "../lib/load.mjs";
import { sampleRss } from "../lib/memory.mjs";
import { apiHeaders, busiestWindow, client, dashscopeReadsAtEmulator, json, MiB, progress, sleep } from "../lib/client.mjs";

const sum = (tally) => Object.values(tally ?? {}).reduce((total, value) => total + value, 0);
const round2 = (value) => Math.round(value * 100) / 100;

/** Every job of the dev tenant's index with its status (read from the index alone). */
async function listed(gatewayUrl) {
  return json(await fetch(`${gatewayUrl}/__bench/listed/dev`), "tenant index");
}

/** How many job objects' SQLite databases process `pid` has open. */
function openJobDatabases(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
      try {
        return /JobObject\/[^/]+\.sqlite$/.test(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false;
      }
    }).length;
  } catch {
    return 0;
  }
}

export async function scalePhase(stack, { quick }) {
  const { gatewayUrl, emulatorUrl, gatewayPid } = stack;
  const api = client(stack);
  const jobs = quick ? 500 : 5000;
  progress(`scale: ${jobs} jobs at once`);
  await api.clearFaults();
  const reads = new Map();
  const collect = async () => {
    for (const { key, at } of await dashscopeReadsAtEmulator(emulatorUrl)) reads.set(key, at);
  };
  let collecting = true;
  const collector = (async () => {
    while (collecting) {
      await collect();
      await sleep(4000);
    }
  })();
  await json(await fetch(`${gatewayUrl}/__bench/meter/reset`, { method: "POST" }), "meter reset");
  const memory = sampleRss(gatewayPid, 100);
  // Objects in memory: the job databases the gateway's workerd holds open, sampled each second.
  let openPeak = 0;
  const openSampler = setInterval(() => (openPeak = Math.max(openPeak, openJobDatabases(gatewayPid))), 1000);
  const started = Date.now();
  const ids = [];
  const refused = [];
  const retried = [];
  const submits = await runLoad({
    name: "scale submits",
    concurrency: 32,
    requests: jobs,
    warmup: 0,
    // As a client should: a submit whose answer is lost (a 503 or a reset connection: local
    // workerd resets some keep-alive connections under this load, and wrangler's dev proxy
    // answers "Your worker restarted mid-request") is sent again with the same
    // Idempotency-Key, and meets the job the first one stored.
    request: async (index) => {
      const body = api.i2v(100_000 + index, { provider: index % 2 === 0 ? "evolink" : "dashscope" });
      for (let attempt = 1; ; attempt++) {
        const response = await fetch(`${gatewayUrl}/v1/jobs`, { method: "POST", headers: { ...apiHeaders, "idempotency-key": `scale-${index}` }, body }).catch((error) => error);
        const lost = response instanceof Error || response.status === 503;
        if (lost && attempt < 4) {
          retried.push(response instanceof Error ? String(response.cause?.code ?? response.message) : (await response.text()).slice(0, 80));
          await sleep(200 * attempt);
          continue;
        }
        if (response instanceof Error) throw response;
        if (response.ok) ids.push((await json(response.clone(), "scale job")).id);
        else if (refused.length < 5) refused.push({ status: response.status, body: (await response.clone().text()).slice(0, 300) });
        return response;
      }
    },
  });
  const submittedMs = Date.now() - started;
  progress(`scale: ${ids.length} submitted in ${(submittedMs / 1000).toFixed(1)} s; draining`);
  let drainedMs = null;
  for (let waited = 0; waited < 1_200_000; waited += 3000) {
    await sleep(3000);
    const open = (await listed(gatewayUrl)).filter((entry) => entry.status === "queued" || entry.status === "running").length;
    if (open === 0) {
      drainedMs = Date.now() - started;
      break;
    }
    if (waited % 30_000 === 0) progress(`scale: ${open} jobs still open`);
  }
  const peakRss = memory.stop();
  clearInterval(openSampler);
  collecting = false;
  await collector;
  await collect();
  // The outcome of every job, from the tenant index (written from each job's committed
  // state), read from the index's own table; then a sample of the jobs read one by one.
  // Reading all 5,000 (or listing them through `GET /v1/jobs`, which reads every listed job)
  // wakes 5,000 objects within seconds, and local workerd — every object in one process —
  // runs out of SQLite memory past ~1,000–2,000 open at once (SQLITE_NOMEM; README).
  const statuses = {};
  const statusOf = new Map((await listed(gatewayUrl)).map((entry) => [entry.id, entry.status]));
  for (const id of ids) statuses[statusOf.get(id) ?? "not listed"] = (statuses[statusOf.get(id) ?? "not listed"] ?? 0) + 1;
  const unlisted = statuses["not listed"] ?? 0;
  const sample = ids.filter((_, index) => index % Math.max(1, Math.floor(ids.length / 200)) === 0);
  const sampled = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < sample.length) {
        const job = await api.getJob(sample[next++]);
        const state = job.status === "completed" && job.outputs?.length > 0 ? "completed with outputs" : typeof job.status === "number" ? `HTTP ${job.status}` : job.status;
        sampled[state] = (sampled[state] ?? 0) + 1;
      }
    }),
  );
  // The stack is metered (bench/worker/meter.ts): when each DashScope read left the gateway.
  const counted = await json(await fetch(`${gatewayUrl}/__bench/meter`), "meter");
  const sent = (counted.dashscope_read_times ?? []).sort((a, b) => a - b);
  // Reads that waited for a reserved slot: how late after their slot they left.
  const lateness = (counted.dashscope_slots ?? []).map(({ slot, sent: at }) => at - slot).sort((a, b) => a - b);
  const slotTimes = (counted.dashscope_slots ?? []).map(({ slot }) => slot).sort((a, b) => a - b);
  const at = (fraction) => (lateness.length ? lateness[Math.min(lateness.length - 1, Math.floor(fraction * lateness.length))] : null);
  const times = [...reads.values()].sort((a, b) => a - b);
  const span = times.length > 1 ? (times.at(-1) - times[0]) / 1000 : 0;
  // Reads per whole second from the first read: how often, and by how much, the budget is exceeded.
  const perSecond = [];
  for (const time of times) {
    const second = Math.floor((time - times[0]) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
  }
  return {
    jobs,
    submitted: ids.length,
    submit: submits,
    submitted_ms: submittedMs,
    drained_ms: drainedMs,
    statuses,
    failures: jobs - (statuses.completed ?? 0),
    unlisted,
    sample_read: { jobs: sample.length, ...sampled },
    peak_rss_mb: Math.round(peakRss / MiB),
    peak_job_objects_open: openPeak,
    dashscope_reads: {
      total: times.length,
      max_in_any_second: busiestWindow(times, 1000),
      sent_by_gateway: sent.length,
      sent_max_in_any_second: busiestWindow(sent, 1000),
      deferred: lateness.length,
      deferred_slots_max_in_any_second: busiestWindow(slotTimes, 1000),
      deferred_late_ms: { p50: at(0.5), p90: at(0.9), max: lateness.at(-1) ?? null, over_100ms: lateness.filter((ms) => ms > 100).length },
      mean_per_second: span > 0 ? Math.round((times.length / span) * 10) / 10 : null,
      seconds_over_20: perSecond.filter((count) => count > 20).length,
      per_second: Array.from(perSecond, (count) => count ?? 0),
    },
    // What the 5,000 cost per job, counted as in the cost phase (client reads excluded: none here
    // but the listing of the drain checks, which reads only the tenant index).
    counted_per_job: {
      do_requests: round2((sum(counted.do_requests) + sum(counted.alarms)) / jobs),
      rows_read: round2(counted.rows_read / jobs),
      rows_written: round2((counted.rows_written + counted.alarm_writes) / jobs),
      r2: Object.fromEntries(Object.entries(counted.r2).map(([operation, count]) => [operation, round2(count / jobs)])),
      do_busy_seconds: round2(counted.do_busy_seconds / jobs),
    },
    refused,
    retried: { count: retried.length, reasons: [...new Set(retried)] },
  };
}
