#!/usr/bin/env node
/**
 * `npm run bench`: edge overhead, callback path, media copy, fan-out and bundle size,
 * measured side by side in one run on the local stack (workerd, inspector off, loopback).
 * Prints a table and writes bench/results.json (every figure, and `targets`).
 *
 * Quick run (smaller samples, for a smoke check): `npm run bench -- --quick`.
 */
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { runInterleaved, runLoad } from "./lib/load.mjs";
import { sampleRss } from "./lib/memory.mjs";
import { startBenchStack } from "./lib/stack.mjs";

const quick = process.argv.includes("--quick");
const MiB = 1024 * 1024;
const devSecret = "wan-edge-development-server-secret-not-for-production";
const headers = { authorization: "Bearer wan-edge-dev-key", "content-type": "application/json" };
const i2v = (seed) => JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: "https://example.com/cat.png", seed }, provider: "evolink" });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const progress = (text) => process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${text}\n`);

/** The JSON of a response, or an error that says which request failed and how. */
async function json(response, what) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what}: HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
}

// Each phase gets a fresh stack: the edge phase leaves thousands of SQLite-backed objects
// behind, and local workerd runs out of SQLite memory if later phases pile onto them.
// Comparisons stay within one stack.
let stack = await startBenchStack();
let { gatewayUrl, emulatorUrl, gatewayPid } = stack;

const faults = (plan) => fetch(`${emulatorUrl}/__control/faults`, { method: "PUT", body: JSON.stringify(plan) });
const clearFaults = () => fetch(`${emulatorUrl}/__control/faults`, { method: "DELETE" });
const forget = () => fetch(`${emulatorUrl}/__control/state`, { method: "DELETE" });
// Local R2 gets slower as it fills (measured: a second 500 MB copy into a bucket holding
// 2.5 GB took twice as long), so every copy measurement starts from an empty bucket.
const clearMedia = async () => json(await fetch(`${gatewayUrl}/__bench/clear-media`, { method: "POST" }), "clear media");
const postJob = (seed) => fetch(`${gatewayUrl}/v1/jobs`, { method: "POST", headers, body: i2v(seed) });
const getJob = async (id) => json(await fetch(`${gatewayUrl}/v1/jobs/${id}`, { headers }), `GET job ${id}`);

async function untilTerminal(id, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(id);
    if (["completed", "failed", "canceled"].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} not terminal in time`);
    await sleep(25);
  }
}

/** The median of numbers (the lower middle for an even count). */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/**
 * The job once an upstream has accepted it. A POST answers with the accepted attempt unless
 * the create took longer than the answer budget; then the job is read until it has one.
 */
async function accepted(job) {
  for (let tries = 0; job.attempts.length === 0; tries++) {
    if (tries > 400) throw new Error(`job ${job.id} was never accepted upstream`);
    await sleep(25);
    job = await getJob(job.id);
  }
  return job;
}

async function upstreamCompletedAt(upstreamId) {
  const tasks = await json(await fetch(`${emulatorUrl}/__control/tasks`), "emulator tasks");
  const task = tasks.find((candidate) => candidate.id === upstreamId);
  return task.created_at + task.duration_ms;
}

const results = { machine: { node: process.version, date: new Date().toISOString() }, edge: [], callbacks: {}, copy: [], fanout: {}, bundle: {} };

