import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { gateway } from "./helpers";

const key = "outputs/job_test/abc/0.mp4";
const body = new Uint8Array(1000).map((_, index) => index % 251);

beforeAll(async () => {
  await env.MEDIA.put(key, body, { httpMetadata: { contentType: "video/mp4" } });
});

describe("GET /media/{key}", () => {
  it("streams the whole object with permanent-link headers", async () => {
    const response = await gateway(`/media/${key}`, { key: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    expect(response.headers.get("content-length")).toBe("1000");
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    // Browsers keep it a year; shared caches (and this location's edge cache) five minutes.
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, s-maxage=300, immutable");
    expect(response.headers.get("etag")).toMatch(/^"[0-9a-f]+"$/);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(body);
  });

  it.each([
    ["bytes=0-99", 0, 100],
    ["bytes=900-", 900, 100],
    ["bytes=-10", 990, 10],
  ])("answers Range %s with 206 and exactly those bytes", async (range, offset, length) => {
    const response = await gateway(`/media/${key}`, { key: null, headers: { range } });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes ${offset}-${offset + length - 1}/1000`);
    expect(response.headers.get("content-length")).toBe(String(length));
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(body.slice(offset, offset + length));
  });

  it.each(["bytes=5000-", "bytes=1000-1001", "bytes=-0"])("answers the unsatisfiable range %s with a 416 problem document and the size", async (range) => {
    const response = await gateway(`/media/${key}`, { key: null, headers: { range } });
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe("bytes */1000");
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ status: 416, code: "range_not_satisfiable", detail: expect.stringContaining("1000 bytes") });
  });

  it("answers HEAD with the headers and no body", async () => {
    const response = await gateway(`/media/${key}`, { key: null, method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe("1000");
    expect(await response.text()).toBe("");
  });

  it("answers a matching If-None-Match with 304", async () => {
    const etag = (await gateway(`/media/${key}`, { key: null, method: "HEAD" })).headers.get("etag")!;
    const response = await gateway(`/media/${key}`, { key: null, headers: { "if-none-match": etag } });
    expect(response.status).toBe(304);
  });

  it("404s an unknown key", async () => {
    const response = await gateway("/media/outputs/nope.mp4", { key: null });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("GET /media with a malformed key", () => {
  it("answers 404, not 500, for a broken %-escape", async () => {
    const response = await gateway("/media/outputs/%E0%A4%A", { key: null });
    expect(response.status).toBe(404);
  });

  it.each([
    ["1025 ASCII bytes", "k".repeat(1025)],
    ["1024 characters that are 2048 UTF-8 bytes", "é".repeat(1024)],
  ])("answers 404, not 500, for a key longer than R2 allows (%s)", async (_, long) => {
    for (const method of ["GET", "HEAD"]) {
      const response = await gateway(`/media/${encodeURIComponent(long)}`, { key: null, method });
      expect(response.status).toBe(404);
    }
    const response = await gateway(`/media/${encodeURIComponent(long)}`, { key: null });
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("still serves a key of exactly 1024 bytes", async () => {
    const longest = `outputs/${"x".repeat(1024 - "outputs/".length - 4)}.mp4`;
    await env.MEDIA.put(longest, body);
    expect((await gateway(`/media/${longest}`, { key: null })).status).toBe(200);
  });
});
