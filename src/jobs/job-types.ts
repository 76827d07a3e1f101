/**
 * @module jobs/job-types — the job record: what a job's Durable Object persists.
 *
 * Public fields use the API's snake_case names so the job object is a projection, not a
 * translation. Internal scheduling state (`*_due_at`, tries) never leaves the Durable Object.
 */
import type { I2vInput } from "../models/i2v";
import type { ImageProInput } from "../models/image-pro";
import type { ProviderId, UpstreamErrorKind } from "../providers/provider-adapter";

export type JobStatus = "queued" | "running" | "completed" | "failed" | "canceled";
export const terminalStatuses: ReadonlySet<JobStatus> = new Set(["completed", "failed", "canceled"]);

export interface JobError {
  code: string;
  message: string;
  retryable: boolean;
}

export interface Attempt {
  provider: ProviderId;
  upstream_id: string | null;
  status: "submitting" | "running" | "completed" | "failed" | "abandoned";
  upstream_status: string | null;
  started_at: string;
  ended_at: string | null;
  error: JobError | null;
  /** Internal: a task not seen running by then is stuck (failover). */
  start_deadline_at?: number | null;
  /** Internal: the upstream has reported the task running (or done). */
  seen_running?: boolean;
}

export interface JobOutput {
  url: string;
  content_type: string;
  bytes: number;
  sha256: string;
  index: number;
  /** R2 key (internal; the public `url` is derived from it). */
  key: string;
  /** Pixels, from the file's own headers (MP4: the video track's `tkhd`), where known. */
  width?: number;
  height?: number;
  /** Seconds, from the MP4 `mvhd` (timescale-aware), where known. */
  duration_seconds?: number;
}

/** A unit of scheduled work: due at `due_at` (ms since epoch), tried `tries` times. */
export interface Due {
  due_at: number;
  tries: number;
  /** A slot of the provider's account-wide read budget is already reserved for this poll. */
  reserved?: boolean;
}

export interface JobRecord {
  id: string;
  tenant: string;
  model: ModelId;
  input: I2vInput | ImageProInput;
  metadata: Record<string, string>;
  /** Eligible providers in the order they are tried. */
  providers: ProviderId[];
  /** Index in `providers` of the provider the next submit goes to. */
  provider_cursor: number;
  /** Providers this job will not try again (out of credit, key refused, …). */
  skip_providers: ProviderId[];
  status: JobStatus;
  progress: number | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  attempts: Attempt[];
  outputs: JobOutput[];
  error: JobError | null;
  usage: { billed_seconds: number | null; images: number | null; estimated_cost_usd: number | null };
  deadline_at: number;
  /** Polling cadence of the current attempt's provider. */
  polling?: { baseMs: number; maxMs: number };
  submit: Due | null;
  poll: Due | null;
  /** Pending copy of the upstream result URLs into R2; `done` holds the outputs already copied. */
  copy: (Due & { urls: string[]; done: JobOutput[] }) | null;
  /** Where and what to deliver as outbound webhooks (null: none). */
  webhook: { url: string; events: WebhookEventType[] } | null;
  /** SHA-256 of the canonical request, for Idempotency-Key replays (null without a key). */
  request_hash: string | null;
}

export const modelIds = ["wan2.7-i2v", "wan2.7-image-pro"] as const;
export type ModelId = (typeof modelIds)[number];

export const webhookEventTypes = ["job.running", "job.completed", "job.failed", "job.canceled"] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** The video input of a video job (narrowing helper). */
export function videoInput(job: Pick<JobRecord, "model" | "input">): I2vInput | null {
  return job.model === "wan2.7-i2v" ? (job.input as I2vInput) : null;
}

/** The image input of an image job (narrowing helper). */
export function imageInput(job: Pick<JobRecord, "model" | "input">): ImageProInput | null {
  return job.model === "wan2.7-image-pro" ? (job.input as ImageProInput) : null;
}

export type { UpstreamErrorKind };
