/**
 * @module emulator
 * The provider emulator: a local stand-in for the upstream providers that speaks each one's
 * own wire protocol, so the gateway's real adapters run unchanged against it (see
 * ../shared/EMULATOR.md). Development and test only: never imported by src/.
 *
 * Routes: `/<provider>/...` (one personality each), `/files/...` (outputs), `/__control/...`
 * (faults, log, tasks, state), `/` (health).
 */
import { Hono } from "hono";
import { createControlRoutes, healthBody } from "./core/control-routes";
import { createCore } from "./core/core";
import { createFileRoutes } from "./core/file-routes";
import { createWebhookSink } from "./core/webhook-sink";
import { personalities as defaultPersonalities } from "./personalities/index";
import type { Personality } from "./core/personality";

export interface EmulatorOptions {
  /** Origin the emulator is reachable at, e.g. "http://127.0.0.1:8788"; used to build output file URLs. */
  publicUrl: string;
  /** fetch used to deliver provider callbacks (in tests it is a service binding to the gateway). */
  callbackFetch: (input: string, init?: RequestInit) => Promise<Response>;
  /** Injected clock (ms since epoch); default Date.now. */
  now?: () => number;
  /**
   * Waits between callback retries and until a callback is due; default a real `setTimeout`.
   * Tests inject one that advances their clock, so 1/2/4 s retries take no real time.
   */
  sleep?: (ms: number) => Promise<void>;
  /** The personalities to mount; default all of ./personalities/index.ts. */
  personalities?: readonly Personality[];
}

export interface Emulator {
  fetch(request: Request, ctx: { waitUntil(promise: Promise<unknown>): void }): Promise<Response>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Creates an emulator; its state (tasks, log, fault plan) lives as long as the returned object.
 * @example
 * const emulator = createEmulator({ publicUrl: "http://emulator.test", callbackFetch: fetch });
 * const response = await emulator.fetch(new Request("http://emulator.test/"), ctx);
 */
export function createEmulator(options: EmulatorOptions): Emulator {
  const personalities = options.personalities ?? defaultPersonalities;
  const core = createCore({
    publicUrl: options.publicUrl,
    callbackFetch: options.callbackFetch,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? realSleep,
  });
  const app = new Hono();
  app.get("/", (c) => c.json(healthBody(personalities)));
  app.route("/__control/webhooks", createWebhookSink(options.now ?? Date.now));
  app.route("/__control", createControlRoutes(core, personalities));
  app.route("/files", createFileRoutes(core));
  for (const personality of personalities) {
    app.use(`/${personality.name}/*`, core.log.middleware(personality.name));
    app.route(`/${personality.name}`, personality.createRoutes(core));
  }
  app.notFound((c) => c.json({ error: `no emulator route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => c.json({ error: `emulator bug: ${error.message}` }, 500));
  return {
    fetch(request, ctx) {
      // Hono wants a full ExecutionContext; the emulator only ever calls waitUntil.
      const executionContext = {
        waitUntil: (promise: Promise<unknown>) => ctx.waitUntil(promise),
        passThroughOnException: () => undefined,
        props: {},
      };
      return Promise.resolve(app.fetch(request, {}, executionContext));
    },
  };
}
