/**
 * @module jobs/job-view — the public job object (API.md "Job object") from a job record.
 */
import { liveAttempt } from "./job-attempts";
import type { JobOutput, JobRecord } from "./job-types";

export type JobView = ReturnType<typeof toJobView>;

/** Projects a record to the public JSON; internal scheduling fields never leave. */
export function toJobView(job: JobRecord, publicBaseUrl: string) {
  const self = `${publicBaseUrl}/v1/jobs/${job.id}`;
  // The attempt whose result the job has (or is waiting for).
  const live = job.copy ? job.attempts[job.copy.attempt] : (liveAttempt(job) ?? [...job.attempts].reverse().find((attempt) => attempt.status === "completed"));
  return {
    id: job.id,
    object: "job" as const,
    model: job.model,
    status: job.status,
    sequence: job.sequence ?? 0,
    progress: job.status === "queued" ? 0 : job.progress,
    created_at: job.created_at,
    updated_at: job.updated_at,
    completed_at: job.completed_at,
    input: job.input,
    metadata: job.metadata,
    provider: live?.upstream_id ? live.provider : null,
    attempts: job.attempts.map(({ provider, upstream_id, status, upstream_status, started_at, ended_at, error }) => ({ provider, upstream_id, status, upstream_status, started_at, ended_at, error })),
    outputs: job.outputs.map(outputView),
    error: job.error,
    usage: job.usage,
    urls: { self, events: `${self}/events`, cancel: `${self}/cancel` },
  };
}

/** An output as the API shows it: `width`, `height` and `duration_seconds` only where known. */
function outputView({ url, content_type, bytes, sha256, index, width, height, duration_seconds }: JobOutput) {
  return {
    url,
    content_type,
    bytes,
    sha256,
    index,
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    ...(duration_seconds !== undefined ? { duration_seconds } : {}),
  };
}
