/**
 * The OpenAI-compatible surface driven by the official OpenAI SDK (the `openai` npm
 * package), against the local stack — gateway and emulator in workerd, as `npm start` runs
 * them. What the SDK sends (multipart with a real PNG, `input_reference[image_url]`, cursor
 * pages) must be accepted, and what it receives must be what its types say: a video that
 * completes and downloads as the job's very MP4, images as URLs and as base64, and a bad
 * request as a `BadRequestError` whose message names the field.
 */
import { createHash } from "node:crypto";
import OpenAI, { BadRequestError, NotFoundError, toFile } from "openai";
import type { Video } from "openai/resources/videos";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TestStack } from "../browser/local-stack-fixture";
import { startTestStack } from "../browser/local-stack-fixture";

const devKey = "wan-edge-dev-key";
/** A 1×1 PNG: real PNG bytes, which the upload's signature check requires. */
const tinyPng = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const imageUrl = "https://cdn.example.com/cat.png";

let stack: TestStack;
let client: OpenAI;

beforeAll(async () => {
  stack = await startTestStack();
  client = new OpenAI({ baseURL: `${stack.gatewayUrl}/openai/v1`, apiKey: devKey });
});

afterAll(async () => {
  await stack?.stop();
});

afterEach(async () => {
  await fetch(`${stack.emulatorUrl}/__control/faults`, { method: "DELETE" });
});

interface JobJson {
  id: string;
  status: string;
  input: Record<string, unknown>;
  outputs: Array<{ url: string; sha256: string }>;
}

/** The same job on the gateway's own API. */
async function v1(path: string): Promise<unknown> {
  const response = await fetch(`${stack.gatewayUrl}/v1${path}`, { headers: { authorization: `Bearer ${devKey}` } });
  expect(response.status, path).toBe(200);
  return response.json();
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `videos.retrieve` until the video is completed or failed (the SDK has no poll helper for videos). */
async function finished(id: string, timeoutMs = 30_000): Promise<Video> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const video = await client.videos.retrieve(id);
    if (video.status === "completed" || video.status === "failed") return video;
    if (Date.now() > deadline) throw new Error(`video ${id} still ${video.status} after ${timeoutMs} ms`);
    await pause(250);
  }
}

