/**
 * @module media/copy-to-r2 — stream an upstream file into R2 without ever holding it whole.
 *
 * This module is the download half: it fetches the provider's URL under the URL policy
 * (every redirect re-checked) and words failures as job errors. The streaming itself —
 * piped through a `FixedLengthStream` with a Content-Length, a multipart upload without
 * one, counted, hashed and signature-checked on the way, nothing left behind on failure —
 * is `streamToR2`, shared with uploads. An output is only stored whole: its length equals
 * the Content-Length when one was sent, and its structure proves it complete
 * (container-check), which also yields its width, height and duration.
 */
import type { JobError } from "../jobs/job-types";
import type { MediaKind } from "./signatures";
import { kindOf } from "./signatures";
import type { StoredObject, StreamFailure, StreamToR2Options } from "./stream-to-r2";
import { streamToR2 } from "./stream-to-r2";

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
  /** See `StreamToR2Options.onMultipart`. */
  onMultipart?: StreamToR2Options["onMultipart"];
  /** See `StreamToR2Options.customMetadata`. */
  customMetadata?: Record<string, string>;
}

/** What was stored: key, bytes, sha256, content type, metadata, and how (piped or multipart). */
export type CopiedObject = StoredObject;

export type CopyResult = { ok: true; value: CopiedObject } | { ok: false; error: JobError };

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

/** A streaming failure, worded as the job's error. */
function copyError(streamFailure: StreamFailure, options: CopyOptions): JobError {
  switch (streamFailure.reason) {
    case "too_large":
      return streamFailure.declared === null
        ? { code: "output_too_large", message: `The output exceeds the ${options.maxBytes}-byte limit.`, retryable: false }
        : { code: "output_too_large", message: `The output (${streamFailure.declared} bytes) exceeds the ${options.maxBytes}-byte limit.`, retryable: false };
    case "too_short":
      // Retryable: a body that ends before its first 12 bytes is a download cut short far
      // more often than a provider's file (a real one fails again, then fails over).
      return { code: "output_incomplete", message: `The provider's output ended after ${streamFailure.bytes} bytes, too short to be a ${options.kind} file.`, retryable: true };
    case "refused":
      return { code: "output_invalid", message: `The provider's output is not a valid ${options.kind} file.`, retryable: false };
    case "not_whole":
      // Retryable: the provider's link still holds the whole file; a download that ended
      // early (a chunked body cut cleanly, a connection closed) usually succeeds again.
      return { code: "output_incomplete", message: `The download of the provider's output was not a whole ${options.kind} file: ${streamFailure.problem}.`, retryable: true };
    case "interrupted":
    case "storage":
      return { code: "output_download_failed", message: "The download of the provider's output was interrupted.", retryable: true };
  }
}

/**
 * Copies one upstream output into R2.
 * @example await copyToR2({ fetch, bucket: env.MEDIA, url, keyFor: (t) => `o/${id}.mp4`, kind: "video", maxBytes, urlProblem })
 */
export async function copyToR2(options: CopyOptions): Promise<CopyResult> {
  let response: Response;
  try {
    response = await fetchChecked(options);
  } catch (thrown) {
    return { ok: false, error: thrown instanceof CopyFailure ? thrown.error : copyError({ reason: "interrupted" }, options) };
  }
  const declared = response.headers.get("content-length");
  const result = await streamToR2({
    bucket: options.bucket,
    body: response.body!,
    length: declared !== null && /^\d+$/.test(declared) ? Number(declared) : null,
    maxBytes: options.maxBytes,
    // Any file of the expected kind; its own signature names the exact type stored.
    accept: (sniffed) => (sniffed !== null && kindOf(sniffed) === options.kind ? sniffed : null),
    keyFor: options.keyFor,
    partSize: options.partSize,
    wholeFile: true,
    onMultipart: options.onMultipart,
    customMetadata: options.customMetadata,
  });
  return result.ok ? result : { ok: false, error: copyError(result.failure, options) };
}
