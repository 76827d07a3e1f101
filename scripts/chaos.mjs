#!/usr/bin/env node
/**
 * `npm run chaos`: SIGKILLs the local gateway (its whole process group: node, workerd,
 * esbuild) at random instants under bursts of submits, slow creates, large copies and
 * keyed client retries; restarts it on the same state each time; lets every job settle and
 * checks that no acknowledged job was lost, every output is the provider's file byte for
 * byte, upstream tasks belong to jobs (one per key), and the listing and R2 agree with the
 * jobs. Prints a table (or `--json`) and exits 1 when a goal is broken.
 *
 *   npm run chaos -- --kills 30 --seed 7 --jobs 600 --minutes 30
 *
 * Flags: --kills N, --seed S, --jobs N (submits over the run), --minutes M (cap on the kill
 * phase), --threshold P (orphan and multi-task rate allowed, percent; default 2),
 * --media-mib LOW-HIGH (video output sizes; default 1-4), --slow-creates PERCENT (of providers
 * answering creates after 1.2–5 s in each stretch; default 35), --settle-seconds N, --port P,
 * --emulator-port P, --state-dir DIR (kept), --keep, --json.
 */
import { parseArgs } from "node:util";
import { formatReport } from "./chaos/chaos-report.mjs";
import { chaosDefaults, repositoryRoot, runChaos } from "./chaos/run-chaos.mjs";

const usage = "usage: npm run chaos -- [--kills N] [--seed S] [--jobs N] [--minutes M] [--threshold PERCENT] [--media-mib LOW-HIGH] [--slow-creates PERCENT] [--settle-seconds N] [--port P] [--emulator-port P] [--state-dir DIR] [--keep] [--json]";
let parsed;
try {
  parsed = parseArgs({
    options: {
      kills: { type: "string" },
      seed: { type: "string" },
      jobs: { type: "string" },
      minutes: { type: "string" },
      threshold: { type: "string" },
      "media-mib": { type: "string" },
      "slow-creates": { type: "string" },
      "settle-seconds": { type: "string" },
      port: { type: "string" },
      "emulator-port": { type: "string" },
      "state-dir": { type: "string" },
      keep: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
const { values } = parsed;

if (values.help) {
  console.log(usage);
  process.exit(0);
}

/** A whole number flag within bounds, or exit 2 naming it. */
function whole(name, min, max) {
  if (values[name] === undefined) return undefined;
  const number = Number(values[name]);
  if (!Number.isInteger(number) || number < min || number > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max}`);
    process.exit(2);
  }
  return number;
}

/** A percentage flag as a fraction (0–1), or exit 2 naming it. */
function fraction(name) {
  if (values[name] === undefined) return undefined;
  const percent = Number(values[name]);
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    console.error(`--${name} must be a percentage from 0 to 100`);
    process.exit(2);
  }
  return percent / 100;
}

const options = {
  kills: whole("kills", 1, 1000),
  seed: whole("seed", 0, 2 ** 32 - 1),
  jobs: whole("jobs", 1, 100_000),
  minutes: whole("minutes", 1, 24 * 60),
  settleSeconds: whole("settle-seconds", 10, 3600),
  port: whole("port", 1, 65535),
  emulatorPort: whole("emulator-port", 1, 65535),
  threshold: fraction("threshold"),
  slowCreateRate: fraction("slow-creates"),
  stateDir: values["state-dir"],
  keep: values.keep,
};
if (values["media-mib"] !== undefined) {
  const match = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(values["media-mib"]);
  if (!match || Number(match[2] ?? match[1]) < Number(match[1])) {
    console.error("--media-mib must be a size or a range in MiB, e.g. 1-4 (0 keeps the bare clip)");
    process.exit(2);
  }
  options.mediaMiB = [Number(match[1]), Number(match[2] ?? match[1])];
}
for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];

process.chdir(repositoryRoot); // wrangler.toml and emulator/ are read relative to it
// The command that replays this run's plan: the flags given (not where its state went), with the seed.
const replayed = [];
for (let at = 2; at < process.argv.length; at++) {
  const flag = process.argv[at];
  if (flag === "--json" || flag === "--keep") continue;
  if (flag === "--state-dir") {
    at++;
    continue;
  }
  if (flag.startsWith("--state-dir=")) continue;
  replayed.push(flag);
}
if (values.seed === undefined) replayed.push("--seed", String(chaosDefaults.seed));
const command = `npm run chaos -- ${replayed.join(" ")}`;
const report = await runChaos(options, { progress: (line) => process.stderr.write(`[chaos] ${line}\n`) });
report.command = command;
console.log(values.json ? JSON.stringify(report, null, 2) : `${formatReport(report)}\n\nreproduce: ${command}`);
process.exit(report.ok ? 0 : 1);
