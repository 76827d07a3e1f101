#!/usr/bin/env node
/**
 * `npm run bench`: the gateway measured side by side with bare ceilings in the same runtime
 * (workerd, inspector off, loopback), phase by phase, each on a fresh stack:
 * edge (status and submit), callbacks, media copy, media serving, the cost of a job
 * (metered stack), 5,000 jobs at once, and the bundle. Prints the tables and writes
 * bench/results.json (every figure, the machine's load while it ran, and `targets`).
 *
 *   npm run bench                  the full run (about 15 minutes)
 *   npm run bench -- --quick       smaller samples, for a smoke check
 *   npm run bench -- --only media  one phase (edge, callbacks, copy, media, cost, scale, bundle);
 *                                  written to bench/results-<phase>.json, no targets
 *   --rounds N                     repeat the biggest copy N times and report medians
 *
 * Ports: BENCH_PORT (default 9811) for the gateway and the next one for the emulator.
 * Method, history and findings: bench/README.md.
 */
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { writeFileSync } from "node:fs";
import { costOfPath } from "./lib/cost-model.mjs";
import { pricesReadOn } from "./lib/prices.mjs";
import { report } from "./lib/report.mjs";
import { startBenchStack } from "./lib/stack.mjs";
import { computeTargets } from "./lib/targets.mjs";
import { bundlePhase } from "./phases/bundle.mjs";
import { callbacksPhase } from "./phases/callbacks.mjs";
import { copyPhase } from "./phases/copy.mjs";
import { costPhase } from "./phases/cost.mjs";
import { edgePhase } from "./phases/edge.mjs";
import { mediaPhase } from "./phases/media.mjs";
import { scalePhase } from "./phases/scale.mjs";

const argument = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const quick = process.argv.includes("--quick");
const only = argument("--only");
const rounds = Math.max(1, Number(argument("--rounds")) || 1);

// The machine is shared: its load is sampled through the run and kept with the figures.
const load = [];
const sampleLoad = () => load.push({ at: new Date().toISOString(), load1: Math.round(loadavg()[0] * 100) / 100 });
sampleLoad();
const loadTimer = setInterval(sampleLoad, 15_000);
const uptime = () => execFileSync("uptime", { encoding: "utf8" }).trim();
const machine = { node: process.version, date: new Date().toISOString(), quick, uptime_start: uptime() };

/** Runs `phase` on a fresh stack (thousands of objects from one phase would slow the next). */
async function onFreshStack(options, phase) {
  const stack = await startBenchStack(options);
  try {
    return await phase(stack);
  } finally {
    await stack.stop();
  }
}

const phases = {
  edge: () => onFreshStack({}, (stack) => edgePhase(stack, { quick })),
  callbacks: () => onFreshStack({}, (stack) => callbacksPhase(stack, { quick })),
  copy: () => onFreshStack({}, (stack) => copyPhase(stack, { quick, rounds })),
  // One stack per size: local R2 slows down as it fills.
  media: async () => [
    ...(await onFreshStack({}, (stack) => mediaPhase(stack, { quick, sizes: ["1 MB"] }))),
    ...(await onFreshStack({}, (stack) => mediaPhase(stack, { quick, sizes: ["50 MB"] }))),
  ],
  cost: async () => {
    const measured = await onFreshStack({ meter: true, pollMs: null }, (stack) => costPhase(stack, { quick }));
    const model = Object.fromEntries(Object.entries(measured.paths).map(([provider, path]) => [provider, costOfPath(provider, path, measured.provider_prices[provider])]));
    return { ...measured, prices_read_on: pricesReadOn, model };
  },
  scale: () => onFreshStack({ pollMs: null, meter: true }, (stack) => scalePhase(stack, { quick })),
  bundle: async () => bundlePhase(),
};

const results = { machine };
try {
  for (const [name, run] of Object.entries(phases)) {
    if (only && name !== only) continue;
    results[name] = await run();
  }
} finally {
  clearInterval(loadTimer);
}
sampleLoad();
const loads = load.map((sample) => sample.load1);
machine.uptime_end = uptime();
machine.load = { min: Math.min(...loads), max: Math.max(...loads), mean: Math.round((loads.reduce((a, b) => a + b, 0) / loads.length) * 100) / 100, samples: load };

if (only) {
  writeFileSync(new URL(`./results-${only}.json`, import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results[only], null, 2));
} else {
  results.targets = computeTargets(results);
  writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log(report(results));
}
