/**
 * The Worker under test: the production entry, plus the provider emulator as a second
 * entrypoint. `vitest.config.ts` binds `UPSTREAM` (the gateway's upstream fetch) to
 * `Emulator` and `GATEWAY` (the emulator's callback fetch) to the default entrypoint.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { Emulator as EmulatorInstance } from "../emulator/emulator";
import { createEmulator } from "../emulator/emulator";

export * from "../src/index";
export { default } from "../src/index";

let emulator: EmulatorInstance | undefined;

/** The one emulator of this isolate (its state lives as long as the isolate). */
export function testEmulator(env: Cloudflare.Env): EmulatorInstance {
  emulator ??= createEmulator({
    publicUrl: env.EMULATOR_URL ?? "http://emulator.test",
    callbackFetch: (input, init) => env.GATEWAY.fetch(input, init),
  });
  return emulator;
}

export class Emulator extends WorkerEntrypoint<Cloudflare.Env> {
  override fetch(request: Request): Promise<Response> {
    return testEmulator(this.env).fetch(request, this.ctx);
  }
}
