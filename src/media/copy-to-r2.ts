/**
 * @module media/copy-to-r2 — stream an upstream file into R2 without ever holding it whole.
 *
 * With a Content-Length the body is piped through a `FixedLengthStream` straight into
 * `R2.put` (R2 needs the length up front). Without one, it goes through a multipart upload
 * in fixed-size parts, so at most one part is buffered. Either way the bytes are counted,
 * hashed (SHA-256, incrementally via `crypto.DigestStream`) and their signature is checked
 * while they stream; any failure aborts the write, so no partial object is left behind.
 */
import type { JobError } from "../jobs/job-types";
import { toHex } from "../lib/encoding";
import type { MediaKind } from "./signatures";
import { kindOf, signatureLength, sniffContentType } from "./signatures";

export interface CopyOptions {
  fetch: typeof fetch;
  bucket: R2Bucket;
  url: string;
  /** Builds the R2 key once the content type is known. */
  keyFor: (contentType: string) => string;
  kind: MediaKind;
  maxBytes: number;
  /** Why a URL may not be fetched (checked for the URL and every redirect), or null. */
  urlProblem: (url: string) => string | null;
  /** Multipart part size (R2 needs ≥ 5 MiB for all parts but the last). */
  partSize?: number;
}

export interface CopiedObject {
  key: string;
  bytes: number;
  sha256: string;
  contentType: string;
  /** The most bytes this copy held in memory at once (a part, or 0 when piped). */
  peakBufferedBytes: number;
  /** True when the length was unknown and a multipart upload was used. */
  multipart: boolean;
}

export type CopyResult = { ok: true; value: CopiedObject } | { ok: false; error: JobError };

const defaultPartSize = 8 * 1024 * 1024;

class CopyFailure extends Error {
  constructor(readonly error: JobError) {
    super(error.message);
  }
}

const failure = (code: string, message: string, retryable: boolean) => new CopyFailure({ code, message, retryable });

/** Fetches `url`, following at most 3 redirects, each re-checked against the URL policy. */
async function fetchChecked(options: CopyOptions): Promise<Response> {
  let url = options.url;
  for (let hop = 0; hop <= 3; hop++) {
    const problem = options.urlProblem(url);
    if (problem) throw failure("output_url_refused", `The provider's output URL was refused: ${problem}.`, false);
    let response: Response;
    try {
      response = await options.fetch(url, { redirect: "manual", signal: AbortSignal.timeout(60_000) });
    } catch {
      throw failure("output_download_failed", "The provider's output could not be downloaded.", true);
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      url = new URL(location, url).toString();
      continue;
    }
    if (response.ok && response.body) return response;
    await response.body?.cancel();
    if ([403, 404, 410].includes(response.status)) {
      throw failure("output_expired", `The provider's output link answered HTTP ${response.status} (expired or removed).`, false);
    }
    throw failure("output_download_failed", `The provider's output link answered HTTP ${response.status}.`, response.status === 429 || response.status >= 500);
  }
  throw failure("output_url_refused", "The provider's output URL redirected too many times.", false);
}

/** A pass-through that counts, hashes and checks the signature of what flows through it. */
function inspector(options: CopyOptions) {
  const digest = new crypto.DigestStream("SHA-256");
  const digestWriter = digest.getWriter();
  let bytes = 0;
  let head = new Uint8Array(0);
  let contentType: string | null = null;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      bytes += chunk.byteLength;
      if (bytes > options.maxBytes) throw failure("output_too_large", `The output exceeds the ${options.maxBytes}-byte limit.`, false);
      if (contentType === null) {
        const joined = new Uint8Array(head.length + Math.min(chunk.length, signatureLength));
        joined.set(head);
        joined.set(chunk.subarray(0, signatureLength), head.length);
        head = joined;
        if (head.length >= signatureLength) {
          const sniffed = sniffContentType(head);
          if (!sniffed || kindOf(sniffed) !== options.kind) {
            throw failure("output_invalid", `The provider's output is not a valid ${options.kind} file.`, false);
          }
          contentType = sniffed;
        }
      }
      await digestWriter.write(chunk);
      controller.enqueue(chunk);
    },
    async flush() {
      if (contentType === null) throw failure("output_invalid", `The provider's output is too short to be a ${options.kind} file.`, false);
      await digestWriter.close();
    },
  });
  return {
    stream,
    bytes: () => bytes,
    contentType: () => contentType,
    sha256: async () => toHex(await digest.digest),
  };
}

