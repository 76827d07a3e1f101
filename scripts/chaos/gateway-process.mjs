#!/usr/bin/env node
/**
 * @module scripts/chaos/gateway-process — the gateway alone, as a process the chaos run can
 * SIGKILL: started by `gateway-supervisor.mjs` in a process group of its own (this node
 * process, the workerd it starts, esbuild's service), on a persisted state folder, pointed
 * at an emulator that outlives it.
 *
 * Usage: node scripts/chaos/gateway-process.mjs --port P --emulator-url URL --persist DIR [--vars JSON]
 * Prints one line `{"ready":"<gateway url>"}` on stdout once it serves; SIGTERM stops it cleanly.
 */
import { parseArgs } from "node:util";
import { startLocalStack } from "../local-stack.mjs";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    "emulator-url": { type: "string" },
    persist: { type: "string" },
    vars: { type: "string", default: "{}" },
  },
  strict: true,
});
const port = Number(values.port);
if (!Number.isInteger(port) || !values["emulator-url"] || !values.persist) {
  console.error("usage: gateway-process.mjs --port P --emulator-url URL --persist DIR [--vars JSON]");
  process.exit(2);
}

const stack = await startLocalStack({
  gatewayPort: port,
  emulatorUrl: values["emulator-url"],
  persist: values.persist,
  vars: JSON.parse(values.vars),
  logLevel: "error",
});
process.stdout.write(`${JSON.stringify({ ready: stack.gatewayUrl })}\n`);

process.on("SIGTERM", async () => {
  await stack.stop().catch(() => {});
  process.exit(0);
});
