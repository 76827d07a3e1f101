/**
 * @module http/read-limited-body — request bodies read under a byte limit, whatever the
 * client says its length is.
 *
 * `request.text()` reads a body whole before anyone can look at its size: a chunked body
 * (no Content-Length) of 100 MB costs the Worker more than its 128 MB of memory. Here the
 * limit is applied while the bytes arrive: a declared Content-Length over it is refused
 * before anything is read, and otherwise the counted bytes are — the moment they pass it,
 * so at most the limit (plus one chunk) is ever held, and the rest of the body is never
 * read. A Content-Length that lies low changes nothing: the bytes are counted, not trusted.
 */
import { ProblemError } from "./problem";

/** A limit and the words for it: `what` names the body in the 413, e.g. "The JSON body". */
export interface BodyLimit {
  maxBytes: number;
  what: string;
}

const mebibyte = 1024 * 1024;

/** 1 MiB shown as "1 MB", 256 KiB as "256 KB": the limit as people say it, with the exact bytes. */
function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const size = bytes >= mebibyte ? `${Math.round((bytes / mebibyte) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
  return `${size} (${bytes} bytes)`;
}

/** The 413 for a body over `limit`. */
export function payloadTooLarge(limit: BodyLimit): ProblemError {
  return new ProblemError("payload_too_large", `${limit.what} may be at most ${sizeText(limit.maxBytes)}.`);
}

/** The declared Content-Length when it is a plain number, else null (absent or malformed: counted instead). */
function declaredLength(request: Request): number | null {
  const header = request.headers.get("content-length")?.trim();
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : null;
}

/**
 * Throws the 413 at once when the declared Content-Length is over the limit (the body is
 * left unread and released).
 */
export function refuseDeclaredOverLimit(request: Request, limit: BodyLimit): void {
  const declared = declaredLength(request);
  if (declared !== null && declared > limit.maxBytes) {
    request.body?.cancel().catch(() => {});
    throw payloadTooLarge(limit);
  }
}

/**
 * The body's bytes, at most `limit.maxBytes` of them; a 413 problem as soon as there are
 * more (or the Content-Length says there will be).
 * @example const bytes = await readLimitedBody(c.req.raw, { maxBytes: 1024 * 1024, what: "The JSON body" })
 */
export async function readLimitedBody(request: Request, limit: BodyLimit): Promise<Uint8Array> {
  refuseDeclaredOverLimit(request, limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit.maxBytes) {
      reader.cancel().catch(() => {});
      throw payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * The body as UTF-8 text, under the limit (see `readLimitedBody`).
 * @example const text = await readLimitedText(c.req.raw, { maxBytes: 256 * 1024, what: "A callback body" })
 */
export async function readLimitedText(request: Request, limit: BodyLimit): Promise<string> {
  return new TextDecoder().decode(await readLimitedBody(request, limit));
}

/**
 * A copy of `request` whose body stops with an error once more than `limit.maxBytes` have
 * passed, for parsers that read the body themselves (`formData()`): `overLimit()` then tells
 * their failure from a malformed body.
 * @example
 * const { request: limited, overLimit } = limitedRequest(c.req.raw, limit);
 * try { form = await limited.formData() } catch { throw overLimit() ? payloadTooLarge(limit) : invalid }
 */
export function limitedRequest(request: Request, limit: BodyLimit): { request: Request; overLimit: () => boolean } {
  refuseDeclaredOverLimit(request, limit);
  let total = 0;
  let over = false;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      total += chunk.byteLength;
      if (total > limit.maxBytes) {
        over = true;
        controller.error(payloadTooLarge(limit));
        return;
      }
      controller.enqueue(chunk);
    },
  });
  const body = request.body ? request.body.pipeThrough(counter) : null;
  // The copy has no Content-Length: its body is the counted stream, whatever was declared.
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  return { request: new Request(request.url, { method: request.method, headers, body }), overLimit: () => over };
}
