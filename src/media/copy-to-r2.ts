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

/**
 * Reads the upstream body chunk by chunk, counting, hashing and checking the signature of
 * every byte before handing it on. A plain read loop rather than a TransformStream: fewer
 * stream hops per chunk, and no internal pipe promise left to reject unobserved.
 */
class InspectedBody {
  private readonly digest = new crypto.DigestStream("SHA-256");
  private readonly digestWriter = this.digest.getWriter();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private head = new Uint8Array(0);
  private pending: Uint8Array[] = [];
  bytes = 0;
  contentType: string | null = null;
  private chunks = 0;

  constructor(
    body: ReadableStream<Uint8Array>,
    private readonly options: CopyOptions,
  ) {
    this.reader = body.getReader();
  }

  /** Reads until the signature is known (those chunks are replayed by `next`). */
  async sniff(): Promise<string> {
    while (this.contentType === null) {
      const chunk = await this.readInspected();
      if (!chunk) throw failure("output_invalid", `The provider's output is too short to be a ${this.options.kind} file.`, false);
      this.pending.push(chunk);
    }
    return this.contentType;
  }

  /** The next chunk, or null at the end (when the SHA-256 is final). */
  async next(): Promise<Uint8Array | null> {
    const buffered = this.pending.shift();
    if (buffered) return buffered;
    return this.readInspected();
  }

  async sha256(): Promise<string> {
    return toHex(await this.digest.digest);
  }

  cancel(reason: unknown): void {
    this.reader.cancel(reason).catch(() => {});
    this.digestWriter.abort(reason).catch(() => {});
    this.digest.digest.catch(() => {});
  }

  private async readInspected(): Promise<Uint8Array | null> {
    // When the source is faster than the sink every await here settles at once, and the
    // loop would run as one long microtask chain that starves the isolate; yield to the
    // event loop every few MB so the job (and its neighbours) keep answering.
    if ((this.chunks += 1) % 64 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    const { done, value } = await this.reader.read();
    if (done) {
      await this.digestWriter.close();
      return null;
    }
    this.bytes += value.byteLength;
    if (this.bytes > this.options.maxBytes) throw failure("output_too_large", `The output exceeds the ${this.options.maxBytes}-byte limit.`, false);
    if (this.contentType === null) this.checkSignature(value);
    await this.digestWriter.write(value);
    return value;
  }

  private checkSignature(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.head.length + Math.min(chunk.length, signatureLength));
    joined.set(this.head);
    joined.set(chunk.subarray(0, signatureLength), this.head.length);
    this.head = joined;
    if (this.head.length < signatureLength) return;
    const sniffed = sniffContentType(this.head);
    if (!sniffed || kindOf(sniffed) !== this.options.kind) {
      throw failure("output_invalid", `The provider's output is not a valid ${this.options.kind} file.`, false);
    }
    this.contentType = sniffed;
  }
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
  let body: InspectedBody | null = null;
  try {
    const response = await fetchChecked(options);
    const declared = response.headers.get("content-length");
    const length = declared !== null && /^\d+$/.test(declared) ? Number(declared) : null;
    if (length !== null && length > options.maxBytes) {
      await response.body?.cancel();
      throw failure("output_too_large", `The output (${length} bytes) exceeds the ${options.maxBytes}-byte limit.`, false);
    }
    body = new InspectedBody(response.body!, options);
    const contentType = await body.sniff();
    key = options.keyFor(contentType);
    const httpMetadata = { contentType, cacheControl: "public, max-age=31536000, immutable" };

    let peakBufferedBytes = 0;
    if (length !== null) {
      const fixed = new FixedLengthStream(length);
      const source = body;
      const pump = (async () => {
        const writer = fixed.writable.getWriter();
        try {
          for (let chunk = await source.next(); chunk; chunk = await source.next()) await writer.write(chunk);
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
      for (let chunk = await body.next(); chunk; chunk = await body.next()) await take(chunk);
      if (filled > 0 || parts.length === 0) await flush();
      await multipart.complete(parts);
      multipart = null;
    }
    return {
      ok: true,
      value: { key, bytes: body.bytes, sha256: await body.sha256(), contentType, peakBufferedBytes, multipart: length === null },
    };
  } catch (thrown) {
    body?.cancel(thrown);
    if (multipart) await multipart.abort().catch(() => {});
    else if (key) await options.bucket.delete(key).catch(() => {});
    return { ok: false, error: asCopyFailure(thrown).error };
  }
}
