/**
 * @module providers/provider-adapter — the vocabulary every upstream adapter translates into,
 * and the spec each provider fills in.
 *
 * An adapter is a translation (STYLE.md §4): our normalised input → the provider's request
 * body, and the provider's responses → `UpstreamTask` / `UpstreamError` values. It does no
 * retrying, no backoff and no failover; those live once, in the job machine above it.
 *
 * One `ProviderSpec` per provider covers both models (capabilities, `submit`, `getTask`,
 * `cancel` per model; `callbackTaskId` per provider); every HTTP call goes through the one
 * helper in provider-http.ts (request → status classification → minimal schema → `Result`).
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


/** What a create answer gives the job: the task, and what the provider reported charging for it. */
export interface Submitted {
  upstreamId: string;
  task: UpstreamTask;
  /**
   * The provider's own usage or charge figures in the create answer, verbatim (ShortAPI
   * `{amount}`, PixelDojo `{creditCost}`, AI/ML API `meta.usage`, EvoLink `usage`), where it
   * reports any: what it reserved or charged for this task before it finished.
   */
  providerUsage?: unknown;
}

/** Everything an adapter needs from the outside, injected (no globals). */
export interface AdapterContext {
  fetch: typeof fetch;
  baseUrl: string;
  apiKey: string;
  now: () => number;
  /** Per-request timeout for the provider's API. */
  timeoutMs?: number;
}

/** What every create is given besides the input. */
export interface SubmitOptions {
  /** Where the provider should call back (null: poll only, or the provider has no callbacks). */
  callbackUrl: string | null;
  /**
   * Names this create: the job records its attempt with this key before the create leaves
   * (issue 13), and the same attempt resent carries the same key. A provider that documents
   * idempotent creates gets it (EvoLink's `Idempotency-Key` header), so a create whose answer
   * was lost is not made — and billed — twice; providers without such a feature ignore it.
   */
  idempotencyKey: string;
}

/** How the job talks to a provider's task for one model (shared by both models' capabilities). */
export interface TaskCapabilities {
  callbacks: boolean;
  cancel: boolean;
  /** How often to poll a running task: first delay and ceiling (the provider's advice and limits). */
  polling: { baseMs: number; maxMs: number };
  /** A task that has not started running after this long is considered stuck (failover). */
  startDeadlineMs: number;
  /** Account-wide limit on task reads, shared by every job (e.g. DashScope's 20 QPS). */
  queryRatePerSecond?: number;
  /**
   * The provider documents idempotent creates (`SubmitOptions.idempotencyKey`): a create whose
   * answer was lost is safely sent again with the same key. Absent: it cannot be asked again.
   */
  idempotentCreate?: true;
}

/** What a provider can do for `wan2.7-i2v` (declared once; drives routing and /v1/models). */
export interface VideoCapabilities extends TaskCapabilities {
  modes: readonly I2vMode[];
  /** Allowed durations: an inclusive range or an explicit list. */
  durations: { min: number; max: number } | readonly number[];
  resolutions: ReadonlyArray<"720p" | "1080p">;
  drivingAudio: boolean;
  seed: { min: number; max: number } | null;
  /** Alibaba's visible watermark (an invisible one is not the same thing). */
  watermark: boolean;
  negativePrompt: boolean;
  promptExtend: boolean;
  /** The provider rejects a request without a prompt. */
  promptRequired: boolean;
  /** USD per output second, by resolution; null where the provider publishes no price. */
  pricePerSecondUsd: Record<"720p" | "1080p", number | null>;
}

/** What a provider can do for `wan2.7-image-pro` (declared once; drives routing and /v1/models). */
export interface ImageCapabilities extends TaskCapabilities {
  /** Size tiers it accepts; "4K" also gates 4K-tier explicit sizes. */
  tiers: ReadonlyArray<"1K" | "2K" | "4K">;
  /** Accepts an explicit `W*H` size (within the model's bounds, and `sizeProblem`'s). */
  customSize: boolean;
  /** Largest `n` without / with `enable_sequential` (0 when image sets are unsupported). */
  maxImages: number;
  maxSequentialImages: number;
  /** Input images for editing (0 = text-to-image only). */
  maxInputImages: number;
  thinkingMode: boolean;
  colorPalette: boolean;
  seed: { min: number; max: number } | null;
  /** Alibaba's visible watermark (an invisible one is not the same thing). */
  watermark: boolean;
  /** The create call answers with the finished images (no task to poll). */
  synchronous: boolean;
  /** USD per output image; null where unknown. */
  pricePerImageUsd: number | null;
  /**
   * Finer size check where the provider has its own size names or limits: why it cannot make
   * this input's `size`, or null (absent: tiers + customSize decide).
   */
  sizeProblem?: (input: ImageProInput) => string | null;
  /** Longest prompt the provider accepts, where shorter than the model's 5000. */
  maxPromptLength?: number;
}

/** The input and the capabilities of each model, by model id. */
export interface ModelInputs {
  "wan2.7-i2v": I2vInput;
  "wan2.7-image-pro": ImageProInput;
}
export interface ModelCapabilities {
  "wan2.7-i2v": VideoCapabilities;
  "wan2.7-image-pro": ImageCapabilities;
}
export type ModelId = keyof ModelInputs;

/** A model and its input, tied together, so nothing downstream casts one to fit the other. */
export type ModelRequest = { [M in ModelId]: { model: M; input: ModelInputs[M] } }[ModelId];

/** One provider's translation of one model. */
export interface ModelAdapter<M extends ModelId> {
  capabilities: ModelCapabilities[M];
  /** Something a user should know about this provider for this model (shown in /v1/models). */
  note?: string;
  submit(input: ModelInputs[M], options: SubmitOptions, context: AdapterContext): Promise<Result<Submitted>>;
  /** Re-reads a task; absent for synchronous providers (the create answer is the result). */
  getTask?(upstreamId: string, context: AdapterContext): Promise<Result<UpstreamTask>>;
  /** Cancels a task upstream, where the provider allows it (only when `capabilities.cancel`). */
  cancel?(upstreamId: string, context: AdapterContext): Promise<Result<void>>;
}

/**
 * Everything wan-edge knows about one provider: both models (absent where it does not sell
 * the model) and how to read its callbacks. Listed once, in provider-registry.ts.
 * @example providerSpecs.dashscope.models["wan2.7-i2v"]?.capabilities.durations // { min: 2, max: 15 }
 */
export interface ProviderSpec {
  id: ProviderId;
  /** The provider's name as users know it (shown in /v1/models). */
  displayName: string;
  models: { [M in ModelId]?: ModelAdapter<M> };
  /** The upstream task id a callback body claims to be about (a hint only), or null. */
  callbackTaskId?(body: unknown): string | null;
}
