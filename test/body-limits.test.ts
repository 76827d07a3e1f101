/**
 * Request bodies are limited while they are read, whether or not a Content-Length is sent:
 * JSON ≤ 1 MiB, callbacks ≤ 256 KiB, OpenAI multipart ≤ the image upload limit + 64 KiB.
 * A 413 comes before the rest of the body is read — the streams here count what was pulled.
 */
import { describe, expect, it } from "vitest";
import { callbackToken } from "../src/lib/tokens";
import { newJobId } from "../src/lib/ids";
import { gateway, image } from "./helpers";

const kib = 1024;
const mib = 1024 * kib;
const chunkBytes = 64 * kib;

/** A chunked body (no Content-Length) of `total` bytes after `prefix`; `pulled()` is how much of it was read. */
function countingBody(total: number, prefix = "") {
  const head = new TextEncoder().encode(prefix);
  const filler = new Uint8Array(chunkBytes).fill(0x20); // JSON whitespace
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const chunk = sent === 0 && head.length > 0 ? head : filler.subarray(0, Math.min(chunkBytes, total - sent));
      sent += chunk.length;
      controller.enqueue(chunk.slice());
    },
  });
  return { stream, pulled: () => sent };
}

async function expectTooLarge(response: Response, limitText: RegExp) {
  expect(response.status).toBe(413);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const problem = (await response.json()) as { code: string; detail: string };
  expect(problem).toMatchObject({ code: "payload_too_large", detail: expect.stringMatching(limitText) });
}

const json = { "content-type": "application/json" };

describe("POST /v1/jobs body limit (1 MB)", () => {
  it("refuses a 100 MB chunked body once 1 MiB has passed, without reading on", async () => {
    const body = countingBody(100 * mib, '{"model":"wan2.7-i2v",');
    await expectTooLarge(await gateway("/v1/jobs", { method: "POST", body: body.stream, headers: json }), /at most 1 MB \(1048576 bytes\)/);
    // The limit, plus what the runtime had already queued: never the 100 MB.
    expect(body.pulled()).toBeLessThan(mib + 4 * chunkBytes);
  });

  it("refuses a declared Content-Length over the limit before reading a byte", async () => {
    const body = countingBody(2 * mib);
    const response = await gateway("/v1/jobs", { method: "POST", body: body.stream, headers: { ...json, "content-length": String(2 * mib) } });
    await expectTooLarge(response, /1 MB/);
    expect(body.pulled()).toBeLessThanOrEqual(2 * chunkBytes);
  });

  it("counts the bytes when the Content-Length lies low", async () => {
    const body = countingBody(3 * mib, '{"model":"wan2.7-i2v",');
    const response = await gateway("/v1/jobs", { method: "POST", body: body.stream, headers: { ...json, "content-length": "100" } });
    await expectTooLarge(response, /1 MB/);
    expect(body.pulled()).toBeLessThan(mib + 4 * chunkBytes);
  });

  it("accepts a body just under 1 MiB (padded JSON)", async () => {
    const request = JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: image } });
    const padded = request.slice(0, -1) + " ".repeat(mib - request.length - 10) + "}";
    const response = await gateway("/v1/jobs", { method: "POST", body: padded, headers: json });
    expect(response.status).toBe(202);
  });
});

describe("OpenAI-compatible bodies", () => {
  it("refuses a chunked JSON video request over 1 MiB", async () => {
    const body = countingBody(5 * mib, '{"model":"wan2.7-i2v",');
    await expectTooLarge(await gateway("/openai/v1/videos", { method: "POST", body: body.stream, headers: json }), /1 MB/);
    expect(body.pulled()).toBeLessThan(mib + 4 * chunkBytes);
  });

  it("refuses a chunked multipart video request over the image limit while the form is read", async () => {
    const boundary = "wanEdgeBoundary";
    const prefix = `--${boundary}\r\nContent-Disposition: form-data; name="input_reference"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`;
    const body = countingBody(40 * mib, prefix);
    const response = await gateway("/openai/v1/videos", { method: "POST", body: body.stream, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } });
    await expectTooLarge(response, /multipart body/);
    expect(body.pulled()).toBeLessThan(20 * mib + 64 * kib + 4 * chunkBytes);
  });

  it("refuses a declared multipart length over the limit at once", async () => {
    const body = countingBody(mib);
    const response = await gateway("/openai/v1/videos", { method: "POST", body: body.stream, headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(30 * mib) } });
    await expectTooLarge(response, /multipart body/);
  });

  it("refuses a chunked image generation request over 1 MiB", async () => {
    const body = countingBody(5 * mib, '{"model":"wan2.7-image-pro",');
    await expectTooLarge(await gateway("/openai/v1/images/generations", { method: "POST", body: body.stream, headers: json }), /1 MB/);
    expect(body.pulled()).toBeLessThan(mib + 4 * chunkBytes);
  });
});

describe("provider callback body limit (256 KB)", () => {
  const secret = "wan-edge-development-server-secret-not-for-production";

  it("refuses a chunked callback over 256 KiB with a 413 once it passes the limit", async () => {
    const id = newJobId(Date.now());
    const body = countingBody(10 * mib, '{"task_id":"x",');
    const response = await gateway(`/callbacks/evolink/${id}/${await callbackToken(secret, id)}`, { method: "POST", body: body.stream, headers: json, key: null });
    await expectTooLarge(response, /callback body may be at most 256 KB \(262144 bytes\)/);
    expect(body.pulled()).toBeLessThan(256 * kib + 4 * chunkBytes);
  });

  it("checks the token before reading any of the body", async () => {
    const id = newJobId(Date.now());
    const body = countingBody(10 * mib);
    const response = await gateway(`/callbacks/evolink/${id}/not-the-token`, { method: "POST", body: body.stream, headers: json, key: null });
    expect(response.status).toBe(404);
    expect(body.pulled()).toBeLessThanOrEqual(2 * chunkBytes);
  });
});
