/**
 * @module jobs/job-types — the job record: what a job's Durable Object persists.
 *
 * Public fields use the API's snake_case names so the job object is a projection, not a
 * translation. Internal scheduling state (`*_due_at`, tries) never leaves the Durable Object.
 */
import type { PriceQuote, PriceSource, Units } from "../billing/price-book";
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
  /** Internal: the price book's quote when its create was sent (units, unit price, version). */
  quote?: PriceQuote;
  /** Internal: billed seconds the provider reported, and its own usage figures verbatim. */
  billed_seconds?: number | null;
  provider_usage?: unknown;
  /** Internal: how many images the provider delivered (image models; what it bills). */
  billed_images?: number | null;
  /** Internal: the provider's usage figures in its create answer, verbatim (ShortAPI `amount`, PixelDojo `creditCost`, …). */
  create_usage?: unknown;
  /** Internal: its line is in the tenant's cost ledger (billing/settlement). */
  ledgered?: boolean;
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
  /** R2 key of its WebP thumbnail (images, and the poster of a video), once made. */
  thumbnail_key?: string;
  /** R2 key of its poster (videos from a first frame: that frame), once copied. */
  poster_key?: string;
}

export type MediaAccess = "public" | "private";

/**
 * What happens to a job's media: who may read the links, how long a signed link lives, and
 * when the media are deleted (`retention_days` after creation; null keeps them forever).
 * Resolved once, at creation, from the request and the tenant's defaults.
 */
export interface MediaPolicy {
  access: MediaAccess;
  link_ttl_seconds: number;
  retention_days: number | null;
}

/** Thumbnails and posters made for one output (absent keys: none was made). */
export interface OutputVariants {
  index: number;
  thumbnail_key?: string;
  poster_key?: string;
}

/** A unit of scheduled work: due at `due_at` (ms since epoch), tried `tries` times. */
export interface Due {
  due_at: number;
  tries: number;
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
  /** Access and retention of its media (absent on records from before media policies: public, forever). */
  media?: MediaPolicy;
  /** Upload ids among its inputs that it keeps alive (its own tenant's `POST /v1/uploads` files). */
  uploads?: string[];
  /** Thumbnails and posters still to make: due once the outputs are stored, never before `completed`. */
  variants?: Due | null;
  /** When `DELETE /v1/jobs/{id}` removed its media (the record stays). */
  deleted_at?: string | null;
  /** When its retention ran out and its media were removed (the record stays). */
  expired_at?: string | null;
  /** The removal of its stored objects, owed until R2 confirmed it (retried with backoff). */
  purge?: Due | null;
  /**
   * Waiting for one of its tenant's running slots (the tenant's cap on jobs at once): no
   * create is sent until the tenant's account admits it. `position` is the place in the
   * tenant's queue as last heard; at `due_at` the job asks again (a lost notice costs time,
   * never the job). Absent or null: admitted.
   */
  hold?: (Due & { position: number }) | null;
  /**
   * Internal: the job had nothing left to try but a task it walked away from may still
   * finish; it fails with this error once none is left (or at its deadline).
   */
  waiting_error?: JobError | null;
  /**
   * The tenant's account is owed a settlement (due at `due_at`): the ledger lines of billed
   * attempts not yet written and, once the job is over, the release of its budget
   * reservation and running slot. Null: nothing owed.
   */
  settle?: Due | null;
  /** The final settlement went through: its reservation and slot are released. */
  settled?: boolean;
}

/**
 * What the job cost upstream. Every attempt a provider completed is billed and counted, the
 * failover ones included; `possibly_billed_attempts` are tasks whose fate is unknown (a lost
 * create answer, an abandoned task still running).
 */
// A type alias, not an interface: it must fit index-signature types such as JSON (the AI SDK's provider metadata).
export type JobUsage = {
  /** What the job is billed in: output seconds at a resolution, or images. */
  units: Units;
  /** USD per unit at the provider that made (or is making) the result; null when unpriced. */
  unit_price_usd: number | null;
  /** The price book version the prices came from. */
  price_version: string;
  /** published, estimate (the provider publishes no USD price; see the price book) or configured. */
  price_source: PriceSource | null;
  /** False only when a counted attempt has no price; then `unpriced_reason` says why. */
  priced: boolean;
  unpriced_reason: string | null;
  /** Every billed attempt at its billed units and, while the job runs, the live one's quote; null only when not `priced`. */
  estimated_cost_usd: number | null;
  /** The provider's own usage figures of each billed attempt, verbatim. */
  provider_usage: ProviderUsage[];
  billed_seconds: number | null;
  images: number | null;
  billed_attempts: number;
  possibly_billed_attempts: number;
};

/** One billed attempt's own figures, as its provider reported them (null: it reported none). */
export type ProviderUsage = {
  provider: ProviderId;
  upstream_id: string | null;
  reported: UsageFigures | null;
};

type JsonLeaf = string | number | boolean | null;
type Json1 = JsonLeaf | JsonLeaf[] | { [key: string]: JsonLeaf };
type Json2 = Json1 | Json1[] | { [key: string]: Json1 };
/**
 * A provider's usage figures: a JSON object, verbatim. Typed as JSON three levels deep (the
 * providers' figures are flat) rather than recursively, so it crosses Durable Object RPC.
 */
export type UsageFigures = { [key: string]: Json2 | Json2[] | { [key: string]: Json2 } };

export const modelIds = ["wan2.7-i2v", "wan2.7-image-pro"] as const;
export type ModelId = (typeof modelIds)[number];

/** `job.deleted`: the job's media were removed, by `DELETE /v1/jobs/{id}` or by its retention. */
export const webhookEventTypes = ["job.running", "job.completed", "job.failed", "job.canceled", "job.deleted"] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** The video input of a video job (narrowing helper). */
export function videoInput(job: Pick<JobRecord, "model" | "input">): I2vInput | null {
  return job.model === "wan2.7-i2v" ? (job.input as I2vInput) : null;
}

/** The media policy of a job; records from before policies existed are public and kept forever. */
export function mediaPolicyOf(job: Pick<JobRecord, "media">): MediaPolicy {
  return job.media ?? { access: "public", link_ttl_seconds: 3600, retention_days: null };
}

/** When the job's media expire (ms since epoch), or null when they are kept forever. */
export function mediaExpiresAt(job: Pick<JobRecord, "media" | "created_at">): number | null {
  const days = mediaPolicyOf(job).retention_days;
  return days === null ? null : Date.parse(job.created_at) + days * 86_400_000;
}

/** True once the job's media are gone (deleted or expired): no links are handed out. */
export function mediaRemoved(job: Pick<JobRecord, "deleted_at" | "expired_at">): boolean {
  return Boolean(job.deleted_at || job.expired_at);
}

/** The image input of an image job (narrowing helper). */
export function imageInput(job: Pick<JobRecord, "model" | "input">): ImageProInput | null {
  return job.model === "wan2.7-image-pro" ? (job.input as ImageProInput) : null;
}

export type { UpstreamErrorKind };
