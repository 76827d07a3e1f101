#!/usr/bin/env node
/**
 * A quick side-by-side probe of the submit path only (no copy, no fan-out): the same-work
 * submit ceiling, the bare create-DO route, the direct emulator create and `POST /v1/jobs`,
 * at 16 connections and 1, with the CPU milliseconds per request of each workerd process
 * and of the client. `node bench/edge-probe.mjs [requests]` — for profiling changes to the
 * submit path between full `npm run bench` runs. Ports: BENCH_PORT (default 9821 here).
 */
import { readFileSync } from "node:fs";
import { startBenchStack } from "./lib/stack.mjs";
import { runInterleaved } from "./lib/load.mjs";
import { edgeRoutes, submitRoutes } from "./phases/edge.mjs";

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const requests = Number(process.argv[2] ?? 400);
const stack = await startBenchStack({ port: Number(process.env.BENCH_PORT ?? 9821) });
const { emulatorUrl, stackPids } = stack;
// CPU time is reported per workerd process of the stack (wrangler's dev proxies, the
// emulator and the gateway), named by the port each listens on.
const portOf = (pid) => /entry=127\.0\.0\.1:(\d+)/.exec(readFileSync(`/proc/${pid}/cmdline`, "utf8"))?.[1] ?? "?";
const cpuAll = () => stackPids.map(cpuSeconds);
try {
  await fetch(`${emulatorUrl}/__control/faults`, { method: "PUT", body: JSON.stringify({ provider: "evolink", duration_ms: 3_600_000, callback_drop_rate: 1 }) });
  const rows = [];
  for (const concurrency of [16, 1]) {
    const count = concurrency === 1 ? Math.ceil(requests / 3) : requests;
    const runs = submitRoutes(stack, concurrency * 100_000);
    // Interleaved like `npm run bench`; CPU is summed over each route's slices (warm-ups out).
    const used = runs.map(() => ({ workerd: stackPids.map(() => 0), client: 0 }));
    let sliceStart = null;
    const onSlice = (index, edge) => {
      if (edge === "start") return void (sliceStart = [cpuAll(), process.cpuUsage()]);
      const client = process.cpuUsage(sliceStart[1]);
      cpuAll().forEach((seconds, pid) => (used[index].workerd[pid] += seconds - sliceStart[0][pid]));
      used[index].client += (client.user + client.system) / 1e6;
    };
    const measured = await runInterleaved(runs.map(([name, request]) => ({ name, request })), { concurrency, requests: count, onSlice });
    // CPU milliseconds per request in each process.
    const per = (seconds) => Math.round((seconds * 1000 * 100) / count) / 100;
    measured.forEach((row, index) => rows.push({ ...row, cpu_ms: { workerd: used[index].workerd.map(per), client: per(used[index].client) } }));
    await fetch(`${emulatorUrl}/__control/state`, { method: "DELETE" });
  }
  console.log(`| route | conc | p50 ms | p99 ms | req/s | errors | CPU ms/req: workerd by port ${stackPids.map(portOf).join(" / ")} · client |\n|---|---|---|---|---|---|---|`);
  for (const row of rows) console.log(`| ${row.name} | ${row.concurrency} | ${row.p50_ms} | ${row.p99_ms} | ${row.rps} | ${row.errors} | ${row.cpu_ms.workerd.join(" / ")} · ${row.cpu_ms.client} |`);
  const find = (name, concurrency) => rows.find((row) => row.name === name && row.concurrency === concurrency);
  console.log(`submit / same-work ceiling throughput at 16: ${(find(edgeRoutes.submit, 16).rps / find(edgeRoutes.sameWork, 16).rps).toFixed(2)} (target ≥ 0.85)`);
  console.log(`submit p50 at 1: ${find(edgeRoutes.submit, 1).p50_ms} ms vs limit ${(find(edgeRoutes.sameWork, 1).p50_ms + 1.5).toFixed(2)} ms (same-work ceiling + 1.5 ms)`);
} finally {
  await stack.stop();
}
