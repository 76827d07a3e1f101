/**
 * @module media-files.test
 * Output files: real MP4/PNG bytes whose headers carry the requested size and duration, padded
 * sizes, hashes that match `/__control/tasks`, large streaming with and without Content-Length,
 * cut connections (an error and a clean short end), expiry and ranges.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createMediaStream, digestMedia, naturalMedia } from "./core/media-stream";
import { boxes, mp4Facts, pngFacts } from "./media-check";
import { VALID_VIDEO_BODY, createHarness, createdTaskId, measureBody, type Harness } from "./test-harness";

/** Creates a task, completes it and returns its file path (with query) and control record. */
async function completedFile(harness: Harness, body?: Record<string, unknown>) {
  const id = await createdTaskId(harness, body);
  await harness.advance(2000);
  const task = (await (await harness.getTask(id)).json()) as { results: string[] };
  const url = new URL(task.results[0] as string);
  const record = (await harness.tasks()).find((candidate) => candidate.id === id) as {
    output_sha256: string[];
    output_bytes: number[];
  };
  return { id, path: url.pathname + url.search, url, record };
}

const ascii = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/** Reads a body to its end: the bytes received, and the error that ended it, if any. */
async function readAll(body: ReadableStream<Uint8Array>): Promise<{ received: number; error: unknown }> {
  const reader = body.getReader();
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { received, error: null };
      received += value.byteLength;
    }
  } catch (error) {
    return { received, error };
  }
}

