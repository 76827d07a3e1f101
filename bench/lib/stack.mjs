/**
 * @module bench/lib/stack — the local stack with the benchmark Worker (bench/bench-worker.ts:
 * the gateway plus its ceilings), on a fresh state folder, for `npm run bench` and
 * `bench/edge-probe.mjs`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack } from "../../scripts/local-stack.mjs";
import { holdsPath, workerdPids } from "./memory.mjs";

/**
 * Starts the stack. `gatewayPid` is the gateway's own workerd (the one process holding the
 * state folder; wrangler's dev proxies and the emulator hold none of it), `stackPids` every
 * workerd process of the stack in start order. Both are read after a first request: the
 * gateway's workerd can come up after `ready`.
 *
 * Ports come from `BENCH_PORT` (default 9811: the gateway; the emulator on the next one), so
 * the bench can run beside other stacks on a shared machine.
 * @param {{ port?: number, pollMs?: number | null, meter?: boolean }} options `pollMs`:
 *   every provider's polling cadence (default 60 s, out of the way of request measurements;
 *   null: the providers' own); `meter`: count what jobs cost (bench/worker/meter.ts).
 */
export async function startBenchStack({ port = Number(process.env.BENCH_PORT ?? 9811), pollMs = 60_000, meter = false } = {}) {
  // Wrangler's local data explorer (on by default) wraps every SQLite-backed class so that
  // each object with a name writes that name into a table of its own, in a separate commit
  // when it starts: a job object (addressed by name) pays for it, the bare create-DO route
  // (a unique id) does not, and no deployed Worker does. Measured without it.
  process.env.X_LOCAL_EXPLORER = "false";
  const persist = mkdtempSync(join(tmpdir(), "wan-edge-bench-"));
  const pidsBefore = new Set(workerdPids());
  const vars = {};
  if (pollMs !== null) Object.assign(vars, { POLL_BASE_MS: String(pollMs), POLL_MAX_MS: String(pollMs) });
  if (meter) vars.BENCH_METER = "1";
  const stack = await startLocalStack({
    gatewayPort: port,
    emulatorPort: port + 1,
    persist,
    entrypoint: "bench/bench-worker.ts",
    bindings: { BENCH: { type: "durable_object_namespace", class_name: "BenchObject" } },
    migrations: [
      { tag: "v1", new_sqlite_classes: ["JobObject"] },
      { tag: "v2", new_sqlite_classes: ["ProviderBreaker"] },
      { tag: "v3", new_sqlite_classes: ["TenantIndex"] },
      { tag: "v4", new_sqlite_classes: ["TenantAccount", "ApiKeyObject", "TenantDirectory"] },
      { tag: "v5", new_sqlite_classes: ["UploadObject"] },
      { tag: "v6", new_sqlite_classes: ["BenchObject"] },
    ],
    vars,
  });
  await (await fetch(`${stack.gatewayUrl}/healthz`)).arrayBuffer();
  const stackPids = workerdPids().filter((pid) => !pidsBefore.has(pid)).sort((a, b) => a - b);
  const gatewayPid = stackPids.find((pid) => holdsPath(pid, persist)) ?? stackPids.at(-1);
  return {
    ...stack,
    gatewayPid,
    stackPids,
    async stop() {
      await stack.stop();
      rmSync(persist, { recursive: true, force: true });
    },
  };
}