describe("videos through the OpenAI SDK", () => {
  it("creates a video from a PNG file, follows it to completed and downloads the job's very MP4", async () => {
    const before = Math.floor(Date.now() / 1000);
    const video = await client.videos.create({
      model: "wan2.7-i2v",
      prompt: "a cat plays piano",
      seconds: "4",
      size: "1280x720",
      input_reference: await toFile(tinyPng, "cat.png", { type: "image/png" }),
    });
    expect(video).toMatchObject({ object: "video", model: "wan2.7-i2v", prompt: "a cat plays piano", seconds: "4", size: "1280x720", error: null, completed_at: null });
    expect(["queued", "in_progress"]).toContain(video.status);
    expect(video.id).toMatch(/^job_/);
    // Unix seconds, as the SDK types it
    expect(Number.isInteger(video.created_at)).toBe(true);
    expect(video.created_at).toBeGreaterThanOrEqual(before - 1);
    expect(video.created_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));

    const done = await finished(video.id);
    expect(done).toMatchObject({ id: video.id, status: "completed", progress: 100, error: null, expires_at: null });
    expect(done.completed_at).toBeGreaterThanOrEqual(done.created_at);

    const content = await client.videos.downloadContent(video.id);
    expect(content.headers.get("content-type")).toBe("video/mp4");
    const bytes = new Uint8Array(await content.arrayBuffer());
    expect(Buffer.from(bytes.subarray(4, 8)).toString("latin1")).toBe("ftyp");

    // The same job under /v1/jobs: its output is these bytes, and its first frame the PNG sent.
    const job = (await v1(`/jobs/${video.id}`)) as JobJson;
    expect(job.status).toBe("completed");
    expect(sha256(bytes)).toBe(job.outputs[0]!.sha256);
    expect(job.input).toMatchObject({ duration: 4, resolution: "720p", prompt: "a cat plays piano" });
    const firstFrame = await fetch(job.input.first_frame as string);
    expect(firstFrame.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await firstFrame.arrayBuffer())).toEqual(tinyPng);
  });

  it("takes OpenAI's reference object, and pages the list newest first with the SDK's cursor", async () => {
    const created: string[] = [];
    for (const prompt of ["first", "second", "third"]) {
      created.push((await client.videos.create({ prompt, seconds: "8", size: "720x1280", input_reference: { image_url: imageUrl } })).id);
      await pause(5);
    }
    const job = (await v1(`/jobs/${created[0]}`)) as JobJson;
    expect(job.input).toMatchObject({ first_frame: imageUrl, duration: 8, resolution: "720p" });

    const firstPage = await client.videos.list({ limit: 2 });
    expect(firstPage.data.map((video) => video.id)).toEqual([created[2], created[1]]);
    expect(firstPage.has_more).toBe(true);
    expect(firstPage.hasNextPage()).toBe(true);
    const secondPage = await firstPage.getNextPage();
    expect(secondPage.data[0]!.id).toBe(created[0]);

    // Auto-pagination visits every video once, newest first, and nothing that is not a video.
    const listed: Video[] = [];
    for await (const video of client.videos.list({ limit: 2 })) listed.push(video);
    expect(listed.slice(0, 3).map((video) => video.id)).toEqual([...created].reverse());
    expect(new Set(listed.map((video) => video.id)).size).toBe(listed.length);
    expect(listed.every((video) => video.object === "video" && video.model === "wan2.7-i2v")).toBe(true);
  });

  it("delete cancels an unfinished video: OpenAI's deletion object, deleted false; the video is then failed (canceled)", async () => {
    await fetch(`${stack.emulatorUrl}/__control/faults`, { method: "PUT", body: JSON.stringify({ duration_ms: 30_000 }) });
    const video = await client.videos.create({ prompt: "a slow cat", input_reference: { image_url: imageUrl } });
    const deleted = await client.videos.delete(video.id);
    expect(deleted).toMatchObject({ id: video.id, object: "video.deleted", deleted: false });
    const canceled = await client.videos.retrieve(video.id);
    expect(canceled).toMatchObject({ status: "failed", error: { code: "canceled" } });
    await expect(client.videos.downloadContent(video.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("images through the OpenAI SDK", () => {
  it("generates two images as permanent URLs, then as b64_json equal to the job's stored files", async () => {
    const byUrl = await client.images.generate({ model: "wan2.7-image-pro", prompt: "a red fox in snow", n: 2, size: "1024x1024" });
    expect(byUrl.data).toHaveLength(2);
    for (const image of byUrl.data!) {
      expect(image.url).toMatch(new RegExp(`^${stack.gatewayUrl}/media/`));
      const served = await fetch(image.url!);
      expect(served.headers.get("content-type")).toBe("image/png");
      expect(Buffer.from(await served.arrayBuffer()).subarray(0, 8)).toEqual(pngSignature);
    }

    const before = Math.floor(Date.now() / 1000);
    const byBytes = await client.images.generate({ model: "wan2.7-image-pro", prompt: "two foxes", n: 2, size: "1024x1024", response_format: "b64_json" });
    expect(byBytes.created).toBeGreaterThanOrEqual(before - 1);
    expect(byBytes.data).toHaveLength(2);
    const [job] = ((await v1("/jobs?limit=1")) as { data: JobJson[] }).data;
    expect(job!.input).toMatchObject({ prompt: "two foxes", n: 2, size: "1024*1024" });
    for (const [index, image] of byBytes.data!.entries()) {
      const bytes = Buffer.from(image.b64_json!, "base64");
      expect(bytes.subarray(0, 8)).toEqual(pngSignature);
      expect(sha256(bytes)).toBe(job!.outputs[index]!.sha256);
    }
  });
});

describe("errors through the OpenAI SDK", () => {
  it("a bad video request is a BadRequestError whose message names every bad field", async () => {
    // 1792x1024 is one of OpenAI's sizes, not Wan's; and the first frame is missing.
    const error = await client.videos.create({ prompt: "a cat", size: "1792x1024" }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BadRequestError);
    const problem = error as BadRequestError;
    expect(problem.status).toBe(400);
    expect(problem).toMatchObject({ code: "invalid_request", type: "invalid_request_error", param: "size" });
    expect(problem.message).toContain("size: must be one of 1280x720, 720x1280, 1920x1080, 1080x1920");
    expect(problem.message).toContain("input_reference: required");
  });

  it("a rule only the model knows surfaces the same way", async () => {
    const error = await client.images.generate({ model: "wan2.7-image-pro", prompt: "a tiny fox", size: "256x256" }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe("size");
    expect((error as BadRequestError).message).toContain("size: must have between 768*768 and 4096*4096 pixels");
  });
});
