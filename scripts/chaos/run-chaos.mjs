/**
 * @module scripts/chaos/run-chaos — one chaos run: the emulator (the "providers", alive the
 * whole run), the gateway in a process group of its own on a persisted state folder, bursts
 * of submits, and SIGKILLs of the gateway's whole group at instants drawn from the seed,
 * each followed by a restart on the same state. Then every job is let settle, the evidence
 * is collected (the API, the downloads, the emulator's tasks, the persisted state) and
 * audited (chaos-audit.mjs). Used by `npm run chaos` (scripts/chaos.mjs) and the short
 * version in `npm test` (test/node/chaos.test.ts).
 *
 * Runs with the repository root as the working directory (wrangler.toml, emulator/).
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../local-stack.mjs";
import { auditChaos } from "./chaos-audit.mjs";
import { planRequest, submit, tenants } from "./chaos-client.mjs";
import { collectCreates, emulatorTasks, installFaults, stretchFaults } from "./emulator-faults.mjs";
import { GatewaySupervisor } from "./gateway-supervisor.mjs";
import { readPersistedState } from "./persisted-state.mjs";
import { seededRandom } from "./seeded-random.mjs";

export const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

export const chaosDefaults = {
  kills: 30,
  seed: 1,
  /** Submits over the whole run, spread over the stretches between kills. */
  jobs: 600,
  /** The kill phase stops after this long even if kills remain. */
  minutes: 30,
  /** 0: any free port. */
  port: 8797,
  emulatorPort: 8798,
  /** Video outputs are padded to a size in this range (MiB), so copies are in flight. */
  mediaMiB: [1, 4],
  /** Share of (stretch, provider) pairs whose creates answer after 1.2–5 s. */
  slowCreateRate: 0.35,
  /** Orphan tasks and multi-task jobs allowed (0.02 = 2 %). */
  threshold: 0.02,
  /** How long jobs get to reach a terminal state after the last restart. */
  settleSeconds: 300,
  /** How long a keyed client keeps retrying one request. */
  patienceSeconds: 120,
  /** Where the state and the logs go (default: a new temporary folder). */
  stateDir: null,
  /** Keep the state folder even when every goal is met (it is always kept on a failure). */
  keep: false,
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const isTerminal = (status) => status === "completed" || status === "failed" || status === "canceled";

/** Splits `total` into integer parts proportional to `weights` (largest remainders). */
export function apportion(total, weights) {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const parts = exact.map(Math.floor);
  const order = exact.map((value, index) => [value - Math.floor(value), index]).sort((a, b) => b[0] - a[0]);
  for (let given = parts.reduce((a, b) => a + b, 0), at = 0; given < total; given++, at++) parts[order[at % order.length][1]]++;
  return parts;
}

/** A free TCP port on loopback (the system's choice, let go again at once). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs `work` over `items`, `width` at a time. */
async function eachLimited(items, width, work) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

function apiHeaders(tenantName) {
  return { authorization: `Bearer ${tenants.find((tenant) => tenant.name === tenantName).key}` };
}

