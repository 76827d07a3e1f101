/**
 * @module media-files.test
 * Output files: real MP4/PNG bytes, padded sizes, hashes that match `/__control/tasks`,
 * large streaming with and without Content-Length, cut connections, expiry and ranges.
 */
import { describe, expect, it } from "vitest";
import { SAMPLE_MP4 } from "./core/media-assets";
import { createMediaStream, digestMedia, naturalMediaBytes } from "./core/media-stream";
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

describe("video outputs", () => {
  it("serves the real clip by default, starting with an ftyp box, hashed as reported", async () => {
    const harness = createHarness();
    const { path, record } = await completedFile(harness);
    const response = await harness.request("GET", path);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    expect(response.headers.get("content-length")).toBe(String(SAMPLE_MP4.length));
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(ascii(bytes.subarray(4, 8))).toBe("ftyp");
    expect(bytes).toEqual(SAMPLE_MP4);
    expect(record.output_bytes).toEqual([SAMPLE_MP4.length]);
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    expect(record.output_sha256).toEqual([[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")]);
  });

  it("pads to media_bytes with one top-level free box", async () => {
    const harness = createHarness();
    await harness.putFaults({ media_bytes: 300_000 });
    const { path, record } = await completedFile(harness);
    const bytes = new Uint8Array(await (await harness.request("GET", path)).arrayBuffer());
    expect(bytes.length).toBe(300_000);
    expect(ascii(bytes.subarray(4, 8))).toBe("ftyp");
    const box = new DataView(bytes.buffer, SAMPLE_MP4.length, 8);
    expect(box.getUint32(0)).toBe(300_000 - SAMPLE_MP4.length);
    expect(ascii(bytes.subarray(SAMPLE_MP4.length + 4, SAMPLE_MP4.length + 8))).toBe("free");
    expect(record.output_bytes).toEqual([300_000]);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    expect(record.output_sha256[0]).toBe([...digest].map((b) => b.toString(16).padStart(2, "0")).join(""));
  });

  it("derives the padding from the seed: same seed same file, other seed other file", async () => {
    const spec = (seed: number) => ({ kind: "video" as const, seed, totalBytes: 200_000 });
    expect(await digestMedia(spec(1))).toBe(await digestMedia(spec(1)));
    expect(await digestMedia(spec(1))).not.toBe(await digestMedia(spec(2)));
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

  it("cuts the body about halfway under media_abort_rate", async () => {
    const harness = createHarness();
    await harness.putFaults({ media_bytes: 1_000_000, media_abort_rate: 1 });
    const { path } = await completedFile(harness);
    const response = await harness.request("GET", path);
    expect(response.headers.get("content-length")).toBe("1000000");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = 0;
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return null;
        received += value.byteLength;
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(received).toBeGreaterThan(400_000);
    expect(received).toBeLessThanOrEqual(500_000);
  });

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
  it("are PNGs that differ per seed", async () => {
    const read = async (seed: number) =>
      new Uint8Array(await new Response(createMediaStream({ kind: "image", seed, totalBytes: naturalMediaBytes("image", seed) })).arrayBuffer());
    const [first, again, other] = [await read(1), await read(1), await read(2)];
    expect([...first.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(ascii(first.subarray(first.length - 8, first.length - 4))).toBe("IEND");
    expect(first).toEqual(again);
    expect(first).not.toEqual(other);
  });
});
