#!/usr/bin/env node
/**
 * `npm start`: the gateway on :8787 and the provider emulator on :8788, no account or key
 * needed. Ports: PORT and EMULATOR_PORT.
 */
import { startLocalStack } from "./local-stack.mjs";

const stack = await startLocalStack({
  gatewayPort: Number(process.env.PORT ?? 8787),
  emulatorPort: Number(process.env.EMULATOR_PORT ?? 8788),
});

console.log(`
wan-edge is running locally.
  gateway   ${stack.gatewayUrl}   (dev API key: wan-edge-dev-key, second tenant: wan-edge-other-key)
  emulator  ${stack.emulatorUrl}   (all five providers; control routes under /__control)
  docs      ${stack.gatewayUrl}/docs   (API reference; the playground is ${stack.gatewayUrl}/)

Try it:
  curl -s ${stack.gatewayUrl}/v1/jobs -H 'Authorization: Bearer wan-edge-dev-key' \\
    -H 'Content-Type: application/json' \\
    -d '{"model":"wan2.7-i2v","input":{"prompt":"a cat plays piano","first_frame":"https://example.com/cat.png"}}'

Press Ctrl+C to stop.`);

const stop = async () => {
  await stack.stop().catch(() => {});
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
