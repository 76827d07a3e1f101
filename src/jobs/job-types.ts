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

/**
 * One upstream create and the task it made. Written *before* its create request leaves
 * (`creating`, with the idempotency key sent), so a crash never leaves a task nobody knows of.
 *
 * - `creating`: the create is in flight, or its answer was lost and is being re-sent with the
 *   same key (providers that honour one) — never billed twice.
 * - `running`: accepted upstream (the job's live attempt).
 * - `completed`: the provider finished it (billed). `failed`: it failed, or its create was refused.
 * - `abandoned`: the job walked away from it (start deadline, a faster attempt, cancel); it is
 *   canceled upstream where possible and, while the job runs, still read: if it finishes
 *   first, its result is used (late success).
 * - `outcome_unknown`: the create's answer never came and cannot be asked again; it may exist
 *   and bill (counted as possibly billed). A callback naming it adopts it.
 */
export interface Attempt {
  provider: ProviderId;
  upstream_id: string | null;
  status: "creating" | "running" | "completed" | "failed" | "abandoned" | "outcome_unknown";
  upstream_status: string | null;
  started_at: string;
  ended_at: string | null;
  error: JobError | null;
  /** Internal: the key sent with the create (the job id and the attempt's number). */
  idempotency_key?: string;
  /** Internal: how many times the create was sent with that key. */
  create_tries?: number;
  /** Internal: a task not seen running by then is stuck (failover). */
  start_deadline_at?: number | null;
  /** Internal: the upstream has reported the task running (or done). */
  seen_running?: boolean;
  /** Internal: the last normalised upstream state (a `paused` task holds its start deadline). */
  upstream_state?: string;
  /**
   * Internal: the next contact with this attempt — read its task (running, or abandoned but
   * possibly finishing first), or recover its create (creating). Null once it needs none.
   */
  due?: Due | null;
  /** Internal: the polling cadence of its provider. */
  polling?: { baseMs: number; maxMs: number };
  /** Internal: an upstream cancel is owed (abandoned with a task id; sent once, never retried). */
  cancel_due?: boolean;
  /** Internal: the provider completed the task, so it is billed (counted in `usage`). */
  billed?: boolean;
  /** Internal: the price estimate of this attempt (USD; null when the provider publishes none). */
  estimated_cost_usd?: number | null;
  /** Internal: billed seconds the provider reported, and its own usage figures verbatim. */
  billed_seconds?: number | null;
  provider_usage?: unknown;
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
  usage: JobUsage;
  deadline_at: number;
  /** When the next upstream create is due (a new attempt); null when none is. */
  submit: Due | null;
  /**
   * Pending copy of the result URLs of attempt `attempt` into R2; `done` holds the outputs
   * already copied.
   */
  copy: (Due & { attempt: number; urls: string[]; done: JobOutput[]; upload?: { key: string; upload_id: string } | null }) | null;
  /** Bumped on every change: webhook events and SSE messages carry it, so receivers can order them. */
  sequence?: number;
  /** Where and what to deliver as outbound webhooks (null: none). */
  webhook: { url: string; events: WebhookEventType[] } | null;
  /** SHA-256 of the canonical request, for Idempotency-Key replays (null without a key). */
  request_hash: string | null;
}

/**
 * What the job cost upstream. Every attempt a provider completed is billed and counted, the
 * failover ones included; `possibly_billed_attempts` are tasks whose fate is unknown (a lost
 * create answer, an abandoned task still running).
 */
export type JobUsage = {
  billed_seconds: number | null;
  images: number | null;
  estimated_cost_usd: number | null;
  billed_attempts: number;
  possibly_billed_attempts: number;
};

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
