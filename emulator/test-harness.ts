/**
 * @module test-harness
 * An emulator wired for tests: a virtual clock that only moves when the test says so, a
 * `sleep` driven by that clock (so 1/2/4 s callback retries take no real time), a recording
 * `callbackFetch`, and helpers that speak EvoLink and the control API.
 */
import { createEmulator, type Emulator } from "./emulator";

export const PUBLIC_URL = "http://emulator.test";
export const START = Date.UTC(2026, 0, 2, 3, 4, 5);

/** A callback the emulator sent. */
export interface RecordedCallback {
  url: string;
  at: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Decides the gateway's answer to the n-th callback (1-based): a status, or "network-error". */
export type CallbackResponder = (call: number) => number | "network-error";

export interface Harness {
  emulator: Emulator;
  now(): number;
  /** Moves the clock forward, firing due sleeps in order (and letting their work run). */
  advance(ms: number): Promise<void>;
  /** Moves the clock through every pending sleep until background work is done. */
  runTimers(): Promise<void>;
  callbacks: RecordedCallback[];
  respondToCallbacks(responder: CallbackResponder): void;
  request(method: string, path: string, init?: { body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  createVideo(body?: Record<string, unknown>): Promise<Response>;
  getTask(id: string): Promise<Response>;
  putFaults(plan: unknown): Promise<Response>;
  tasks(): Promise<Array<Record<string, unknown>>>;
}

export const VALID_VIDEO_BODY = {
  model: "wan2.7-image-to-video",
  prompt: "A cat playing piano",
  image_start: "https://example.com/first_frame.jpg",
};

/** Lets queued promise callbacks and zero-delay work run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function createHarness(): Harness {
  let clock = START;
  let timers: Array<{ due: number; resolve: () => void }> = [];
  let responder: CallbackResponder = () => 200;
  const callbacks: RecordedCallback[] = [];
  const background: Promise<unknown>[] = [];
  const context = { waitUntil: (promise: Promise<unknown>) => void background.push(promise) };

  const emulator = createEmulator({
    publicUrl: PUBLIC_URL,
    now: () => clock,
    sleep: (ms) => new Promise<void>((resolve) => timers.push({ due: clock + ms, resolve })),
    async callbackFetch(input, init) {
      callbacks.push({
        url: input,
        at: clock,
        headers: Object.fromEntries(new Headers(init?.headers)),
        body: JSON.parse(String(init?.body)) as Record<string, unknown>,
      });
      const answer = responder(callbacks.length);
      if (answer === "network-error") throw new TypeError("Network connection lost.");
      return new Response(null, { status: answer });
    },
  });

  async function fireUntil(target: number): Promise<void> {
    for (;;) {
      await settle();
      const next = timers.filter((timer) => timer.due <= target).sort((a, b) => a.due - b.due)[0];
      if (next === undefined) break;
      timers = timers.filter((timer) => timer !== next);
      clock = Math.max(clock, next.due);
      next.resolve();
    }
    clock = Math.max(clock, target);
  }

  const request: Harness["request"] = (method, path, init = {}) => {
    const headers = new Headers(init.headers);
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
      headers.set("content-type", "application/json");
    }
    return emulator.fetch(new Request(PUBLIC_URL + path, { method, headers, body }), context);
  };
  const auth = { authorization: "Bearer sk-evo-test" };

  return {
    emulator,
    now: () => clock,
    advance: (ms) => fireUntil(clock + ms),
    async runTimers() {
      while (timers.length > 0) await fireUntil(Math.min(...timers.map((timer) => timer.due)));
      await Promise.all(background);
    },
    callbacks,
    respondToCallbacks: (next) => void (responder = next),
    request,
    createVideo: (body = VALID_VIDEO_BODY) => request("POST", "/evolink/v1/videos/generations", { body, headers: auth }),
    getTask: (id) => request("GET", `/evolink/v1/tasks/${id}`, { headers: auth }),
    putFaults: (plan) => request("PUT", "/__control/faults", { body: plan }),
    tasks: async () => (await (await request("GET", "/__control/tasks")).json()) as Array<Record<string, unknown>>,
  };
}

/** Creates a video task and returns its id (fails loudly if creation did not succeed). */
export async function createdTaskId(harness: Harness, body?: Record<string, unknown>): Promise<string> {
  const response = await harness.createVideo(body);
  if (response.status !== 200) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** Reads a body completely through a DigestStream: byte count and SHA-256 hex, flat memory. */
export async function measureBody(body: ReadableStream<Uint8Array>): Promise<{ bytes: number; sha256: string }> {
  const digest = new crypto.DigestStream("SHA-256");
  let bytes = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  await body.pipeThrough(counter).pipeTo(digest);
  const hex = [...new Uint8Array(await digest.digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return { bytes, sha256: hex };
}
