/**
 * @module routes/media — `GET|HEAD /media/{key}`: permanent links served from R2.
 *
 * No auth (keys are unguessable); immutable caching; single byte ranges → 206.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { ProblemError } from "../http/problem";

export const mediaRoutes = new Hono<AppEnv>();

/** The longest key R2 stores. */
const maxKeyBytes = 1024;

type ByteRange = { offset: number; length: number } | "unsatisfiable" | null;

/** Parses a single `bytes=` range against `size` (multiple ranges → null: serve it all). */
export function parseRange(header: string | undefined, size: number): ByteRange {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  const [, first, last] = match as unknown as [string, string, string];
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const start = Number(first);
  if (start >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return null;
  return { offset: start, length: end - start + 1 };
}

async function serve(c: Context<AppEnv>, headOnly: boolean) {
  const notFound = new ProblemError("not_found", "No such media.");
  let key: string;
  try {
    key = decodeURIComponent(new URL(c.req.url).pathname.slice("/media/".length));
  } catch {
    throw notFound; // a malformed %-escape names no object
  }
  // R2 keys are at most 1024 bytes (UTF-8); a longer one names no object (R2 would throw).
  if (key === "" || key.includes("..") || new TextEncoder().encode(key).length > maxKeyBytes) throw notFound;
  const head = await c.env.MEDIA.head(key);
  if (!head) throw notFound;

  const headers = new Headers();
  head.writeHttpMetadata(headers);
  headers.set("etag", head.httpEtag);
  headers.set("accept-ranges", "bytes");
  headers.set("cache-control", "public, max-age=31536000, immutable");
  if (c.req.header("if-none-match") === head.httpEtag) return new Response(null, { status: 304, headers });

  const range = parseRange(c.req.header("range"), head.size);
  if (range === "unsatisfiable") {
    // A problem document like every other error, with the size the client needs to retry.
    throw new ProblemError("range_not_satisfiable", `The requested range lies outside the object's ${head.size} bytes.`, [], {
      "content-range": `bytes */${head.size}`,
      "accept-ranges": "bytes",
    });
  }
  const status = range ? 206 : 200;
  const length = range ? range.length : head.size;
  headers.set("content-length", String(length));
  if (range) headers.set("content-range", `bytes ${range.offset}-${range.offset + range.length - 1}/${head.size}`);
  if (headOnly) return new Response(null, { status, headers });
  const object = await c.env.MEDIA.get(key, range ? { range } : {});
  if (!object || !("body" in object)) throw notFound;
  return new Response(object.body, { status, headers });
}

mediaRoutes.on("HEAD", "/media/*", (c) => serve(c, true));
mediaRoutes.get("/media/*", (c) => serve(c, c.req.method === "HEAD"));
