#!/usr/bin/env node
/**
 * What serving a large object through the edge cache costs the gateway's memory, on the
 * local stack (workerd + Miniflare's Cache API and R2): `node bench/media-cache-memory.mjs
 * [--mb 480] [--rate-mb 20] [--port 9600]`.
 *
 * A job makes a video of `--mb` megabytes (the emulator pads its MP4); then the output is
 * read twice while the gateway workerd's resident memory is sampled every 20 ms:
 * 1. a cold read by a slow client (`--rate-mb` MB/s): served from R2 while the cache is
 *    filled in the background from a second R2 read;
 * 2. a warm read at full speed, from the cache.
 * Prints the baseline and the peak RSS of each read. A fill that buffered what the slow
 * client had not read yet (a `tee()` of one R2 stream) would show up in (1) as hundreds of MB.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack } from "../scripts/local-stack.mjs";
import { holdsPath, rssBytes, sampleRss, workerdPids } from "./lib/memory.mjs";

const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const megabytes = option("mb", 480);
const rateMb = option("rate-mb", 20);
const port = option("port", 9600);
const MB = 1_000_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes) => Math.round(bytes / MB);
const headers = { authorization: "Bearer wan-edge-dev-key", "content-type": "application/json" };


/** Reads `url` at about `bytesPerSecond` (0: as fast as it comes); returns bytes, seconds and X-Cache. */
async function read(url, bytesPerSecond) {
  const started = performance.now();
  const response = await fetch(url);
  let bytes = 0;
  for await (const chunk of response.body) {
    bytes += chunk.length;
    if (bytesPerSecond > 0) {
      const due = (bytes / bytesPerSecond) * 1000 - (performance.now() - started);
      if (due > 0) await sleep(due);
    }
  }
  return { status: response.status, cache: response.headers.get("x-cache"), bytes, seconds: (performance.now() - started) / 1000 };
}

process.env.X_LOCAL_EXPLORER = "false";
const persist = mkdtempSync(join(tmpdir(), "wan-edge-cache-memory-"));
const before = new Set(workerdPids());
const stack = await startLocalStack({ gatewayPort: port, emulatorPort: port + 1, persist });
try {
  await (await fetch(`${stack.gatewayUrl}/healthz`)).arrayBuffer();
  const pids = workerdPids().filter((pid) => !before.has(pid));
  const gatewayPid = pids.find((pid) => holdsPath(pid, persist)) ?? pids.at(-1);
  // Every workerd of the stack (the gateway's, the dev proxy's, the emulator's) and this Node process.
  const total = { pid: "all", rss: () => pids.reduce((sum, pid) => sum + rssBytes(pid), 0) };

  await fetch(`${stack.emulatorUrl}/__control/faults`, { method: "PUT", body: JSON.stringify({ provider: "evolink", media_bytes: megabytes * MB, duration_ms: 500 }) });
  const created = await (await fetch(`${stack.gatewayUrl}/v1/jobs`, { method: "POST", headers, body: JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: "https://example.com/cat.png" }, provider: "evolink" }) })).json();
  let job = created;
  const deadline = Date.now() + 600_000;
  while (!["completed", "failed", "canceled"].includes(job.status)) {
    if (Date.now() > deadline) throw new Error(`job ${job.id} still ${job.status}`);
    await sleep(500);
    job = await (await fetch(`${stack.gatewayUrl}/v1/jobs/${created.id}`, { headers })).json();
  }
  if (job.status !== "completed") throw new Error(`job ${job.id} ${job.status}: ${JSON.stringify(job.error)}`);
  const url = job.outputs[0].url;
  await sleep(2000);
  const baseline = rssBytes(gatewayPid);
  const totalBaseline = total.rss();
  let totalPeak = totalBaseline;
  const totalTimer = setInterval(() => (totalPeak = Math.max(totalPeak, total.rss())), 20);

  const coldSampler = sampleRss(gatewayPid);
  const cold = await read(url, rateMb * MB);
  // The fill runs on after the client's read when the client was faster; wait for it.
  let fillWait = 0;
  while ((await fetch(url, { method: "HEAD" })).headers.get("x-cache") !== "HIT" && fillWait < 120) {
    await sleep(1000);
    fillWait++;
  }
  const coldPeak = coldSampler.stop();
  clearInterval(totalTimer);

  await sleep(2000);
  const warmBase = rssBytes(gatewayPid);
  const warmSampler = sampleRss(gatewayPid);
  const warm = await read(url, 0);
  const warmPeak = warmSampler.stop();

  console.log(
    JSON.stringify(
      {
        object_mb: mb(job.outputs[0].bytes),
        gateway_baseline_rss_mb: mb(baseline),
        stack_processes: pids.length,
        stack_cold_added_mb: mb(totalPeak - totalBaseline),
        cold: { ...cold, mb: mb(cold.bytes), client_rate_mb_s: rateMb, peak_rss_mb: mb(coldPeak), added_mb: mb(coldPeak - baseline), fill_done_after_read_s: fillWait },
        warm: { ...warm, mb: mb(warm.bytes), peak_rss_mb: mb(warmPeak), added_mb: mb(warmPeak - warmBase) },
      },
      null,
      2,
    ),
  );
} finally {
  await stack.stop();
  rmSync(persist, { recursive: true, force: true });
}
