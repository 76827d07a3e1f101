/**
 * Helpers for the workerd integration tests: talk to the gateway through its default
 * export and to the emulator through the UPSTREAM binding, exactly as the gateway does.
 */
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

export const devKey = "wan-edge-dev-key";
export const otherKey = "wan-edge-other-key";
export const image = "https://cdn.example.com/cat.png";

export interface JobJson {
  id: string;
  status: string;
  sequence: number;
  progress: number | null;
  provider: string | null;
  attempts: Array<{ provider: string; upstream_id: string | null; status: string; upstream_status: string | null; error: { code: string } | null }>;
  outputs: Array<{ url: string; content_type: string; bytes: number; sha256: string; index: number }>;
  error: { code: string; message: string; retryable: boolean } | null;
  input: Record<string, unknown>;
  metadata: Record<string, string>;
  urls: { self: string; events: string; cancel: string };
  usage: { billed_seconds: number | null; images: number | null; estimated_cost_usd: number | null };
  [key: string]: unknown;
}

/** A request to the gateway as a client would send it. */
export function gateway(path: string, init: RequestInit & { key?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const key = init.key === undefined ? devKey : init.key;
  if (key !== null && !headers.has("authorization")) headers.set("authorization", `Bearer ${key}`);
  if (init.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  return exports.default.fetch(new Request(`http://gateway.test${path}`, { ...init, headers }));
}

/** POSTs a wan2.7-i2v job and returns the response and its JSON. */
/**
 * POSTs an i2v job. `response` is the POST's own response and `accepted` its body (a new job
 * is answered `queued`, before its upstream create); `json` is the job once the first submit
 * pass that follows the answer is over — what most tests look at — or the body of a refusal.
 */
export async function submit(input: Record<string, unknown> = { first_frame: image }, extra: Record<string, unknown> = {}, key = devKey) {
  const response = await gateway("/v1/jobs", { method: "POST", body: JSON.stringify({ model: "wan2.7-i2v", input, ...extra }), key });
  const accepted = (await response.json()) as JobJson & { errors?: Array<{ path: string }>; code?: string };
  if (response.status !== 202) return { response, accepted, json: accepted };
  await jobStub(accepted.id).settled();
  return { response, accepted, json: (await getJob(accepted.id, key)) as typeof accepted };
}

export async function getJob(id: string, key = devKey): Promise<JobJson> {
  const response = await gateway(`/v1/jobs/${id}`, { key });
  expect(response.status).toBe(200);
  return (await response.json()) as JobJson;
}

/** Polls the job until `done(job)` or the timeout. */
export async function waitForJob(id: string, done: (job: JobJson) => boolean = isTerminal, timeoutMs = 20_000): Promise<JobJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(id);
    if (done(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const isTerminal = (job: JobJson) => ["completed", "failed", "canceled"].includes(job.status);

/** A request to the emulator (control routes, files). */
export function emulator(path: string, init: RequestInit = {}): Promise<Response> {
  return env.UPSTREAM!.fetch(`http://emulator.test${path}`, init);
}

export async function setFaults(plan: Record<string, unknown>): Promise<void> {
  const response = await emulator("/__control/faults", { method: "PUT", body: JSON.stringify(plan), headers: { "content-type": "application/json" } });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
}

export async function resetEmulator(): Promise<void> {
  await emulator("/__control/faults", { method: "DELETE" });
}

export interface EmulatorTask {
  provider: string;
  id: string;
  status: string;
  output_sha256: string[];
  output_bytes: number[];
}

export async function emulatorTask(upstreamId: string): Promise<EmulatorTask> {
  const tasks = (await (await emulator("/__control/tasks")).json()) as EmulatorTask[];
  const task = tasks.find((candidate) => candidate.id === upstreamId);
  if (!task) throw new Error(`emulator has no task ${upstreamId}`);
  return task;
}

export async function emulatorLog(): Promise<Array<{ provider: string; method: string; path: string; body: unknown; at: string }>> {
  return (await (await emulator("/__control/log")).json()) as Array<{ provider: string; method: string; path: string; body: unknown; at: string }>;
}

/** The Durable Object stub of a job. */
export function jobStub(id: string) {
  return env.JOBS.get(env.JOBS.idFromName(id));
}

/** Top-level MP4 boxes as [type, size] pairs; throws if the sizes do not tile the file. */
export function mp4Boxes(bytes: Uint8Array): Array<[string, number]> {
  const boxes: Array<[string, number]> = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset < bytes.length) {
    let size = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (size === 1) size = Number(view.getBigUint64(offset + 8));
    if (size === 0) size = bytes.length - offset;
    if (size < 8 || offset + size > bytes.length) throw new Error(`bad box ${type} of ${size} bytes at ${offset}`);
    boxes.push([type, size]);
    offset += size;
  }
  return boxes;
}

export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
