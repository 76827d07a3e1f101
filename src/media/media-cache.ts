/**
 * @module media/media-cache — the edge cache in front of R2 for `/media` (Cache API,
 * `caches.default`, which lives in each Cloudflare location separately).
 *
 * Whole objects only are put in the cache, under a key that is the link without its query
 * (no signature, no `download`), so every form of a link shares one entry; `Range` reads
 * are answered from the cached whole object by the cache itself. An entry carries:
 * - `Cache-Control: max-age=<MEDIA_EDGE_TTL_SECONDS>` (default 300 s): the edge keeps a copy
 *   that long at most. It is what bounds how long a deleted object can still be served in a
 *   location that cached it (a deletion purges only the location it ran in);
 * - `x-wan-edge-access`: whether the object is private, so a cached private object is still
 *   only served to a valid signature.
 *
 * Filling never buffers the object: on a miss the client is served straight from R2, and
 * the cache is filled afterwards (`waitUntil`) from a second R2 read piped into
 * `cache.put`, each stream paced by its own reader. A `tee()` of one read would hold in
 * memory whatever the faster side (the cache) had read ahead of a slow client — up to the
 * whole object. Objects over `MEDIA_CACHE_MAX_BYTES` (Cloudflare caches files up to 512 MB
 * on most plans) are never put.
 */
import type { MediaAccess } from "../jobs/job-types";

/** Internal header of a cache entry: the object's access. Never sent to clients. */
export const accessHeader = "x-wan-edge-access";

/** The edge cache, or null where the runtime has none. */
export function edgeCache(): Cache | null {
  return typeof caches !== "undefined" && "default" in caches ? (caches as unknown as { default: Cache }).default : null;
}

/**
 * The cache key of `key`: its public link without a query.
 * @example mediaCacheKey("https://gw.example", "outputs/job_…/0.mp4") // "https://gw.example/media/outputs/job_…/0.mp4"
 */
export function mediaCacheKey(publicBaseUrl: string, key: string): string {
  return new URL(`/media/${key.split("/").map(encodeURIComponent).join("/")}`, publicBaseUrl).toString();
}

/** The access an R2 object was stored with (`customMetadata.access`; public when absent). */
export function accessOf(object: R2Object): MediaAccess {
  return object.customMetadata?.access === "private" ? "private" : "public";
}

/**
 * Puts the whole object `key` into the edge cache from its own R2 read. Called after the
 * client was answered; failures only mean the next request reads R2 again.
 */
export async function fillMediaCache(cache: Cache, bucket: R2Bucket, publicBaseUrl: string, key: string, edgeTtlSeconds: number): Promise<void> {
  const object = await bucket.get(key);
  if (!object) return;
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("etag", object.httpEtag);
  headers.set("content-length", String(object.size));
  headers.set("cache-control", `public, max-age=${edgeTtlSeconds}`);
  headers.set(accessHeader, accessOf(object));
  await cache.put(mediaCacheKey(publicBaseUrl, key), new Response(object.body, { headers }));
}

/**
 * Removes `keys` from this location's edge cache (other locations keep their copies until
 * their entries expire, `MEDIA_EDGE_TTL_SECONDS` at most). Best effort.
 */
export async function purgeMediaCache(publicBaseUrl: string, keys: readonly string[]): Promise<void> {
  const cache = edgeCache();
  if (!cache) return;
  await Promise.all(keys.map((key) => cache.delete(mediaCacheKey(publicBaseUrl, key)).catch(() => false)));
}
