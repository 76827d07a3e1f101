/**
 * @module routes/media — `GET|HEAD /media/{key}`: permanent links, served from the edge
 * cache in front of R2 (media/media-cache).
 *
 * No auth for public objects (keys are unguessable); a private object needs a valid signed
 * link (media/media-links; 403 otherwise), whether it comes from the cache or from R2.
 * Single byte ranges → 206, `If-None-Match` → 304, `?download=1` → an attachment with a
 * readable file name. Browsers may keep a public object for a year (it never changes);
 * shared caches for `MEDIA_EDGE_TTL_SECONDS` only, so a deletion takes effect there soon.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import type { Config } from "../env";
import { loadConfig } from "../env";
import { ProblemError } from "../http/problem";
import type { MediaAccess } from "../jobs/job-types";
import { accessHeader, accessOf, edgeCache, fillMediaCache, mediaCacheKey } from "../media/media-cache";
import { parseRange } from "../media/byte-range";
import { checkMediaLink } from "../media/media-links";
import { downloadName } from "../media/download-name";

export const mediaRoutes = new Hono<AppEnv>();

/** The longest key R2 stores. */
const maxKeyBytes = 1024;


/** What is known of the object before its bytes are sent, from the cache or from R2. */
interface Stored {
  size: number;
  etag: string;
  access: MediaAccess;
  headers: Headers;
  /** The cached whole object (a hit); null when the bytes come from R2. */
  cached: Response | null;
  /** A miss read whole from R2 at once (a GET without `Range`): its body is yet to be sent. */
  read: R2ObjectBody | null;
}

function keyOf(c: Context<AppEnv>): string {
  const notFound = new ProblemError("not_found", "No such media.");
  let key: string;
  try {
    key = decodeURIComponent(new URL(c.req.url).pathname.slice("/media/".length));
  } catch {
    throw notFound; // a malformed %-escape names no object
  }
  // R2 keys are at most 1024 bytes (UTF-8); a longer one names no object (R2 would throw).
  if (key === "" || key.includes("..") || new TextEncoder().encode(key).length > maxKeyBytes) throw notFound;
  return key;
}

/**
 * The object from the cache, else from R2: a GET for the whole object reads it at once (one
 * R2 operation, its body sent later), anything else asks R2 for its metadata first.
 */
async function lookUp(c: Context<AppEnv>, cache: Cache | null, cacheKey: string, key: string, whole: boolean): Promise<Stored> {
  const hit = await cache?.match(cacheKey);
  if (hit?.status === 200) {
    const headers = new Headers({ "content-type": hit.headers.get("content-type") ?? "application/octet-stream" });
    const access = hit.headers.get(accessHeader) === "private" ? "private" : "public";
    return { size: Number(hit.headers.get("content-length")), etag: hit.headers.get("etag") ?? "", access, headers, cached: hit, read: null };
  }
  await hit?.body?.cancel();
  const object = whole ? await c.env.MEDIA.get(key) : await c.env.MEDIA.head(key);
  if (!object) throw new ProblemError("not_found", "No such media.");
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  return { size: object.size, etag: object.httpEtag, access: accessOf(object), headers, cached: null, read: whole ? (object as R2ObjectBody) : null };
}

/** Lets go of whatever body `stored` holds (the answer carries none of it). */
async function release(stored: Stored): Promise<void> {
  await stored.cached?.body?.cancel();
  await stored.read?.body.cancel();
}

/** A private object needs a valid, unexpired signature; returns when the link expires (unix s). */
async function authorize(stored: Stored, key: string, url: URL, config: Config): Promise<number | null> {
  if (stored.access === "public") return null;
  const check = await checkMediaLink(key, url.searchParams, config.serverSecret, Date.now());
  if (check.ok) return check.expires;
  await release(stored);
  const detail = check.reason === "expired" ? "This link has expired; get a fresh one from the job." : "This media is private: it needs a link signed by the gateway (expires and signature).";
  throw new ProblemError("forbidden", detail, [], { "cache-control": "no-store" });
}

async function serve(c: Context<AppEnv>, headOnly: boolean) {
  const config = loadConfig(c.env);
  const url = new URL(c.req.url);
  const key = keyOf(c);
  const cache = edgeCache();
  const cacheKey = mediaCacheKey(config.publicBaseUrl, key);
  const stored = await lookUp(c, cache, cacheKey, key, !headOnly && c.req.header("range") === undefined);
  const linkExpires = await authorize(stored, key, url, config);

  const headers = stored.headers;
  headers.set("etag", stored.etag);
  headers.set("accept-ranges", "bytes");
  // A private link is only good until it expires; nobody but its holder may keep it.
  const privateAge = linkExpires === null ? 0 : Math.max(0, linkExpires - Math.floor(Date.now() / 1000));
  headers.set("cache-control", linkExpires === null ? `public, max-age=31536000, s-maxage=${config.mediaEdgeTtlSeconds}, immutable` : `private, max-age=${privateAge}`);
  headers.set("x-cache", stored.cached ? "HIT" : "MISS");
  if (url.searchParams.get("download") === "1") headers.set("content-disposition", `attachment; filename="${downloadName(key)}"`);
  // Filled only from R2 (a hit is already there), only for objects the edge will take.
  const fillable = cache !== null && !stored.cached && stored.size <= config.mediaCacheMaxBytes;
  const done = async (response: Response) => {
    // The fill reads R2 on its own: sharing the client's read would mean buffering for the
    // slower of the two (`tee()`), up to the whole object.
    if (fillable) c.executionCtx.waitUntil(fillMediaCache(cache!, c.env.MEDIA, config.publicBaseUrl, key, config.mediaEdgeTtlSeconds).catch(() => {}));
    return response;
  };

  if (c.req.header("if-none-match") === stored.etag) {
    await release(stored);
    return done(new Response(null, { status: 304, headers }));
  }
  const range = parseRange(c.req.header("range"), stored.size);
  if (range === "unsatisfiable") {
    await release(stored);
    // A problem document like every other error, with the size the client needs to retry.
    throw new ProblemError("range_not_satisfiable", `The requested range lies outside the object's ${stored.size} bytes.`, [], {
      "content-range": `bytes */${stored.size}`,
      "accept-ranges": "bytes",
    });
  }
  const status = range ? 206 : 200;
  headers.set("content-length", String(range ? range.length : stored.size));
  if (range) headers.set("content-range", `bytes ${range.offset}-${range.offset + range.length - 1}/${stored.size}`);
  if (headOnly || (range && stored.cached)) await stored.cached?.body?.cancel();
  if (headOnly) return done(new Response(null, { status, headers }));
  if (stored.read) return done(new Response(stored.read.body, { status, headers }));

  if (stored.cached && !range) return new Response(stored.cached.body, { status, headers });
  if (stored.cached && range) {
    // The cache answers a range of its whole object itself (206 from a Content-Length entry).
    const part = await cache!.match(new Request(cacheKey, { headers: { range: `bytes=${range.offset}-${range.offset + range.length - 1}` } }));
    if (part?.status === 206 && part.body) return new Response(part.body, { status, headers });
    await part?.body?.cancel(); // evicted meanwhile: read R2 instead
  }
  const object = await c.env.MEDIA.get(key, range ? { range } : {});
  if (!object || !("body" in object)) throw new ProblemError("not_found", "No such media.");
  return done(new Response(object.body, { status, headers }));
}

mediaRoutes.on("HEAD", "/media/*", (c) => serve(c, true));
mediaRoutes.get("/media/*", (c) => serve(c, c.req.method === "HEAD"));