describe("video outputs", () => {
  it("are MP4s whose headers carry the requested duration and resolution, hashed as reported", async () => {
    const harness = createHarness();
    const { path, record } = await completedFile(harness, { ...VALID_VIDEO_BODY, quality: "1080p", duration: 7 });
    const response = await harness.request("GET", path);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(response.headers.get("content-length")).toBe(String(bytes.length));
    expect(mp4Facts(bytes)).toEqual({
      topLevel: ["ftyp", "moov", "mdat"],
      durationSeconds: 7,
      tkhdWidth: 1920,
      tkhdHeight: 1080,
      sampleEntryWidth: 1920,
      sampleEntryHeight: 1080,
      samples: 7 * 24,
    });
    expect(bytes.length).toBeLessThan(20_000); // a solid colour: cheap at any size
    expect(record.output_bytes).toEqual([bytes.length]);
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    expect(record.output_sha256).toEqual([[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")]);
  });

  it.each([
    ["evolink 720p default", "/evolink/v1/videos/generations", VALID_VIDEO_BODY, 1280, 720, 5],
    ["dashscope 1080P", "/dashscope/api/v1/services/aigc/video-generation/video-synthesis", { model: "wan2.7-i2v", input: { media: [{ type: "first_frame", url: "https://x/a.png" }] }, parameters: { resolution: "1080P", duration: 3 } }, 1920, 1080, 3],
    ["pixeldojo 9:16", "/pixeldojo/api/v1/models/wan-2.7-i2v/run", { image_url: "https://x/a.png", resolution: "720p", duration: 4, aspect_ratio: "9:16" }, 720, 1280, 4],
    ["aimlapi default 1080p", "/aimlapi/v2/video/generations", { model: "alibaba/wan-2-7-i2v", prompt: "p", image_url: "https://x/a.png", duration: 10 }, 1920, 1080, 10],
    ["shortapi 720p", "/shortapi/api/v1/job/create", { model: "alibaba/wan-2.7/image-to-video", args: { first_frame_image: "https://x/a.png", resolution: "720p", duration: 2 } }, 1280, 720, 2],
  ])("%s: the file says %ix%i for %i s", async (_name, path, body, width, height, seconds) => {
    const harness = createHarness();
    const headers = { authorization: "Bearer k", "x-dashscope-async": "enable" };
    expect((await harness.request("POST", path, { body, headers })).status).toBe(200);
    await harness.advance(2000);
    const [task] = await harness.tasks();
    const url = new URL((task as { output_urls: string[] }).output_urls[0] as string);
    const bytes = new Uint8Array(await (await harness.request("GET", url.pathname + url.search)).arrayBuffer());
    expect(mp4Facts(bytes)).toMatchObject({ durationSeconds: seconds, tkhdWidth: width, tkhdHeight: height });
  });

  it("pads to media_bytes with one top-level free box after mdat", async () => {
    const harness = createHarness();
    await harness.putFaults({ media_bytes: 300_000 });
    const { path, record } = await completedFile(harness);
    const bytes = new Uint8Array(await (await harness.request("GET", path)).arrayBuffer());
    expect(bytes.length).toBe(300_000);
    const top = boxes(bytes);
    expect(top.map((box) => box.type)).toEqual(["ftyp", "moov", "mdat", "free"]);
    expect(top.at(-1)?.start).toBe(naturalMedia({ kind: "video", seed: 0, width: 1280, height: 720, seconds: 5 }).length);
    expect(mp4Facts(bytes).durationSeconds).toBe(5);
    expect(record.output_bytes).toEqual([300_000]);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    expect(record.output_sha256[0]).toBe([...digest].map((b) => b.toString(16).padStart(2, "0")).join(""));
  });

  it("derives colour and padding from the seed: same seed same file, other seed other file", async () => {
    const spec = (seed: number) => ({ kind: "video" as const, seed, totalBytes: 200_000, width: 1280, height: 720, seconds: 5 });
    expect(await digestMedia(spec(1))).toBe(await digestMedia(spec(1)));
    expect(await digestMedia(spec(1))).not.toBe(await digestMedia(spec(2)));
    const bare = (seed: number) => naturalMedia({ kind: "video", seed, width: 1280, height: 720, seconds: 5 });
    expect(bare(1)).toEqual(bare(1));
    expect(bare(1)).not.toEqual(bare(2));
  });

  it("streams 50 MB with Content-Length, matching the reported hash", async () => {
    const harness = createHarness();
    await harness.putFaults({ media_bytes: 50_000_000 });
    const { path, record } = await completedFile(harness, { ...VALID_VIDEO_BODY, seed: 42 });
    const response = await harness.request("GET", path);
    expect(response.headers.get("content-length")).toBe("50000000");
    expect(await measureBody(response.body as ReadableStream<Uint8Array>)).toEqual({
      bytes: 50_000_000,
      sha256: record.output_sha256[0],
    });
  });

  it("streams 50 MB without Content-Length under media_no_length", async () => {
    const harness = createHarness();
    await harness.putFaults({ media_bytes: 50_000_000, media_no_length: true });
    const { path, record } = await completedFile(harness);
    const head = await harness.request("HEAD", path);
    expect(head.headers.get("content-length")).toBeNull();
    const response = await harness.request("GET", path);
    expect(response.headers.get("content-length")).toBeNull();
    expect(await measureBody(response.body as ReadableStream<Uint8Array>)).toEqual({
      bytes: 50_000_000,
      sha256: record.output_sha256[0],
    });
  });
});

describe("cut downloads (media_abort_rate)", () => {
  it.each([
    ["with Content-Length", false],
    ["without Content-Length", true],
  ])("media_cut error (the default) %s: reading fails about halfway", async (_name, noLength) => {
    const harness = createHarness();
    await harness.putFaults({ media_bytes: 1_000_000, media_abort_rate: 1, media_no_length: noLength });
    const { path } = await completedFile(harness);
    const response = await harness.request("GET", path);
    expect(response.headers.get("content-length")).toBe(noLength ? null : "1000000");
    // Over HTTP a chunked body cannot be cut before its last chunk by workerd: the gzip stream is.
    expect(response.headers.get("content-encoding")).toBe(noLength ? "gzip" : null);
    const { received, error } = await readAll(response.body as ReadableStream<Uint8Array>);
    expect(error).toBeInstanceOf(Error);
    expect(received).toBeGreaterThan(400_000);
    expect(received).toBeLessThanOrEqual(500_000);
  });

  it.each([
    ["with Content-Length", false],
    ["without Content-Length", true],
  ])("media_cut short %s: a clean end after half the file", async (_name, noLength) => {
    const harness = createHarness();
    await harness.putFaults({ media_bytes: 1_000_000, media_abort_rate: 1, media_cut: "short", media_no_length: noLength });
    const { path, record } = await completedFile(harness);
    const response = await harness.request("GET", path);
    expect(response.headers.get("content-length")).toBe(noLength ? null : "500000");
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(await readAll(response.body as ReadableStream<Uint8Array>)).toEqual({ received: 500_000, error: null });
    expect(record.output_bytes).toEqual([1_000_000]); // the task's file is still the whole one
  });

  it.each([
    ["error", false],
    ["error", true],
    ["short", true],
  ])("media_cut %s (no length: %s) is what a client sees through a service binding", async (style, noLength) => {
    // The UPSTREAM binding is how the gateway reaches the emulator in these tests.
    const upstream = env.UPSTREAM as Fetcher;
    const control = (path: string, init: RequestInit = {}) => upstream.fetch(`http://emulator.test${path}`, init);
    const put = (plan: unknown) => control("/__control/faults", { method: "PUT", body: JSON.stringify(plan), headers: { "content-type": "application/json" } });
    await put({ provider: "evolink", media_bytes: 1_000_000, duration_ms: 0 });
    const created = await control("/evolink/v1/videos/generations", { method: "POST", body: JSON.stringify(VALID_VIDEO_BODY), headers: { authorization: "Bearer k", "content-type": "application/json" } });
    const { id } = (await created.json()) as { id: string };
    const { results } = (await (await control(`/evolink/v1/tasks/${id}`, { headers: { authorization: "Bearer k" } })).json()) as { results: string[] };
    await put({ provider: "evolink", media_bytes: 1_000_000, duration_ms: 0, media_abort_rate: 1, media_cut: style, media_no_length: noLength });
    const { received, error } = await readAll((await upstream.fetch(results[0] as string)).body as ReadableStream<Uint8Array>);
    await control("/__control/faults", { method: "DELETE" });
    if (style === "short") {
      expect({ received, error }).toEqual({ received: 500_000, error: null });
    } else {
      expect(error).toBeInstanceOf(Error);
      expect(received).toBeLessThan(1_000_000);
    }
  });

});

describe("file requests", () => {
  it("answers HEAD with the length and no body", async () => {
    const harness = createHarness();
    await harness.putFaults({ media_bytes: 123_456 });
    const { path } = await completedFile(harness);
    const head = await harness.request("HEAD", path);
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("123456");
    expect(head.body).toBeNull();
  });

  it("serves single byte ranges", async () => {
    const harness = createHarness();
    await harness.putFaults({ media_bytes: 200_000 });
    const { path } = await completedFile(harness);
    const whole = new Uint8Array(await (await harness.request("GET", path)).arrayBuffer());
    const partial = await harness.request("GET", path, { headers: { range: "bytes=70000-140000" } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe("bytes 70000-140000/200000");
    expect(new Uint8Array(await partial.arrayBuffer())).toEqual(whole.subarray(70000, 140001));
    const suffix = await harness.request("GET", path, { headers: { range: "bytes=-10" } });
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(whole.subarray(199_990));
    const beyond = await harness.request("GET", path, { headers: { range: "bytes=200000-" } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe("bytes */200000");
  });
});

describe("output URLs", () => {
  it("live 24 h by default and then answer 403", async () => {
    const harness = createHarness();
    const { url, path } = await completedFile(harness);
    expect(Number(url.searchParams.get("expires"))).toBe(harness.now() - 2000 + 24 * 3_600_000);
    await harness.advance(24 * 3_600_000 - 2001);
    expect((await harness.request("GET", path)).status).toBe(200);
    await harness.advance(1);
    const expired = await harness.request("GET", path);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain("<Code>AccessDenied</Code>");
  });

  it("expire after url_ttl_ms and cannot be extended by editing the URL", async () => {
    const harness = createHarness();
    await harness.putFaults({ url_ttl_ms: 5000 });
    const { url, path } = await completedFile(harness);
    expect((await harness.request("GET", path)).status).toBe(200);
    await harness.advance(3000);
    expect((await harness.request("GET", path)).status).toBe(403);
    url.searchParams.set("expires", String(harness.now() + 60_000));
    expect((await harness.request("GET", url.pathname + url.search)).status).toBe(403);
  });

  it("answer 404 for unknown files", async () => {
    const harness = createHarness();
    expect((await harness.request("GET", "/files/evolink/task-unified-1-aaaaaaaa/0.mp4?expires=1")).status).toBe(404);
  });
});

describe("image outputs", () => {
  it("are PNGs of the requested size that differ per seed", async () => {
    const read = async (seed: number) => {
      const media = { kind: "image" as const, seed, width: 2048, height: 1152, seconds: 0 };
      return new Uint8Array(await new Response(createMediaStream({ ...media, totalBytes: naturalMedia(media).length })).arrayBuffer());
    };
    const [first, again, other] = [await read(1), await read(1), await read(2)];
    const facts = await pngFacts(first);
    expect(facts).toMatchObject({ width: 2048, height: 1152, chunks: ["IHDR", "tEXt", "PLTE", "IDAT", "IEND"] });
    // 1-bit indexed rows: a filter byte and 256 bytes each, every one the palette's only colour.
    expect(facts.inflated.length).toBe(1152 * (1 + 2048 / 8));
    expect(facts.inflated.every((byte) => byte === 0)).toBe(true);
    expect(first.length).toBeLessThan(5000);
    expect(first).toEqual(again);
    expect(first).not.toEqual(other);
  });

  it.each([
    ["dashscope 4K", "/dashscope/api/v1/services/aigc/image-generation/generation", { model: "wan2.7-image-pro", input: { messages: [{ role: "user", content: [{ text: "a fox" }] }] }, parameters: { size: "4K", n: 1 } }, 4096, 4096],
    ["dashscope W*H", "/dashscope/api/v1/services/aigc/image-generation/generation", { model: "wan2.7-image-pro", input: { messages: [{ role: "user", content: [{ text: "a fox" }] }] }, parameters: { size: "1280*720", n: 1 } }, 1280, 720],
    ["pixeldojo 1K", "/pixeldojo/api/v1/models/wan-2.7-image-pro/run", { prompt: "a fox", size: "1K" }, 1024, 1024],
  ])("%s: IHDR says %ix%i", async (_name, path, body, width, height) => {
    const harness = createHarness();
    const headers = { authorization: "Bearer k", "x-dashscope-async": "enable" };
    expect((await harness.request("POST", path, { body, headers })).status).toBe(200);
    await harness.advance(2000);
    const [task] = (await harness.tasks()) as Array<{ output_urls: string[]; output_bytes: number[] }>;
    const url = new URL(task?.output_urls[0] as string);
    const bytes = new Uint8Array(await (await harness.request("GET", url.pathname + url.search)).arrayBuffer());
    expect(await pngFacts(bytes)).toMatchObject({ width, height });
    expect(task?.output_bytes).toEqual([bytes.length]);
  });
});