/** Reads the first chunk so the content type is known before the R2 key is chosen. */
async function firstChunk(reader: ReadableStreamDefaultReader<Uint8Array>, inspect: ReturnType<typeof inspector>) {
  const chunks: Uint8Array[] = [];
  while (inspect.contentType() === null) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return chunks;
}

function asCopyFailure(thrown: unknown): CopyFailure {
  if (thrown instanceof CopyFailure) return thrown;
  if (thrown instanceof Error && thrown.cause instanceof CopyFailure) return thrown.cause;
  return failure("output_download_failed", "The download of the provider's output was interrupted.", true);
}

/**
 * Copies one upstream output into R2.
 * @example await copyToR2({ fetch, bucket: env.MEDIA, url, keyFor: (t) => `o/${id}.mp4`, kind: "video", maxBytes, urlProblem })
 */
export async function copyToR2(options: CopyOptions): Promise<CopyResult> {
  let key: string | null = null;
  let multipart: R2MultipartUpload | null = null;
  try {
    const response = await fetchChecked(options);
    const declared = response.headers.get("content-length");
    const length = declared !== null && /^\d+$/.test(declared) ? Number(declared) : null;
    if (length !== null && length > options.maxBytes) {
      await response.body?.cancel();
      throw failure("output_too_large", `The output (${length} bytes) exceeds the ${options.maxBytes}-byte limit.`, false);
    }
    const inspect = inspector(options);
    const reader = response.body!.pipeThrough(inspect.stream).getReader();
    const head = await firstChunk(reader, inspect);
    const contentType = inspect.contentType();
    if (!contentType) throw failure("output_invalid", `The provider's output is not a valid ${options.kind} file.`, false);
    key = options.keyFor(contentType);
    const httpMetadata = { contentType, cacheControl: "public, max-age=31536000, immutable" };

    let peakBufferedBytes = 0;
    if (length !== null) {
      const fixed = new FixedLengthStream(length);
      const pump = (async () => {
        const writer = fixed.writable.getWriter();
        try {
          for (const chunk of head) await writer.write(chunk);
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            await writer.write(value);
          }
          await writer.close();
        } catch (thrown) {
          await writer.abort(thrown).catch(() => {});
          throw thrown;
        }
      })();
      const [pumped, put] = await Promise.allSettled([pump, options.bucket.put(key, fixed.readable, { httpMetadata })]);
      if (pumped.status === "rejected") throw pumped.reason;
      if (put.status === "rejected") throw put.reason;
    } else {
      const partSize = options.partSize ?? defaultPartSize;
      multipart = await options.bucket.createMultipartUpload(key, { httpMetadata });
      const parts: R2UploadedPart[] = [];
      let buffer = new Uint8Array(partSize);
      let filled = 0;
      const flush = async () => {
        parts.push(await multipart!.uploadPart(parts.length + 1, buffer.subarray(0, filled)));
        buffer = new Uint8Array(partSize);
        filled = 0;
      };
      const take = async (chunk: Uint8Array) => {
        let offset = 0;
        while (offset < chunk.length) {
          const count = Math.min(partSize - filled, chunk.length - offset);
          buffer.set(chunk.subarray(offset, offset + count), filled);
          filled += count;
          offset += count;
          peakBufferedBytes = Math.max(peakBufferedBytes, filled);
          if (filled === partSize) await flush();
        }
      };
      for (const chunk of head) await take(chunk);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await take(value);
      }
      if (filled > 0 || parts.length === 0) await flush();
      await multipart.complete(parts);
      multipart = null;
    }
    return {
      ok: true,
      value: { key, bytes: inspect.bytes(), sha256: await inspect.sha256(), contentType, peakBufferedBytes, multipart: length === null },
    };
  } catch (thrown) {
    if (multipart) await multipart.abort().catch(() => {});
    else if (key) await options.bucket.delete(key).catch(() => {});
    return { ok: false, error: asCopyFailure(thrown).error };
  }
}
