/**
 * @module jobs/job-copy — copies a job's upstream outputs into R2, each once, in order.
 *
 * Only outputs not yet copied are fetched, so a partial failure retries just what is
 * missing. An output is stored only when it is whole (copy-to-r2), with the width, height
 * and duration its headers state. A cancel aborts the download in flight; the copier then leaves nothing behind.
 */
import type { Config, Env } from "../env";
import { upstreamFetch } from "../env";
import { randomToken } from "../lib/ids";
import type { CopiedObject } from "../media/copy-to-r2";
import { copyToR2 } from "../media/copy-to-r2";
import { extensionOf } from "../media/signatures";
import { fetchableUrlProblem } from "../media/url-policy";
import type { JobEvent } from "./job-machine";
import type { JobOutput, JobRecord } from "./job-types";
import { mediaPolicyOf } from "./job-types";

/** What every stored object of the job carries: its access, enforced by the media route. */
export function mediaMetadataOf(job: Pick<JobRecord, "media">): Record<string, string> {
  return { access: mediaPolicyOf(job).access };
}

export interface CopyDeps {
  env: Env;
  config: Config;
  /** Aborted when the job is canceled mid-copy. */
  signal: AbortSignal;
  /** Records a multipart upload before its parts are sent (aborted after a crash). */
  onMultipart?: (upload: { key: string; uploadId: string }) => void | Promise<void>;
}

/** What one copy did, for the event log (proof of bounded memory, multipart or piped). */
export type CopyDetail = Pick<CopiedObject, "key" | "bytes" | "sha256" | "peakBufferedBytes" | "multipart">;

/**
 * Copies the next missing output. Returns the event to apply, or null when there is
 * nothing left to copy.
 */
export async function copyNextOutput(job: JobRecord, deps: CopyDeps): Promise<{ event: JobEvent; detail: CopyDetail | unknown } | null> {
  const copy = job.copy;
  if (!copy) return null;
  const index = copy.urls.findIndex((_, candidate) => !copy.done.some((output) => output.index === candidate));
  if (index < 0) return null;
  const base = upstreamFetch(deps.env);
  const fetchWithCancel = ((input: RequestInfo | URL, init?: RequestInit) =>
    base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, deps.signal]) : deps.signal })) as typeof fetch;
  const result = await copyToR2({
    fetch: fetchWithCancel,
    bucket: deps.env.MEDIA,
    url: copy.urls[index]!,
    kind: job.model === "wan2.7-i2v" ? "video" : "image",
    maxBytes: deps.config.maxOutputBytes,
    keyFor: (contentType) => `outputs/${job.id}/${randomToken(20)}/${index}.${extensionOf(contentType)}`,
    urlProblem: (candidate) => fetchableUrlProblem(candidate, deps.config),
    onMultipart: deps.onMultipart,
    customMetadata: mediaMetadataOf(job),
  });
  if (!result.ok) return { event: { type: "copy_failed", error: result.error }, detail: { index, ...result.error } };
  const { key, bytes, sha256, contentType, peakBufferedBytes, multipart, metadata } = result.value;
  const output: JobOutput = { url: `${deps.config.publicBaseUrl}/media/${key}`, content_type: contentType, bytes, sha256, index, key, ...metadata };
  return { event: { type: "output_copied", output }, detail: { key, bytes, sha256, peakBufferedBytes, multipart } };
}
