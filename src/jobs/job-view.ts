/**
 * @module jobs/job-view — the public job object (API.md "Job object") from a job record.
 */
import type { JobOutput, JobRecord } from "./job-types";

export type JobView = ReturnType<typeof toJobView>;

/** Projects a record to the public JSON; internal scheduling fields never leave. */
export function toJobView(job: JobRecord, publicBaseUrl: string) {
  const self = `${publicBaseUrl}/v1/jobs/${job.id}`;
  const current = job.attempts[job.attempts.length - 1];
  return {
    id: job.id,
    object: "job" as const,
    model: job.model,
    status: job.status,
    progress: job.status === "queued" ? 0 : job.progress,
    created_at: job.created_at,
    updated_at: job.updated_at,
    completed_at: job.completed_at,
    input: job.input,
    metadata: job.metadata,
    provider: current?.upstream_id ? current.provider : null,
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
