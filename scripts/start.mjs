#!/usr/bin/env node
/**
 * @module scripts/start — `npm start`: the gateway on :8787 and the provider emulator on
 * :8788, no account or key needed. Ports: PORT and EMULATOR_PORT. A provider whose
 * `{ID}_BASE_URL` and `{ID}_API_KEY` are set (environment or `.dev.vars`) goes to that
 * real upstream instead of the emulator (`./dev-providers.mjs`).
 *
 * Every way it cannot start is one line on stderr and exit code 1 — a taken port names the
 * port and the variable that moves it.
 */
import { PortInUseError, startLocalStack } from "./local-stack.mjs";
import { describeProviders, realProviders } from "./dev-providers.mjs";

const portVariables = { gateway: "PORT", emulator: "EMULATOR_PORT" };

/** Prints one line and leaves with exit code 1. */
function fail(message) {
  process.stderr.write(`wan-edge: ${message}\n`);
  process.exit(1);
}

function portFrom(variable, fallback) {
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${variable}=${raw} is not a port number (1-65535)`);
  return port;
}

const gatewayPort = portFrom("PORT", 8787);
const emulatorPort = portFrom("EMULATOR_PORT", 8788);
if (gatewayPort === emulatorPort) fail(`PORT and EMULATOR_PORT are both ${gatewayPort}; give them different ports`);

const providers = realProviders();
let stack;
try {
  stack = await startLocalStack({ gatewayPort, emulatorPort, realProviders: providers.real });
} catch (error) {
  if (error instanceof PortInUseError) {
    const variable = portVariables[error.role];
    const other = error.port + 10;
    fail(`${error.message}; stop what uses it, or choose another port with ${variable} (e.g. ${variable}=${other} npm start)`);
  }
  fail(`could not start: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
}

console.log(`
wan-edge is running locally.
  gateway   ${stack.gatewayUrl}   (dev API key: wan-edge-dev-key, second tenant: wan-edge-other-key)
  emulator  ${stack.emulatorUrl}   (control routes under /__control)
  docs      ${stack.gatewayUrl}/docs   (API reference; the playground is ${stack.gatewayUrl}/)

Providers:
${describeProviders(providers, stack.emulatorUrl).join("\n")}

Try it:
  curl -s ${stack.gatewayUrl}/v1/jobs -H 'Authorization: Bearer wan-edge-dev-key' \\
    -H 'Content-Type: application/json' \\
    -d '{"model":"wan2.7-i2v","input":{"prompt":"a cat plays piano","first_frame":"https://example.com/cat.png"}}'
  or: WAN_EDGE_URL=${stack.gatewayUrl} npx wan-edge video --image cat.png --prompt "a cat plays piano" --out cat.mp4

Press Ctrl+C to stop.`);

const stop = async () => {
  await stack.stop().catch(() => {});
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