try {
  // 1. Edge overhead -----------------------------------------------------------------------
  await faults({ provider: "evolink", duration_ms: 3_600_000, callback_drop_rate: 1 });
  const statusJob = await json(await postJob(1), "first job");
  const directBody = JSON.stringify({ model: "wan2.7-image-to-video", generation_mode: "first_frame", image_start: "https://example.com/cat.png", quality: "720p", duration: 5, prompt_extend: false });
  for (const concurrency of [16, 1]) {
    // Bounded: each submit and each bare create-DO call opens a new SQLite-backed object, and
    // local workerd runs out of SQLite memory somewhere past a few thousand open at once.
    const requests = quick ? (concurrency === 1 ? 100 : 400) : concurrency === 1 ? 300 : 1000;
    const runs = [
      ["bare route", () => fetch(`${gatewayUrl}/__bench/bare`)],
      ["status GET /v1/jobs/{id}", () => fetch(`${gatewayUrl}/v1/jobs/${statusJob.id}`, { headers })],
      ["bare create-DO + row", (index) => fetch(`${gatewayUrl}/__bench/do-write`, { method: "POST", body: `row ${index}` })],
      ["direct emulator create", () => fetch(`${emulatorUrl}/evolink/v1/videos/generations`, { method: "POST", headers: { authorization: "Bearer x", "content-type": "application/json" }, body: directBody })],
      // Warm-ups come with negative indices: keep their seeds valid so they warm the whole path.
      ["submit POST /v1/jobs", (index) => postJob(Math.abs(index) + 2)],
    ];
    progress(`edge: ${runs.length} routes side by side at ${concurrency} connection${concurrency === 1 ? "" : "s"}`);
    results.edge.push(...(await runInterleaved(runs.map(([name, request]) => ({ name, request })), { concurrency, requests })));
    await forget(); // keep the emulator's task list small between rounds
  }

  // 2. Callback path -----------------------------------------------------------------------
  await stack.stop();
  stack = await startBenchStack();
  ({ gatewayUrl, emulatorUrl, gatewayPid } = stack);
  const running = [];
  progress("callbacks");
  for (let index = 0; index < (quick ? 10 : 50); index++) running.push(await accepted(await json(await postJob(10_000 + index), "callback job")));
  const token = (id) => createHmac("sha256", devSecret).update(`callback:${id}`).digest("base64url");
  const callbackRequests = quick ? 500 : 2000;
  results.callbacks.absorb = await runLoad({
    name: "provider callbacks (duplicates)",
    concurrency: 16,
    requests: callbackRequests,
    warmup: 0,
    request: (index) => {
      const job = running[Math.abs(index) % running.length];
      return fetch(`${gatewayUrl}/callbacks/evolink/${job.id}/${token(job.id)}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: job.attempts[0].upstream_id, status: "processing" }) });
    },
  });
  await faults({ provider: "evolink", duration_ms: 1000 });
  const latencies = [];
  for (let index = 0; index < (quick ? 5 : 20); index++) {
    const job = await untilTerminal((await json(await postJob(20_000 + index), "latency job")).id);
    latencies.push(Date.parse(job.completed_at) - (await upstreamCompletedAt(job.attempts.at(-1).upstream_id)));
  }
  latencies.sort((a, b) => a - b);
  results.callbacks.completion = { runs: latencies.length, p50_ms: latencies[Math.floor(latencies.length / 2)], max_ms: latencies.at(-1), samples_ms: latencies };
  await forget();

  // The callback phase's jobs are hour-long tasks: cancel them so that they never poll in
  // the middle of the copy measurements, and copy on a fresh stack of its own.
  for (const job of running) await fetch(`${gatewayUrl}/v1/jobs/${job.id}/cancel`, { method: "POST", headers });
  await stack.stop();
  stack = await startBenchStack();
  ({ gatewayUrl, emulatorUrl, gatewayPid } = stack);

  // 3. Media copy --------------------------------------------------------------------------
  // Local R2's write speed swings from run to run on this shared machine: `--rounds N` runs
  // the biggest size N times, interleaved (pipe, with length, without), and reports medians.
  // (Left at 1 by default: some 70 s into the 3-round runs, wrangler's dev proxy answered
  // "Your worker restarted mid-request": most likely local workerd resetting a client's
  // keep-alive connection after objects are evicted during a long request; see the README.)
  const sizes = quick ? [10, 100] : [10, 100, 500];
  const roundsArgument = process.argv.indexOf("--rounds");
  const biggestRounds = roundsArgument > 0 ? Math.max(1, Number(process.argv[roundsArgument + 1]) || 1) : 1;
  for (const megabytes of sizes) {
    const bytes = megabytes * MiB;
    const rounds = megabytes === sizes.at(-1) ? biggestRounds : 1;
    const samples = { pipe_ms: [], with_length_ms: [], without_length_ms: [] };
    const row = { megabytes, rounds, pipe_peak_rss_mb: 0, with_length_peak_rss_mb: 0, without_length_peak_rss_mb: 0 };
    for (let round = 0; round < rounds; round++) {
      progress(`copy ${megabytes} MB${rounds > 1 ? ` (round ${round + 1}/${rounds})` : ""}`);
      // The ceiling: a bare route piping the same emulator file into R2.put with a known length.
      await faults({ provider: "evolink", duration_ms: 200, media_bytes: bytes, callback_drop_rate: 1 });
      const probe = await accepted(await json(await postJob(30_000 + megabytes * 10 + round), "probe job")); // any task of that size gives a file URL
      const tasks = await json(await fetch(`${emulatorUrl}/__control/tasks`), "emulator tasks");
      const fileUrl = tasks.find((task) => task.id === probe.attempts[0].upstream_id).output_urls[0];
      // Only its file is wanted: cancel the probe so that it never copies in the background
      // (its poll comes a minute later, in the middle of a later measurement).
      await fetch(`${gatewayUrl}/v1/jobs/${probe.id}/cancel`, { method: "POST", headers });
      await sleep(300);
      await clearMedia();
      const pipeStarted = Date.now();
      const pipeSampler = sampleRss(gatewayPid);
      const pipe = await json(await fetch(`${gatewayUrl}/__bench/pipe?url=${encodeURIComponent(fileUrl)}`, { method: "POST" }), "bare pipe");
      row.pipe_peak_rss_mb = Math.max(row.pipe_peak_rss_mb, Math.round(pipeSampler.stop() / MiB));
      samples.pipe_ms.push(Date.now() - pipeStarted);
      row.pipe_bytes = pipe.bytes;
      for (const [label, noLength] of [["with_length", false], ["without_length", true]]) {
        await clearMedia();
        await faults({ provider: "evolink", duration_ms: 200, media_bytes: bytes, media_no_length: noLength });
        const sampler = sampleRss(gatewayPid);
        const job = await untilTerminal((await json(await postJob(40_000 + megabytes * 10 + round * 2 + (noLength ? 1 : 0)), "copy job")).id, 300_000);
        const peak = sampler.stop();
        if (job.status !== "completed") throw new Error(`copy job failed: ${JSON.stringify(job.error)}`);
        samples[`${label}_ms`].push(Date.parse(job.completed_at) - (await upstreamCompletedAt(job.attempts.at(-1).upstream_id)));
        row[`${label}_peak_rss_mb`] = Math.max(row[`${label}_peak_rss_mb`], Math.round(peak / MiB));
      }
      await forget();
    }
    for (const [name, values] of Object.entries(samples)) row[name] = median(values);
    if (rounds > 1) row.samples = samples;
    results.copy.push(row);
  }
  await clearFaults();

  // 4. Fan-out -----------------------------------------------------------------------------
  const fanout = quick ? 100 : 500;
  progress(`fan-out ${fanout}`);
  const fanStarted = Date.now();
  const ids = [];
  await runLoad({ name: "fan-out submit", concurrency: 32, requests: fanout, warmup: 0, request: async (index) => {
    const response = await postJob(50_000 + index);
    ids.push((await json(response.clone(), "fan-out job")).id);
    return response;
  } });
  const statuses = {};
  await Promise.all(Array.from({ length: 16 }, async (_, worker) => {
    for (let index = worker; index < ids.length; index += 16) {
      const job = await untilTerminal(ids[index], 600_000);
      statuses[job.status] = (statuses[job.status] ?? 0) + 1;
    }
  }));
  results.fanout = { jobs: fanout, wall_ms: Date.now() - fanStarted, statuses, failures: fanout - (statuses.completed ?? 0) };
} finally {
  await stack.stop();
}

// 5. Bundle ----------------------------------------------------------------------------------
const outdir = mkdtempSync(join(tmpdir(), "wan-edge-bundle-"));
execFileSync("npx", ["wrangler", "deploy", "--env", "production", "--dry-run", "--outdir", outdir], { stdio: "ignore", env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false" } });
const bundle = readFileSync(join(outdir, "index.js"));
const text = bundle.toString("utf8");
results.bundle = {
  bytes: bundle.length,
  gzip_bytes: gzipSync(bundle, { level: 9 }).length,
  emulator_absent: !["wan-edge provider emulator", "__control", "createEmulator", "task-unified-"].some((marker) => text.includes(marker)),
};
rmSync(outdir, { recursive: true, force: true });

// Targets ------------------------------------------------------------------------------------
const edge = (name, concurrency) => results.edge.find((row) => row.name === name && row.concurrency === concurrency);
const ratio = (a, b) => Math.round((a / b) * 1000) / 1000;
const target = (value, goal, met) => ({ value, target: goal, met });
const biggest = results.copy.at(-1);
const smallest = results.copy[0];
const copyPeak = (row) => Math.max(row.with_length_peak_rss_mb, row.without_length_peak_rss_mb);
for (const row of results.copy) row.gateway_added_rss_mb = copyPeak(row) - row.pipe_peak_rss_mb;
results.copy_memory = {
  process_growth_mb: copyPeak(biggest) - copyPeak(smallest),
  bare_pipe_growth_mb: biggest.pipe_peak_rss_mb - smallest.pipe_peak_rss_mb,
  gateway_added_growth_mb: biggest.gateway_added_rss_mb - smallest.gateway_added_rss_mb,
};
results.targets = {
  status_rps_vs_bare: target(ratio(edge("status GET /v1/jobs/{id}", 16).rps, edge("bare route", 16).rps), "≥ 0.5", ratio(edge("status GET /v1/jobs/{id}", 16).rps, edge("bare route", 16).rps) >= 0.5),
  status_p99_vs_bare: target(ratio(edge("status GET /v1/jobs/{id}", 16).p99_ms, edge("bare route", 16).p99_ms), "≤ 3", ratio(edge("status GET /v1/jobs/{id}", 16).p99_ms, edge("bare route", 16).p99_ms) <= 3),
  submit_rps_vs_do_write: target(ratio(edge("submit POST /v1/jobs", 16).rps, edge("bare create-DO + row", 16).rps), "≥ 0.7", ratio(edge("submit POST /v1/jobs", 16).rps, edge("bare create-DO + row", 16).rps) >= 0.7),
  submit_p50_at_1_ms: (() => {
    const limit = Math.round((edge("bare create-DO + row", 1).p50_ms + edge("direct emulator create", 1).p50_ms + 2) * 100) / 100;
    return target(edge("submit POST /v1/jobs", 1).p50_ms, `≤ ${limit} (DO route p50 + emulator p50 + 2 ms)`, edge("submit POST /v1/jobs", 1).p50_ms <= limit);
  })(),
  callback_to_completed_p50_ms: target(results.callbacks.completion.p50_ms, "< 50", results.callbacks.completion.p50_ms < 50),
  copy_with_length_vs_pipe: target(ratio(biggest.with_length_ms, biggest.pipe_ms), "≤ 1.3", ratio(biggest.with_length_ms, biggest.pipe_ms) <= 1.3),
  copy_without_length_vs_pipe: target(ratio(biggest.without_length_ms, biggest.pipe_ms), "≤ 1.6", ratio(biggest.without_length_ms, biggest.pipe_ms) <= 1.6),
  // The runtime's process also holds local R2 (Miniflare's simulator, in the same workerd),
  // whose own memory grows with the first large writes: the bare pipe shows it. The target is
  // read on what the gateway adds above the pipe on the same file (both figures are kept).
  copy_peak_memory_growth_mb: target(
    results.copy_memory.gateway_added_growth_mb,
    `< 64 (gateway copy peak above the bare pipe's, at ${biggest.megabytes} MB minus at ${smallest.megabytes} MB)`,
    results.copy_memory.gateway_added_growth_mb < 64,
  ),
  fanout_completed: target(`${results.fanout.statuses.completed ?? 0}/${results.fanout.jobs}`, `${results.fanout.jobs}/${results.fanout.jobs}`, results.fanout.failures === 0),
  bundle_gzip_kb: target(Math.round(results.bundle.gzip_bytes / 102.4) / 10, "≤ 150, emulator absent", results.bundle.gzip_bytes <= 150 * 1024 && results.bundle.emulator_absent),
};

writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log("\nEdge overhead (loopback, same runtime)");
console.log("| route | conc | p50 ms | p99 ms | req/s | errors |\n|---|---|---|---|---|---|");
for (const row of results.edge) console.log(`| ${row.name} | ${row.concurrency} | ${row.p50_ms} | ${row.p99_ms} | ${row.rps} | ${row.errors} |`);
console.log(`\nCallbacks: ${results.callbacks.absorb.rps} callbacks/s absorbed (${results.callbacks.absorb.errors} errors); upstream completion → completed p50 ${results.callbacks.completion.p50_ms} ms (max ${results.callbacks.completion.max_ms})`);
console.log("\nMedia copy (ms; peak RSS of the gateway's workerd in MB)");
console.log("| size MB | bare pipe | with length | without length | peak RSS pipe / with / without | gateway above pipe |\n|---|---|---|---|---|---|");
for (const row of results.copy) console.log(`| ${row.megabytes} | ${row.pipe_ms} | ${row.with_length_ms} | ${row.without_length_ms} | ${row.pipe_peak_rss_mb} / ${row.with_length_peak_rss_mb} / ${row.without_length_peak_rss_mb} | ${row.gateway_added_rss_mb} |`);
console.log(`Peak RSS growth ${smallest.megabytes} → ${biggest.megabytes} MB: process ${results.copy_memory.process_growth_mb} MB, of which the bare pipe (local R2) ${results.copy_memory.bare_pipe_growth_mb} MB; the gateway's own ${results.copy_memory.gateway_added_growth_mb} MB`);
console.log(`\nFan-out: ${JSON.stringify(results.fanout)}`);
console.log(`Bundle: ${results.bundle.gzip_bytes} bytes gzip, emulator absent: ${results.bundle.emulator_absent}`);
console.log("\nTargets");
console.log("| target | value | goal | met |\n|---|---|---|---|");
for (const [name, row] of Object.entries(results.targets)) console.log(`| ${name} | ${row.value} | ${row.target} | ${row.met ? "yes" : "NO"} |`);
