/**
 * @module file-routes
 * `GET|HEAD /files/<provider>/<task id>/<name>?expires=<ms>`: the output files, served like a
 * signed CDN/OSS URL. The expiry in the URL is checked against the task's record (a client
 * cannot extend it) and the clock; then the bytes stream from the generator, with a
 * Content-Length (FixedLengthStream) unless the fault plan says otherwise, optionally cut
 * halfway (`media_abort_rate`, `media_cut`), with single-range support for resumable copies.
 *
 * The two cuts:
 * - `error`: the client's read fails. With a Content-Length the connection closes early. Without
 *   one, workerd cannot close a chunked body before its terminating chunk: an errored stream is
 *   ended with `0\r\n\r\n` (kj's HttpChunkedEntityWriter; cloudflare/workerd#6818), which a client
 *   cannot tell from a whole file. So that answer is sent `Content-Encoding: gzip` (workerd
 *   compresses it) and the cut leaves the gzip stream unfinished: a workerd client (the
 *   gateway) fails the read with "Gzip compressed stream ended prematurely". Through a service
 *   binding the stream error itself reaches the reader.
 * - `short`: a clean early end, the truncated file a careless CDN might serve: without a length
 *   a chunked body that simply ends, with one a Content-Length that matches the short body.
 */
import { Hono } from "hono";
import type { EmulatorCore } from "./core";
import { createMediaStream } from "./media-stream";

const EXPIRED_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired.</Message></Error>';

/** Mount at `/files`. Hono answers HEAD with the GET handler minus the body. */
export function createFileRoutes(core: EmulatorCore): Hono {
  const app = new Hono();
  app.get("/:provider/:id/:name", (c) => {
    const { provider, id, name } = c.req.param();
    const file = core.tasks.get(provider, id)?.outputs.find((output) => output.name === name);
    if (file === undefined) return c.text("Not Found", 404);
    if (c.req.query("expires") !== String(file.expiresAt) || core.now() >= file.expiresAt) {
      return c.body(EXPIRED_XML, 403, { "content-type": "application/xml" });
    }
    const plan = core.faults.effective(provider);
    const total = file.spec.totalBytes;
    const range = parseRange(c.req.header("range"), total);
    if (range === "unsatisfiable") {
      return c.body(null, 416, { "content-range": `bytes */${total}` });
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? total;
    const headers: Record<string, string> = {
      "content-type": file.contentType,
      "accept-ranges": "bytes",
      "cache-control": "private, max-age=86400",
    };
    if (range !== null) headers["content-range"] = `bytes ${start}-${end - 1}/${total}`;
    const status = range === null ? 200 : 206;
    if (plan.media_no_length !== true) headers["content-length"] = String(end - start);
    if (c.req.method === "HEAD") return c.body(null, status, headers);
    const cut = core.random.chance(plan.media_abort_rate);
    const cutAt = start + Math.floor((end - start) / 2);
    if (cut && plan.media_cut === "short") {
      if (plan.media_no_length !== true) {
        headers["content-length"] = String(cutAt - start);
        if (range !== null) headers["content-range"] = `bytes ${start}-${cutAt - 1}/${total}`;
      }
      return serve(createMediaStream(file.spec, { start, end: cutAt }), status, headers, plan.media_no_length === true ? null : cutAt - start);
    }
    const stream = createMediaStream(file.spec, { start, end, ...(cut ? { cutAt } : {}) });
    if (cut && plan.media_no_length === true) headers["content-encoding"] = "gzip";
    return serve(stream, status, headers, plan.media_no_length === true ? null : end - start);
  });
  return app;
}

/**
 * A body of `length` bytes (null: unknown, so chunked). A FixedLengthStream tells workerd the
 * length up front (Content-Length, no chunking) while the body is still generated lazily; a
 * source that errors aborts it mid-body, which closes the connection early.
 */
function serve(stream: ReadableStream<Uint8Array>, status: 200 | 206, headers: Record<string, string>, length: number | null): Response {
  if (length === null) return new Response(stream, { status, headers });
  const fixed = new FixedLengthStream(length);
  stream.pipeTo(fixed.writable).catch(() => undefined);
  return new Response(fixed.readable, { status, headers });
}

/**
 * One `bytes=` range as [start, end) within `total`, null for none/unsupported (multi-range
 * is answered with the whole file, which RFC 9110 allows), "unsatisfiable" for 416.
 */
export function parseRange(
  header: string | undefined,
  total: number,
): { start: number; end: number } | null | "unsatisfiable" {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return null;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, total - suffix), end: total };
  }
  const start = Number(first);
  if (start >= total) return "unsatisfiable";
  const end = last === "" ? total : Math.min(total, Number(last) + 1);
  if (end <= start) return null;
  return { start, end };
}
