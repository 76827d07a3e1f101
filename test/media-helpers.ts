/**
 * Helpers for the media tests: the app called with a wrapped environment (an R2 binding
 * that counts its reads), waiting for the work it leaves for after the response (the
 * edge-cache fill).
 */
import { createExecutionContext, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createApp } from "../src/app";
import type { Env } from "../src/env";
import type { JobObject } from "../src/jobs/job-object";
import type { UploadObject } from "../src/uploads/upload-object";
import type { JobJson } from "./helpers";
import { devKey, gateway, getJob, isTerminal, jobStub } from "./helpers";
import { makePng } from "./png-fixture";

const app = createApp();

export interface Reads {
  head: number;
  get: number;
}

/** `bucket` with its `head` and `get` calls counted (everything else passes through). */
export function countingBucket(bucket: R2Bucket): { bucket: R2Bucket; reads: Reads } {
  const reads: Reads = { head: 0, get: 0 };
  const wrapped = new Proxy(bucket, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (property === "head" || property === "get") reads[property]++;
        return (value as (...inner: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { bucket: wrapped, reads };
}

/**
 * A request to the gateway with some bindings or variables replaced; resolves once the
 * response body is read and every `waitUntil` (the cache fill) is done.
 */
export async function gatewayWith(overrides: Partial<Env>, path: string, init: RequestInit = {}): Promise<{ response: Response; body: Uint8Array }> {
  const context = createExecutionContext();
  const response = await app.fetch(new Request(`http://gateway.test${path}`, init), { ...env, ...overrides } as Env, context);
  const body = new Uint8Array(await response.arrayBuffer());
  await waitOnExecutionContext(context);
  return { response, body };
}

/** A fresh object in R2 under a unique key (every test its own cache entry). */
export async function storeObject(size: number, contentType = "video/mp4", customMetadata?: Record<string, string>): Promise<{ key: string; bytes: Uint8Array }> {
  const key = `outputs/job_test${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}/k/0.mp4`;
  const bytes = new Uint8Array(size).map((_, index) => (index * 7) % 251);
  await env.MEDIA.put(key, bytes, { httpMetadata: { contentType }, customMetadata });
  return { key, bytes };
}

/** Uploads a real PNG of `width` × `height` through `POST /v1/uploads`. */
export async function uploadPng(width: number, height: number, key: string = devKey): Promise<{ id: string; url: string; png: Uint8Array }> {
  const png = await makePng(width, height);
  const response = await gateway("/v1/uploads", { method: "POST", body: png, headers: { "content-type": "image/png" }, key });
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  const json = (await response.json()) as { id: string; url: string };
  return { ...json, png };
}

/** Every R2 key under `prefix`. */
export async function keysUnder(prefix: string): Promise<string[]> {
  return (await env.MEDIA.list({ prefix })).objects.map((object) => object.key);
}

/** The R2 key of a gateway media URL. */
export function keyOf(url: string): string {
  return new URL(url).pathname.slice("/media/".length);
}

/** Waits for the job to complete and for its variants pass (thumbnails, posters) to be over. */
export async function completedWithVariants(id: string, key: string = devKey): Promise<JobJson> {
  const deadline = Date.now() + 20_000;
  while (!isTerminal(await getJob(id, key))) {
    if (Date.now() > deadline) throw new Error(`job ${id} never ended`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (let round = 0; round < 100; round++) {
    await jobStub(id).settled();
    const job = await getJob(id, key);
    const pending = await runInDurableObject(jobStub(id), (instance: JobObject) => Boolean((instance as unknown as { job: { variants?: unknown } }).job.variants));
    if (!pending) return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${id}: variants never finished`);
}

/** Moves a Durable Object's clock (`now`) forward and runs its alarm. */
export async function fastForward(stub: DurableObjectStub<JobObject> | DurableObjectStub<UploadObject>, byMs: number): Promise<void> {
  await runInDurableObject(stub as DurableObjectStub<JobObject>, (instance: { now: () => number }) => {
    const base = instance.now;
    instance.now = () => base() + byMs;
  });
  await runDurableObjectAlarm(stub);
}
