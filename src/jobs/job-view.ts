/**
 * @module jobs/job-view — the public job object (API.md "Job object") from a job record.
 *
 * `toJobView` is synchronous and gives every link unsigned; `withFreshLinks` signs the
 * links of a private job afresh (an HMAC is asynchronous) — every place that hands a job
 * to someone (the API, the event stream, webhooks) passes it through that.
 */
import { signedMediaUrl } from "../media/media-links";
import { liveAttempt } from "./job-attempts";
import type { JobOutput, JobRecord } from "./job-types";
import { mediaExpiresAt, mediaPolicyOf, mediaRemoved } from "./job-types";

export type JobView = ReturnType<typeof toJobView>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Projects a record to the public JSON; internal scheduling fields never leave. */
export function toJobView(job: JobRecord, publicBaseUrl: string) {
  const self = `${publicBaseUrl}/v1/jobs/${job.id}`;
  // The attempt whose result the job has (or is waiting for).
  const live = job.copy ? job.attempts[job.copy.attempt] : (liveAttempt(job) ?? [...job.attempts].reverse().find((attempt) => attempt.status === "completed"));
  const policy = mediaPolicyOf(job);
  const removed = mediaRemoved(job);
  return {
    id: job.id,
    object: "job" as const,
    model: job.model,
    status: job.status,
    sequence: job.sequence ?? 0,
    progress: job.status === "queued" ? 0 : job.progress,
    /** Waiting for one of the tenant's running slots: the place in line (1 = next); else null. */
    queue_position: job.hold && job.status === "queued" ? job.hold.position : (null as number | null),
    created_at: job.created_at,
    updated_at: job.updated_at,
    completed_at: job.completed_at,
    input: job.input,
    metadata: job.metadata,
    provider: live?.upstream_id ? live.provider : null,
    attempts: job.attempts.map(({ provider, upstream_id, status, upstream_status, started_at, ended_at, error }) => ({ provider, upstream_id, status, upstream_status, started_at, ended_at, error })),
    outputs: job.outputs.map((output) => outputView(output, publicBaseUrl, removed)),
    error: job.error,
    usage: job.usage,
    media: { access: policy.access, link_ttl_seconds: policy.link_ttl_seconds },
    retention: policy.retention_days === null ? null : { days: policy.retention_days },
    expires_at: iso(mediaExpiresAt(job)),
    deleted_at: job.deleted_at ?? null,
    expired_at: job.expired_at ?? null,
    urls: { self, events: `${self}/events`, cancel: `${self}/cancel` },
  };
}

/**
 * What a client can see of the job, as one string: two records with the same state differ
 * only internally (a read rescheduled, a cancel sent, an account settled), which bumps no
 * `sequence` and tells no stream.
 */
export function publicState(job: JobRecord): string {
  const { sequence: _sequence, updated_at: _updated, urls: _urls, ...visible } = toJobView(job, "");
  return JSON.stringify(visible);
}

/**
 * An output as the API shows it: `width`, `height`, `duration_seconds`, `thumbnail_url` and
 * `poster_url` only where known; no link at all once the media are removed.
 */
function outputView(output: JobOutput, publicBaseUrl: string, removed: boolean) {
  const { content_type, bytes, sha256, index, width, height, duration_seconds, thumbnail_key, poster_key } = output;
  const link = (key: string) => `${publicBaseUrl}/media/${key}`;
  return {
    ...(removed ? {} : { url: output.url }),
    content_type,
    bytes,
    sha256,
    index,
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    ...(duration_seconds !== undefined ? { duration_seconds } : {}),
    ...(thumbnail_key && !removed ? { thumbnail_url: link(thumbnail_key) } : {}),
    ...(poster_key && !removed ? { poster_url: link(poster_key) } : {}),
  };
}

/**
 * The view with the links of a private job signed to expire `link_ttl_seconds` from
 * `nowMs` (a public job's view is returned as it is).
 * @example await withFreshLinks(toJobView(job, base), job, base, secret, Date.now())
 */
export async function withFreshLinks(view: JobView, job: Pick<JobRecord, "media">, publicBaseUrl: string, serverSecret: string, nowMs: number): Promise<JobView> {
  const policy = mediaPolicyOf(job);
  if (policy.access !== "private" || view.outputs.length === 0) return view;
  const expires = Math.floor(nowMs / 1000) + policy.link_ttl_seconds;
  const prefix = `${publicBaseUrl}/media/`;
  const sign = async (url: string | undefined) => (url?.startsWith(prefix) ? signedMediaUrl(publicBaseUrl, url.slice(prefix.length).split("?")[0]!, serverSecret, expires) : url);
  const outputs = await Promise.all(
    view.outputs.map(async (output) => {
      const signed = { ...output };
      for (const field of ["url", "thumbnail_url", "poster_url"] as const) if (signed[field] !== undefined) signed[field] = await sign(signed[field]);
      return signed;
    }),
  );
  return { ...view, outputs };
}

/**
 * A stored webhook body with the links of a private job signed afresh: a delivery retried
 * hours later still carries links that work (the `webhook-id` stays the same).
 */
export async function withFreshPayloadLinks(payload: string, job: Pick<JobRecord, "media">, publicBaseUrl: string, serverSecret: string, nowMs: number): Promise<string> {
  if (mediaPolicyOf(job).access !== "private") return payload;
  const event = JSON.parse(payload) as { data?: JobView };
  if (!event.data?.outputs) return payload;
  return JSON.stringify({ ...event, data: await withFreshLinks(event.data, job, publicBaseUrl, serverSecret, nowMs) });
}
