import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mediaCacheKey, purgeMediaCache } from "../src/media/media-cache";
import { downloadName } from "../src/media/download-name";
import { countingBucket, gatewayWith, storeObject } from "./media-helpers";

const base = "http://gateway.test";

describe("the edge cache in front of R2", () => {
  it("serves the second read of a link from this location's cache, without touching R2", async () => {
    const { key, bytes } = await storeObject(4000);
    const { bucket, reads } = countingBucket(env.MEDIA);
    const first = await gatewayWith({ MEDIA: bucket }, `/media/${key}`);
    expect(first.response.headers.get("x-cache")).toBe("MISS");
    expect(first.body).toEqual(bytes);
    // The client's read (no HEAD first) and the fill's own read (never a tee of one stream).
    expect(reads).toEqual({ head: 0, get: 2 });

    for (let round = 0; round < 3; round++) {
      const again = await gatewayWith({ MEDIA: bucket }, `/media/${key}`);
      expect(again.response.status).toBe(200);
      expect(again.response.headers.get("x-cache")).toBe("HIT");
      expect(again.response.headers.get("content-length")).toBe("4000");
      expect(again.response.headers.get("content-type")).toBe("video/mp4");
      expect(again.body).toEqual(bytes);
    }
    expect(reads).toEqual({ head: 0, get: 2 });
  });

  it("asks R2 for the metadata first only where the answer is not the whole body (a range, HEAD)", async () => {
    const { key, bytes } = await storeObject(3000);
    const { bucket, reads } = countingBucket(env.MEDIA);
    const middle = await gatewayWith({ MEDIA: bucket }, `/media/${key}`, { headers: { range: "bytes=1000-1999" } });
    expect(middle.body).toEqual(bytes.slice(1000, 2000));
    expect(reads).toEqual({ head: 1, get: 2 }); // the range, then the whole object for the cache
    const other = await storeObject(3000);
    const counted = countingBucket(env.MEDIA);
    await gatewayWith({ MEDIA: counted.bucket }, `/media/${other.key}`, { method: "HEAD" });
    expect(counted.reads).toEqual({ head: 1, get: 1 });
  });

  it("answers ranges, HEAD and If-None-Match from the cached whole object", async () => {
    const { key, bytes } = await storeObject(4000);
    const { bucket, reads } = countingBucket(env.MEDIA);
    const warm = await gatewayWith({ MEDIA: bucket }, `/media/${key}`, { method: "HEAD" });
    const etag = warm.response.headers.get("etag")!;
    const before = { ...reads };

    const ranged = await gatewayWith({ MEDIA: bucket }, `/media/${key}`, { headers: { range: "bytes=100-199" } });
    expect(ranged.response.status).toBe(206);
    expect(ranged.response.headers.get("x-cache")).toBe("HIT");
    expect(ranged.response.headers.get("content-range")).toBe("bytes 100-199/4000");
    expect(ranged.response.headers.get("content-length")).toBe("100");
    expect(ranged.body).toEqual(bytes.slice(100, 200));

    const suffix = await gatewayWith({ MEDIA: bucket }, `/media/${key}`, { headers: { range: "bytes=-10" } });
    expect(suffix.response.status).toBe(206);
    expect(suffix.body).toEqual(bytes.slice(3990));

    const head = await gatewayWith({ MEDIA: bucket }, `/media/${key}`, { method: "HEAD" });
    expect(head.response.status).toBe(200);
    expect(head.response.headers.get("content-length")).toBe("4000");
    expect(head.body).toHaveLength(0);

    const notModified = await gatewayWith({ MEDIA: bucket }, `/media/${key}`, { headers: { "if-none-match": etag } });
    expect(notModified.response.status).toBe(304);
    expect(notModified.response.headers.get("etag")).toBe(etag);

    const outside = await gatewayWith({ MEDIA: bucket }, `/media/${key}`, { headers: { range: "bytes=4000-" } });
    expect(outside.response.status).toBe(416);
    expect(outside.response.headers.get("content-range")).toBe("bytes */4000");
    expect(reads).toEqual(before); // none of these read R2
  });

  it("keeps serving a cached copy R2 no longer has, until this location's cache is purged", async () => {
    const { key, bytes } = await storeObject(1000);
    await gatewayWith({}, `/media/${key}`);
    await env.MEDIA.delete(key);
    const cached = await gatewayWith({}, `/media/${key}`);
    expect(cached.response.status).toBe(200);
    expect(cached.body).toEqual(bytes);

    await purgeMediaCache(base, [key]);
    const gone = await gatewayWith({}, `/media/${key}`);
    expect(gone.response.status).toBe(404);
    expect(gone.response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("stores entries for MEDIA_EDGE_TTL_SECONDS and never shows its internal header", async () => {
    const { key } = await storeObject(100);
    const served = await gatewayWith({}, `/media/${key}`);
    expect(served.response.headers.get("x-wan-edge-access")).toBeNull();
    const entry = await caches.default.match(mediaCacheKey(base, key));
    expect(entry?.headers.get("cache-control")).toBe("public, max-age=300");
    expect(entry?.headers.get("content-length")).toBe("100");
    await entry?.body?.cancel();
  });

  it("shares one entry across every form of a link: the query is not part of the key", async () => {
    const { key } = await storeObject(500);
    const { bucket, reads } = countingBucket(env.MEDIA);
    await gatewayWith({ MEDIA: bucket }, `/media/${key}?download=1`);
    const plain = await gatewayWith({ MEDIA: bucket }, `/media/${key}`);
    const signedLooking = await gatewayWith({ MEDIA: bucket }, `/media/${key}?expires=1&signature=x`);
    expect([plain.response.headers.get("x-cache"), signedLooking.response.headers.get("x-cache")]).toEqual(["HIT", "HIT"]);
    expect(reads.get).toBe(2);
  });

  it("never puts an object larger than MEDIA_CACHE_MAX_BYTES into the cache: it streams from R2 every time", async () => {
    const { key, bytes } = await storeObject(1000);
    const { bucket, reads } = countingBucket(env.MEDIA);
    for (let round = 0; round < 2; round++) {
      const served = await gatewayWith({ MEDIA: bucket, MEDIA_CACHE_MAX_BYTES: "999" }, `/media/${key}`);
      expect(served.response.headers.get("x-cache")).toBe("MISS");
      expect(served.body).toEqual(bytes);
    }
    expect(reads).toEqual({ head: 0, get: 2 }); // one read each, none for a fill
    expect(await caches.default.match(mediaCacheKey(base, key))).toBeUndefined();
  });
});

describe("downloads", () => {
  it("adds Content-Disposition: attachment with a readable name for ?download=1", async () => {
    const key = "outputs/job_01jd3k5x7z9q2m4n6p8r0s2t4v/abc/0.mp4";
    await env.MEDIA.put(key, new Uint8Array(10), { httpMetadata: { contentType: "video/mp4" } });
    const download = await gatewayWith({}, `/media/${key}?download=1`);
    expect(download.response.headers.get("content-disposition")).toBe('attachment; filename="job_01jd3k5x7z9q2m4n6p8r0s2t4v-0.mp4"');
    const inline = await gatewayWith({}, `/media/${key}`);
    expect(inline.response.headers.get("content-disposition")).toBeNull();
  });

  it.each([
    ["outputs/job_a/tok/2.png", "job_a-2.png"],
    ["outputs/job_a/tok/0.thumb.webp", "job_a-0-thumbnail.webp"],
    ["outputs/job_a/tok/0.poster.jpg", "job_a-0-poster.jpg"],
    ["uploads/48fb94ce57613423/w4ca0qp0z504bg8m64tx/upload.png", "upl_w4ca0qp0z504bg8m64tx.png"],
    ['odd/na"me.mp4', "na_me.mp4"],
  ])("names %s %s", (key, name) => {
    expect(downloadName(key)).toBe(name);
  });
});
