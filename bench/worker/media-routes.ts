/**
 * @module bench/worker/media-routes — the media-serving ceiling and the benchmark's own
 * handling of test objects and of the edge cache.
 *
 * - `GET  /__bench/r2/{key}`            a bare R2 read: `MEDIA.get` (with a single `Range`)
 *                                        straight into the response — the ceiling for
 *                                        `GET /media/{key}`
 * - `POST /__bench/media-seed?bytes=&from=&count=&prefix=` stores `count` objects of `bytes`
 *                                        (video/mp4, generated, streamed: never buffered)
 * - `POST /__bench/media-purge`         removes the keys (JSON array) from the edge cache
 * - `POST /__bench/media-cached`        how many of the keys (JSON array) the edge cache holds
 * - `GET  /__bench/frame.png`           a 1280×720 PNG: the first frame of the benchmark's jobs,
 *                                        so their posters and thumbnails are made as in production
 */
import { Hono } from "hono";
import { loadConfig } from "../../src/env";
import { edgeCache, mediaCacheKey, purgeMediaCache } from "../../src/media/media-cache";
import { makePng } from "../../test/png-fixture";
import type { BenchEnv } from "./ceilings";

export const mediaBench = new Hono<{ Bindings: BenchEnv }>();

mediaBench.get("/__bench/r2/*", async (c) => {
  const key = decodeURIComponent(new URL(c.req.url).pathname.slice("/__bench/r2/".length));
  // R2 reads a Range header itself: one Class B operation, nothing else.
  const ranged = c.req.header("range") !== undefined;
  const object = await c.env.MEDIA.get(key, ranged ? { range: c.req.raw.headers } : {});
  if (!object) return c.body(null, 404);
  const headers = new Headers({ etag: object.httpEtag });
  object.writeHttpMetadata(headers);
  const range = object.range as { offset: number; length: number } | undefined;
  if (ranged && range) {
    headers.set("content-length", String(range.length));
    headers.set("content-range", `bytes ${range.offset}-${range.offset + range.length - 1}/${object.size}`);
    return new Response(object.body, { status: 206, headers });
  }
  headers.set("content-length", String(object.size));
  return new Response(object.body, { status: 200, headers });
});

/** `bytes` of a repeating pattern, generated 1 MiB at a time. */
function patternStream(bytes: number): ReadableStream<Uint8Array> {
  const block = new Uint8Array(1024 * 1024);
  for (let index = 0; index < block.length; index++) block[index] = (index * 31 + 7) & 0xff;
  let left = bytes;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const size = Math.min(left, block.length);
      controller.enqueue(block.slice(0, size));
      left -= size;
    },
  });
}

mediaBench.post("/__bench/media-seed", async (c) => {
  const bytes = Number(c.req.query("bytes"));
  const from = Number(c.req.query("from") ?? 0);
  const count = Number(c.req.query("count"));
  const prefix = c.req.query("prefix") ?? "seed";
  const keys: string[] = [];
  for (let index = from; index < from + count; index++) {
    const key = `bench-media/${prefix}/${index}.mp4`;
    const fixed = new FixedLengthStream(bytes);
    await Promise.all([patternStream(bytes).pipeTo(fixed.writable), c.env.MEDIA.put(key, fixed.readable, { httpMetadata: { contentType: "video/mp4" } })]);
    keys.push(key);
  }
  return c.json({ keys });
});

mediaBench.post("/__bench/media-purge", async (c) => {
  const keys = (await c.req.json()) as string[];
  await purgeMediaCache(loadConfig(c.env).publicBaseUrl, keys);
  return c.json({ purged: keys.length });
});

mediaBench.post("/__bench/media-cached", async (c) => {
  const keys = (await c.req.json()) as string[];
  const cache = edgeCache();
  if (!cache) return c.json({ cached: 0, cache: false });
  const base = loadConfig(c.env).publicBaseUrl;
  let cached = 0;
  for (const key of keys) {
    // A one-byte range: the answer proves the entry without reading the object.
    const hit = await cache.match(new Request(mediaCacheKey(base, key), { headers: { range: "bytes=0-0" } }));
    if (hit && (hit.status === 200 || hit.status === 206)) cached++;
    await hit?.body?.cancel();
  }
  return c.json({ cached, cache: true });
});

let frame: Promise<Uint8Array> | null = null;
mediaBench.get("/__bench/frame.png", async (c) => {
  frame ??= makePng(1280, 720);
  return new Response(new Blob([(await frame) as Uint8Array<ArrayBuffer>]), { headers: { "content-type": "image/png" } });
});
