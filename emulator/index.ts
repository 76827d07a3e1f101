/**
 * @module index
 * The emulator as a standalone Worker (what `npm start` runs on port 8788). One emulator per
 * isolate, created on the first request because the public origin may come from it.
 */
import { createEmulator, type Emulator } from "./emulator";

interface EmulatorEnv {
  /** Origin output URLs are built on; default the origin of the first request. */
  EMULATOR_PUBLIC_URL?: string;
}

let emulator: Emulator | null = null;

export default {
  fetch(request: Request, env: EmulatorEnv, ctx: ExecutionContext): Promise<Response> {
    emulator ??= createEmulator({
      publicUrl: env.EMULATOR_PUBLIC_URL ?? new URL(request.url).origin,
      // Bound so workerd does not see an illegal invocation of the global fetch.
      callbackFetch: (input, init) => fetch(input, init),
    });
    return emulator.fetch(request, ctx);
  },
};