/** Every id of every page of `GET /v1/jobs` for each tenant (reading all pages also drops ids without a job). */
async function listEverything(gatewayUrl) {
  const listed = {};
  for (const tenant of tenants) {
    listed[tenant.name] = [];
    let cursor = null;
    do {
      const response = await fetch(`${gatewayUrl}/v1/jobs?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { headers: apiHeaders(tenant.name) });
      if (!response.ok) throw new Error(`GET /v1/jobs (${tenant.name}): ${response.status} ${await response.text()}`);
      const page = await response.json();
      listed[tenant.name].push(...page.data.map((job) => job.id));
      cursor = page.next_cursor;
    } while (cursor);
  }
  return listed;
}

async function viewOf(gatewayUrl, id, tenant) {
  const response = await fetch(`${gatewayUrl}/v1/jobs/${id}`, { headers: apiHeaders(tenant) });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`GET /v1/jobs/${id}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Downloads one output URL, hashing it on the way. */
async function download(url) {
  try {
    const response = await fetch(url);
    if (!response.ok) return { sha256: null, bytes: 0, error: `HTTP ${response.status}` };
    const hash = createHash("sha256");
    let bytes = 0;
    for await (const chunk of response.body) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    return { sha256: hash.digest("hex"), bytes };
  } catch (error) {
    return { sha256: null, bytes: 0, error: String(error?.cause?.code ?? error) };
  }
}

/**
 * @param {Partial<typeof chaosDefaults>} input
 * @param {{ progress?: (line: string) => void }} hooks
 */
export async function runChaos(input = {}, { progress = () => {} } = {}) {
  const options = { ...chaosDefaults, ...input };
  if (process.cwd() !== repositoryRoot.replace(/\/$/, "")) throw new Error(`run the chaos run from the repository root (${repositoryRoot}), not ${process.cwd()}`);
  if (options.emulatorPort === 0) options.emulatorPort = await freePort();
  while (options.port === 0 || options.port === options.emulatorPort) options.port = await freePort();
  const random = seededRandom(options.seed);
  const runDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "wan-edge-chaos-"));
  mkdirSync(runDir, { recursive: true });
  const persist = join(runDir, "state");
  const emulatorUrl = `http://127.0.0.1:${options.emulatorPort}`;
  const began = Date.now();
  const elapsed = () => `${((Date.now() - began) / 1000).toFixed(1)}s`;
  const emulator = await startEmulator({ host: "127.0.0.1", port: options.emulatorPort, publicUrl: emulatorUrl });
  // Polls are the backstop of lost callbacks; a short ceiling keeps the settle phase short.
  const gateway = new GatewaySupervisor({ port: options.port, emulatorUrl, persist, vars: { POLL_MAX_MS: "5000" }, logFile: join(runDir, "gateway.log"), cwd: repositoryRoot });
  const outcomes = [];
  const submitting = new Set();
  const kills = [];
  const restarts = [];
  let planned = 0;
  const createLog = collectCreates(emulatorUrl);
  try {
    restarts.push(await gateway.start());
    progress(`${elapsed()} gateway up on ${gateway.url} (state ${persist})`);
    const perStretch = apportion(options.jobs, Array.from({ length: options.kills }, () => random.between(0.6, 1.4)));
    const bursts = [];
    for (let stretch = 0; stretch < options.kills; stretch++) {
      if (Date.now() - began > options.minutes * 60_000) {
        progress(`${elapsed()} time is up after ${stretch} kills`);
        break;
      }
      const faults = stretchFaults(random, { mediaMiB: options.mediaMiB, slowCreateRate: options.slowCreateRate, seed: options.seed + stretch });
      await installFaults(emulatorUrl, faults);
      // One kill in five lands while the restarted gateway recovers (alarms re-sending creates,
      // copies restarting); the others anywhere in a few seconds of traffic.
      const recovering = random.chance(0.2);
      const upMs = recovering ? random.between(200, 1500) : random.between(1500, 7000);
      const sizes = apportion(perStretch[stretch], Array.from({ length: random.integer(1, 3) }, () => random.next() + 0.2));
      for (const size of sizes) {
        // Some bursts start after the kill: they meet a dead gateway (keyed clients retry).
        const offset = random.between(0, upMs * 1.15);
        const requests = Array.from({ length: size }, () => planRequest(random, ++planned, options.seed));
        bursts.push(sleep(offset).then(() => {
          for (const request of requests) {
            const own = seededRandom((options.seed * 7919 + request.number) >>> 0);
            const sending = submit(gateway.url, request, { patienceMs: options.patienceSeconds * 1000, random: own })
              .catch((error) => ({ number: request.number, tenant: request.tenant.name, keyed: request.idempotencyKey !== null, key: request.idempotencyKey, id: null, httpStatus: null, error: `client failed: ${error}` }))
              .then((outcome) => {
                outcomes.push(outcome);
                submitting.delete(sending);
              });
            submitting.add(sending);
          }
        }));
      }
      await sleep(upMs);
      const inFlight = submitting.size;
      const at = new Date().toISOString();
      await gateway.kill();
      kills.push({ stretch, at, after_ms: Math.round(upMs), recovering, submits_in_flight: inFlight, faults });
      progress(`${elapsed()} kill ${kills.length}/${options.kills} after ${Math.round(upMs)} ms${recovering ? " (mid-recovery)" : ""}, ${inFlight} submits in flight, ${outcomes.length}/${planned} answered`);
      restarts.push(await gateway.start());
      kills.at(-1).serving_again_at = new Date().toISOString();
    }
    await Promise.all(bursts);
    await Promise.all([...submitting]);
    progress(`${elapsed()} load done: ${outcomes.filter((outcome) => outcome.id).length} of ${outcomes.length} submits acknowledged; settling`);

    // Settle: every job the clients or the listing know of reaches a terminal state (their
    // alarms wake them), or the time is up.
    const known = new Map(outcomes.filter((outcome) => outcome.id).map((outcome) => [outcome.id, outcome.tenant]));
    for (const [tenant, ids] of Object.entries(await listEverything(gateway.url))) for (const id of ids) known.set(id, tenant);
    const settleBy = Date.now() + options.settleSeconds * 1000;
    let open = [...known.keys()];
    while (open.length > 0 && Date.now() < settleBy) {
      const still = [];
      await eachLimited(open, 8, async (id) => {
        const view = await viewOf(gateway.url, id, known.get(id));
        if (view && !isTerminal(view.status)) still.push(id);
      });
      open = still;
      if (open.length > 0) await sleep(2000);
    }
    progress(`${elapsed()} settled (${open.length} still open); letting late callbacks land`);
    await sleep(8000);

    // Evidence, while the gateway serves: the listing (all pages: it drops ids without a
    // job), every known job, every output downloaded.
    const listed = await listEverything(gateway.url);
    for (const [tenant, ids] of Object.entries(listed)) for (const id of ids) known.set(id, tenant);
    const views = new Map();
    await eachLimited([...known], 8, async ([id, tenant]) => views.set(id, await viewOf(gateway.url, id, tenant)));
    const downloads = new Map();
    const completed = [...views.values()].filter((view) => view?.status === "completed");
    await eachLimited(completed, 4, async (view) => {
      const got = [];
      for (const output of view.outputs) got.push({ index: output.index, ...(await download(output.url)) });
      downloads.set(view.id, got);
    });
    const downloaded = [...downloads.values()].flat();
    const downloadedBytes = downloaded.reduce((sum, entry) => sum + entry.bytes, 0);
    progress(`${elapsed()} downloaded ${downloaded.length} outputs (${(downloadedBytes / 2 ** 20).toFixed(1)} MiB, largest ${(Math.max(0, ...downloaded.map((entry) => entry.bytes)) / 2 ** 20).toFixed(2)} MiB); stopping the gateway`);
    await sleep(1000); // the listing's repairs are written after its answers
    await gateway.stop();
    const tasks = await emulatorTasks(emulatorUrl);
    const creates = await createLog.stop();
    const state = await readPersistedState(persist, tenants.map((tenant) => tenant.name));
    const audit = auditChaos({ outcomes, views, listed, downloads, tasks, creates, state, threshold: options.threshold });
    // A flagged job's record, event log, and the create calls the emulator received for it.
    const evidenceOf = (id) => {
      const entry = state.jobs.find((candidate) => candidate.job.id === id);
      if (!entry) return { id, missing: true, client: outcomes.filter((outcome) => outcome.id === id) };
      const number = entry.job.metadata?.chaos;
      return { ...entry, creates_received: creates.filter((create) => create.request === number), client: outcomes.filter((outcome) => String(outcome.number) === number) };
    };
    // The first few jobs each broken goal and each reported finding names.
    const named = [...audit.goals.filter((goal) => !goal.ok), ...audit.notes].flatMap((entry) => (entry.ids ?? []).filter((id) => id.startsWith("job_")).slice(0, 5));
    const flagged = [...new Set(named)].slice(0, 60);
    const report = {
      command: null,
      options,
      state_dir: runDir,
      duration_seconds: Math.round((Date.now() - began) / 1000),
      kills: kills.length,
      restart_ms: { first: restarts[0], median: restarts.slice(1).sort((a, b) => a - b)[Math.floor((restarts.length - 2) / 2)] ?? null },
      submits_planned: planned,
      downloaded_mib: Math.round((downloadedBytes / 2 ** 20) * 10) / 10,
      ...audit,
      kill_log: kills,
      // The record, event log, client outcomes and received creates of the jobs named above.
      flagged_jobs: flagged.map(evidenceOf),
      creates_received: creates.length,
    };
    writeFileSync(join(runDir, "chaos-report.json"), JSON.stringify(report, null, 2));
    if (audit.ok && !options.keep && !options.stateDir) rmSync(runDir, { recursive: true, force: true });
    return report;
  } finally {
    await createLog.stop().catch(() => {});
    await gateway.stop().catch(() => {});
    await emulator.dispose();
  }
}
