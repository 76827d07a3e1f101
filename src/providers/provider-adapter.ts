/**
 * @module providers/provider-adapter — the spec every upstream adapter implements.
 *
 * An adapter is a translation (STYLE.md §4): our normalised input → the provider's request
 * body, and the provider's responses → `UpstreamTask` / `UpstreamError` values. It does no
 * retrying, no backoff and no failover; those live once, in the job machine above it.
 */
import type { I2vInput, I2vMode } from "../models/i2v";
import type { ImageProInput } from "../models/image-pro";

export const providerIds = ["dashscope", "evolink", "pixeldojo", "aimlapi", "shortapi"] as const;
export type ProviderId = (typeof providerIds)[number];

/**
 * The one error vocabulary every provider's failures are mapped into. Adapters only
 * translate; what each kind *does* is decided once, in the job machine (job-machine.ts):
 *
 * | kind | meaning | the job |
 * |---|---|---|
 * | `rejected` | the provider refuses a request our own validation accepted (unknown model, a size or region it lacks, an undocumented code) | excludes this provider, fails over |
 * | `unauthorized`, `out_of_credit` | our account there cannot be used now | excludes this provider, fails over |
 * | `rate_limited`, `unavailable`, `timeout`, `protocol` | may pass by itself | fails over, back to it after a round |
 * | `content_policy` | the content itself is refused | fails |
 * | `generation_failed` | the task failed upstream (`retryable` says whether elsewhere may do better) | fails over if retryable |
 * | `canceled`, `not_found` | the provider canceled, expired or forgot the task (it bills nothing more) | fails over |
 */
export type UpstreamErrorKind =
  | "rejected"
  | "unauthorized"
  | "out_of_credit"
  | "rate_limited"
  | "unavailable"
  | "content_policy"
  | "not_found"
  | "timeout"
  | "generation_failed"
  | "canceled"
  | "protocol";

export interface UpstreamError {
  kind: UpstreamErrorKind;
  message: string;
  /** True when trying again (later, or at another provider) may succeed. */
  retryable: boolean;
  retryAfterMs?: number;
  httpStatus?: number;
  providerCode?: string;
}

/**
 * What an upstream says about a task. `upstreamStatus` is always the provider's own word,
 * verbatim (it is kept on the attempt and shown to the user).
 *
 * - `pending`: accepted, not started. `running`: generating.
 * - `paused`: the provider holds the task and may resume it (DashScope `SUSPENDED`): the
 *   job keeps waiting (a paused task may still bill), the start deadline does not apply.
 * - `unknown`: a status the adapter does not know. Never terminal, never "running": the job
 *   keeps polling with backoff until its deadline and never resubmits because of it.
 * - `completed`: the result URLs; `providerUsage` is the provider's own usage figures,
 *   verbatim, where it reports any.
 * - `failed`: see `UpstreamErrorKind` for what each kind does.
 */
export type UpstreamTask =
  | { state: "pending" | "running" | "paused"; progress: number | null; upstreamStatus: string }
  | { state: "unknown"; progress: null; upstreamStatus: string }
  | { state: "completed"; urls: string[]; upstreamStatus: string; billedSeconds?: number; providerUsage?: unknown }
  | { state: "failed"; error: UpstreamError; upstreamStatus: string };

export type Result<T> = { ok: true; value: T } | { ok: false; error: UpstreamError };

/** Everything an adapter needs from the outside, injected (no globals). */
export interface AdapterContext {
  fetch: typeof fetch;
  baseUrl: string;
  apiKey: string;
  now: () => number;
  /** Per-request timeout for the provider's API. */
  timeoutMs?: number;
}

export interface VideoCapabilities {
  modes: readonly I2vMode[];
  /** Allowed durations: an inclusive range or an explicit list. */
  durations: { min: number; max: number } | readonly number[];
  resolutions: ReadonlyArray<"720p" | "1080p">;
  drivingAudio: boolean;
  seed: { min: number; max: number } | null;
  watermark: boolean;
  negativePrompt: boolean;
  promptExtend: boolean;
  /** The provider rejects a request without a prompt. */
  promptRequired: boolean;
  callbacks: boolean;
  cancel: boolean;
  /** USD per output second, by resolution; null where the provider publishes no price. */
  pricePerSecondUsd: Record<"720p" | "1080p", number | null>;
  /** How often to poll a running task: first delay and ceiling (the provider's advice and limits). */
  polling: { baseMs: number; maxMs: number };
  /** A task that has not started running after this long is considered stuck (failover). */
  startDeadlineMs: number;
  /** Account-wide limit on task reads, shared by every job (e.g. DashScope's 20 QPS). */
  queryRatePerSecond?: number;
}

export interface VideoAdapter {
  id: ProviderId;
  /** Where the adapter's documentation came from (shown in /v1/models). */
  displayName: string;
  capabilities: VideoCapabilities;
  submitVideo(input: I2vInput, options: { callbackUrl: string | null }, context: AdapterContext): Promise<Result<{ upstreamId: string; task: UpstreamTask }>>;
  getTask(upstreamId: string, context: AdapterContext): Promise<Result<UpstreamTask>>;
  /** The upstream task id a callback body claims to be about (a hint only), or null. */
  callbackTaskId?(body: unknown): string | null;
  /** Cancels a task upstream, where the provider allows it (only when `capabilities.cancel`). */
  cancel?(upstreamId: string, context: AdapterContext): Promise<Result<void>>;
}

/** What a provider can do for `wan2.7-image-pro` (declared once; drives routing and /v1/models). */
export interface ImageCapabilities {
  /** Size tiers it accepts; "4K" also gates 4K-tier explicit sizes. */
  tiers: ReadonlyArray<"1K" | "2K" | "4K">;
  /** Accepts an explicit `W*H` size (within the model's bounds). */
  customSize: boolean;
  /** Largest `n` without / with `enable_sequential` (0 when image sets are unsupported). */
  maxImages: number;
  maxSequentialImages: number;
  /** Input images for editing (0 = text-to-image only). */
  maxInputImages: number;
  thinkingMode: boolean;
  colorPalette: boolean;
  seed: { min: number; max: number } | null;
  watermark: boolean;
  callbacks: boolean;
  cancel: boolean;
  /** The create call answers with the finished images (no task to poll). */
  synchronous: boolean;
  /** USD per output image; null where unknown. */
  pricePerImageUsd: number | null;
  /** Finer size check where the provider has its own size names/limits (absent: tiers + customSize decide). */
  supportsSize?: (size: string) => boolean;
  /** Longest prompt the provider accepts, where shorter than the model's 5000. */
  maxPromptLength?: number;
  polling: { baseMs: number; maxMs: number };
  startDeadlineMs: number;
  /** Account-wide limit on task reads, shared by every job (e.g. DashScope's 20 QPS). */
  queryRatePerSecond?: number;
}

/** The `wan2.7-image-pro` side of an adapter. Synchronous providers return a completed task. */
export interface ImageAdapter {
  id: ProviderId;
  displayName: string;
  capabilities: ImageCapabilities;
  submitImages(input: ImageProInput, options: { callbackUrl: string | null }, context: AdapterContext): Promise<Result<{ upstreamId: string; task: UpstreamTask }>>;
  /** Absent for synchronous providers. */
  getTask?(upstreamId: string, context: AdapterContext): Promise<Result<UpstreamTask>>;
  callbackTaskId?(body: unknown): string | null;
  cancel?(upstreamId: string, context: AdapterContext): Promise<Result<void>>;
}
