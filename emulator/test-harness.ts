/**
 * @module test-harness
 * An emulator wired for tests: a virtual clock that only moves when the test says so, a
 * `sleep` driven by that clock (so 1/2/4 s callback retries take no real time), a recording
 * `callbackFetch`, helpers that speak EvoLink and the control API, and output downloads.
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
  /**
   * Settles a request that itself waits on the clock (a synchronous provider call), firing
   * due sleeps in order as they appear; the clock moves only as far as those sleeps.
   */
  drive<T>(promise: Promise<T>): Promise<T>;
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
    async drive(promise) {
      let done = false;
      promise.then(
        () => void (done = true),
        () => void (done = true),
      );
      // Bounded, so a request that never sleeps nor settles fails the test instead of hanging it.
      for (let idle = 0; !done && idle < 1000; ) {
        await settle();
        const next = timers.sort((a, b) => a.due - b.due)[0];
        if (done || next === undefined) {
          idle += 1;
          continue;
        }
        await fireUntil(next.due);
      }
      return promise;
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

/** Downloads an output URL the emulator handed out (through the harness, not the network). */
export async function download(harness: Harness, url: string): Promise<{ response: Response; bytes: Uint8Array }> {
  const { pathname, search } = new URL(url);
  const response = await harness.request("GET", pathname + search);
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** SHA-256 hex of bytes in memory (small outputs). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** True for a file that starts like an MP4 (`ftyp` box) or a PNG (signature). */
export const isMp4 = (bytes: Uint8Array) => String.fromCharCode(...bytes.subarray(4, 8)) === "ftyp";
export const isPng = (bytes: Uint8Array) => [...bytes.subarray(0, 8)].join() === "137,80,78,71,13,10,26,10";

/** The `/__control/tasks` record of one task. */
export async function taskRecord(harness: Harness, id: string): Promise<{
  status: string;
  output_urls: string[];
  output_sha256: string[];
  output_bytes: number[];
  callbacks: Array<{ kind: string; attempt: number; status: number | null; dropped?: boolean }>;
  data: Record<string, unknown>;
}> {
  const record = (await harness.tasks()).find((task) => task.id === id);
  if (record === undefined) throw new Error(`no task ${id} in /__control/tasks`);
  return record as never;
}

/** Downloads every output of a task and checks kind, size and hash against `/__control/tasks`. */
export async function expectOutputsMatch(harness: Harness, id: string, urls: string[], kind: "video" | "image"): Promise<void> {
  const record = await taskRecord(harness, id);
  if (JSON.stringify(record.output_urls) !== JSON.stringify(urls)) throw new Error(`URLs differ from the task record: ${urls.join(", ")}`);
  for (const [index, url] of urls.entries()) {
    const { response, bytes } = await download(harness, url);
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    if (!(kind === "video" ? isMp4(bytes) : isPng(bytes))) throw new Error(`${url} is not a valid ${kind}`);
    if (bytes.length !== record.output_bytes[index]) throw new Error(`${url} size differs from the task record`);
    if ((await sha256Hex(bytes)) !== record.output_sha256[index]) throw new Error(`${url} hash differs from the task record`);
  }
}
