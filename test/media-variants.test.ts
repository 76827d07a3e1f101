import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/env";
import type { JobRecord } from "../src/jobs/job-types";
import { makeVariants, thumbnailTransform } from "../src/jobs/job-variants";
import { sniffContentType } from "../src/media/signatures";
import { emulator, gateway, jobStub, resetEmulator, setFaults, sha256Hex, submit } from "./helpers";
import { completedWithVariants, keyOf, uploadPng } from "./media-helpers";
import { makePng, webpSize } from "./png-fixture";

afterEach(resetEmulator);

interface Output {
  url: string;
  content_type: string;
  thumbnail_url?: string;
  poster_url?: string;
}

async function download(url: string): Promise<{ response: Response; bytes: Uint8Array }> {
  const response = await gateway(new URL(url).pathname, { key: null });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

async function eventTypes(id: string): Promise<string[]> {
  return ((await jobStub(id).events("dev")) ?? []).map((event) => event.type);
}

describe("thumbnails and posters", () => {
  it("gives a first-frame video its first frame as poster, and a real WebP thumbnail of it at 512 px on the long side", async () => {
    const upload = await uploadPng(1024, 768);
    const { json } = await submit({ first_frame: upload.url }, { provider: "evolink" });
    const job = await completedWithVariants(json.id);
    const output = job.outputs[0] as unknown as Output;
    expect(output.content_type).toBe("video/mp4");

    const poster = await download(output.poster_url!);
    expect(poster.response.headers.get("content-type")).toBe("image/png");
    expect(await sha256Hex(poster.bytes)).toBe(await sha256Hex(upload.png)); // the very frame, whole
    expect(keyOf(output.poster_url!)).toMatch(new RegExp(`^outputs/${job.id}/[0-9a-z]+/0\\.poster\\.png$`));

    const thumbnail = await download(output.thumbnail_url!);
    expect(thumbnail.response.headers.get("content-type")).toBe("image/webp");
    expect(sniffContentType(thumbnail.bytes)).toBe("image/webp");
    expect(webpSize(thumbnail.bytes)).toEqual({ width: 512, height: 384 });

    // Made after `completed`, in a step of its own.
    const types = await eventTypes(job.id);
    expect(types.lastIndexOf("output_copied")).toBeLessThan(types.indexOf("variants_made"));
  });

  it("thumbnails every image output of an image job: a real WebP, 512 px on the long side", async () => {
    const response = await gateway("/v1/jobs", { method: "POST", body: JSON.stringify({ model: "wan2.7-image-pro", input: { prompt: "a fox", n: 2, size: "1K" }, provider: "dashscope" }) });
    expect(response.status).toBe(202);
    const job = await completedWithVariants(((await response.json()) as { id: string }).id);
    expect(job.outputs).toHaveLength(2);
    for (const output of job.outputs as unknown as Output[]) {
      const original = await download(output.url);
      const thumbnail = await download(output.thumbnail_url!);
      expect(sniffContentType(thumbnail.bytes)).toBe("image/webp");
      // The emulator's PNGs have the size asked for; the thumbnail keeps their proportions.
      const view = new DataView(original.bytes.buffer);
      const [width, height] = [view.getUint32(16), view.getUint32(20)];
      const scale = Math.min(1, 512 / Math.max(width, height));
      expect(webpSize(thumbnail.bytes)).toEqual({ width: Math.round(width * scale), height: Math.round(height * scale) });
      expect(Math.max(width, height)).toBeGreaterThan(512);
      expect(output.poster_url).toBeUndefined();
    }
  });

  it("copies a first frame from elsewhere under the URL rules of every gateway fetch", async () => {
    await setFaults({ provider: "aimlapi", duration_ms: 0 });
    const generated = await emulator("/aimlapi/v1/images/generations", {
      method: "POST",
      headers: { authorization: "Bearer aiml-test", "content-type": "application/json" },
      body: JSON.stringify({ model: "alibaba/wan-2-7-image-pro", prompt: "a fox" }),
    });
    const frameUrl = ((await generated.json()) as { data: Array<{ url: string }> }).data[0]!.url;
    const frame = new Uint8Array(await (await emulator(new URL(frameUrl).pathname + new URL(frameUrl).search)).arrayBuffer());
    const { json } = await submit({ first_frame: frameUrl }, { provider: "evolink" });
    const job = await completedWithVariants(json.id);
    const poster = await download((job.outputs[0] as unknown as Output).poster_url!);
    expect(await sha256Hex(poster.bytes)).toBe(await sha256Hex(frame));
  });

  it("leaves a variant out when it cannot be made: the job is still completed, the reason in its log", async () => {
    const { json } = await submit({ first_frame: "https://cdn.example.com/nowhere.png" }, { provider: "evolink" });
    const job = await completedWithVariants(json.id);
    expect(job.status).toBe("completed");
    const output = job.outputs[0] as unknown as Output;
    expect([output.poster_url, output.thumbnail_url]).toEqual([undefined, undefined]);
    const made = ((await jobStub(job.id).events("dev")) ?? []).find((event) => event.type === "variants_made");
    expect(JSON.parse(made!.detail!)).toMatchObject({ made: [], failed: [{ index: 0, variant: "poster", reason: expect.stringMatching(/HTTP 404/) }] });
  });
});

describe("makeVariants", () => {
  const config = loadConfig(env);

  async function storedImageJob(width: number, height: number): Promise<JobRecord> {
    const id = `job_variants${crypto.randomUUID().replaceAll("-", "").slice(0, 14)}`;
    const key = `outputs/${id}/tok/0.png`;
    await env.MEDIA.put(key, await makePng(width, height), { httpMetadata: { contentType: "image/png" } });
    const output = { url: `${config.publicBaseUrl}/media/${key}`, key, content_type: "image/png", bytes: 1, sha256: "x", index: 0 };
    return { id, model: "wan2.7-image-pro", input: { prompt: "p" }, outputs: [output] } as unknown as JobRecord;
  }

  it.each([
    [2000, 1000, { width: 512, height: 256 }],
    [300, 900, { width: 171, height: 512 }],
    [512, 200, { width: 512, height: 200 }],
    [64, 48, { width: 64, height: 48 }],
  ])("thumbnails a %i × %i image (size read by the Images binding when the output does not say) to %j, never enlarged", async (width, height, expected) => {
    const job = await storedImageJob(width, height);
    const made = await makeVariants(job, { env, config, now: Date.now });
    expect(made.failures).toEqual([]);
    expect(made.variants).toEqual([{ index: 0, thumbnail_key: `outputs/${job.id}/tok/0.thumb.webp` }]);
    const stored = await env.MEDIA.get(made.variants[0]!.thumbnail_key!);
    expect(stored?.httpMetadata?.contentType).toBe("image/webp");
    expect(webpSize(new Uint8Array(await stored!.arrayBuffer()))).toEqual(expected);
  });

  it("makes no thumbnail without an Images binding, and says why", async () => {
    const job = await storedImageJob(64, 64);
    const made = await makeVariants(job, { env: { ...env, IMAGES: undefined }, config, now: Date.now });
    expect(made.variants).toEqual([]);
    expect(made.failures).toEqual([{ index: 0, variant: "thumbnail", reason: "no Images binding is configured" }]);
  });

  it("never fetches a first frame the URL rules refuse", async () => {
    let fetched = 0;
    const upstream = { fetch: () => (fetched++, Promise.resolve(new Response("no"))) } as unknown as Fetcher;
    const job = {
      id: "job_refused",
      model: "wan2.7-i2v",
      input: { first_frame: "https://169.254.169.254/latest/meta-data", mode: "first_frame" },
      outputs: [{ url: "x", key: "outputs/job_refused/tok/0.mp4", content_type: "video/mp4", bytes: 1, sha256: "x", index: 0 }],
    } as unknown as JobRecord;
    const made = await makeVariants(job, { env: { ...env, UPSTREAM: upstream }, config, now: Date.now });
    expect(made.variants).toEqual([]);
    expect(made.failures[0]).toMatchObject({ variant: "poster", reason: expect.stringContaining("must name a host") });
    expect(fetched).toBe(0);
  });

  it.each([
    [100, 50, {}],
    [1024, 768, { width: 512, fit: "scale-down" }],
    [768, 1024, { height: 512, fit: "scale-down" }],
  ])("sizes %i × %i with %j", (width, height, transform) => {
    expect(thumbnailTransform(width, height)).toEqual(transform);
  });
});
