/**
 * @module scripts/chaos/emulator-faults — the providers' behaviour during one stretch of a
 * chaos run (between two kills), drawn from the run's seed, and the emulator's control API.
 *
 * Each stretch makes some providers slow to answer a create (`submit_delay_ms`: the create
 * is in flight, or its answer lost, when the kill lands), outputs large enough that copies
 * are in flight (`media_bytes`) — in some stretches served without a Content-Length, which
 * the gateway copies as a multipart upload (one a kill can leave open) — and tasks that take
 * a few seconds.
 */
import { requestNumberIn } from "./chaos-client.mjs";

const providers = ["dashscope", "evolink", "pixeldojo", "aimlapi", "shortapi"];
const MiB = 1024 * 1024;

/**
 * @param {ReturnType<import("./seeded-random.mjs").seededRandom>} random
 * @param {{ mediaMiB: [number, number], slowCreateRate: number, seed: number }} options
 * @returns {{ global: Record<string, number>, providers: Record<string, Record<string, number>> }}
 */
export function stretchFaults(random, { mediaMiB, slowCreateRate, seed }) {
  const global = { duration_ms: random.integer(1500, 4000), seed };
  if (mediaMiB[1] > 0) global.media_bytes = Math.max(64 * 1024, Math.round(random.between(mediaMiB[0], mediaMiB[1]) * MiB));
  if (random.chance(0.3)) global.media_no_length = true;
  const scoped = {};
  for (const provider of providers) scoped[provider] = random.chance(slowCreateRate) ? { submit_delay_ms: random.integer(1200, 5000) } : {};
  return { global, providers: scoped };
}

/** Installs a stretch's faults (every provider's plan replaced, so none lingers). */
export async function installFaults(emulatorUrl, faults) {
  const put = async (plan) => {
    const response = await fetch(`${emulatorUrl}/__control/faults`, { method: "PUT", body: JSON.stringify(plan) });
    if (!response.ok) throw new Error(`emulator refused fault plan ${JSON.stringify(plan)}: ${await response.text()}`);
  };
  await put(faults.global);
  for (const [provider, plan] of Object.entries(faults.providers)) await put({ provider, ...plan });
}

/** Every task the emulator made, with its outputs' SHA-256 (computed by the emulator). */
export async function emulatorTasks(emulatorUrl) {
  const response = await fetch(`${emulatorUrl}/__control/tasks`);
  if (!response.ok) throw new Error(`GET /__control/tasks: ${response.status}`);
  return response.json();
}

/**
 * Collects the create calls the emulator receives (every POST but cancels), reading its
 * request log every `everyMs` — the log keeps only its newest 10 000 entries, and polls fill
 * it. Each entry: when, which provider, the answer's status, the Idempotency-Key header sent
 * (if any) and the request number its prompt carries.
 */
export function collectCreates(emulatorUrl, everyMs = 3000) {
  const seen = new Set();
  const creates = [];
  const collect = async () => {
    const response = await fetch(`${emulatorUrl}/__control/log`).catch(() => null);
    if (!response?.ok) return;
    for (const entry of await response.json()) {
      if (entry.method !== "POST" || /cancel/i.test(entry.path)) continue;
      const id = `${entry.at}|${entry.path}|${JSON.stringify(entry.body)}`;
      // An entry read before its handler answered has no status yet: take it on a later read.
      if (seen.has(id) || entry.status === undefined) continue;
      seen.add(id);
      creates.push({ at: new Date(entry.at).toISOString(), provider: entry.provider, status: entry.status, idempotency_key: entry.headers?.["idempotency-key"] ?? null, request: requestNumberIn(entry.body) });
    }
  };
  const timer = setInterval(() => void collect(), everyMs);
  return {
    creates,
    /** Stops collecting after one last read. */
    async stop() {
      clearInterval(timer);
      await collect();
      return creates;
    },
  };
}
