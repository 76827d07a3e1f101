/**
 * @module fault-plan
 * The fault plan tests and chaos runs install with `PUT /__control/faults`: validation (a typo
 * must fail loudly, not silently test nothing) and scoping (a global plan, overridden field by
 * field by a per-provider plan).
 */
import { MIN_PADDED_VIDEO_BYTES } from "./media-stream";

/** Every fault the emulator knows; all optional. See ../../shared/EMULATOR.md. */
export interface FaultPlan {
  /** HTTP status the create call answers instead of creating (e.g. 429, 500, 503). */
  submit_status?: number;
  /** Probability that `submit_status` applies to a create call; default 1. */
  submit_rate?: number;
  /** Probability that a status query answers 500 or 503. */
  status_error_rate?: number;
  /** Probability, decided at creation, that a task ends failed. */
  fail_rate?: number;
  /** The provider's own failure code for failed tasks; default per provider. */
  fail_code?: string | number;
  /** How long a create call takes before it answers (the task exists from the moment it answers). */
  submit_delay_ms?: number;
  /** Time from creation to the terminal state; default 2000 ms. */
  duration_ms?: number;
  /** Probability that a task's callbacks are never sent. */
  callback_drop_rate?: number;
  /** Extra identical copies of the terminal callback. */
  callback_duplicates?: number;
  /** Extra delay before the first callback. */
  callback_delay_ms?: number;
  /** Also send a stale `processing` callback after the terminal one. */
  callback_shuffle?: boolean;
  /** Total size of each video output, padded with an MP4 `free` box; default the clip's size. */
  media_bytes?: number;
  /** Serve outputs without Content-Length. */
  media_no_length?: boolean;
  /** Probability that a file download is cut about halfway. */
  media_abort_rate?: number;
  /** Output URL lifetime; default the provider's documented lifetime. */
  url_ttl_ms?: number;
  /** Create calls get the provider's out-of-credit answer. */
  credit_exhausted?: boolean;
  /**
   * Probability that a create our side would accept is refused as the provider refuses a model
   * it cannot serve (PixelDojo 404 `model_not_found`, ShortAPI `code` ≠ 0 with `info`, …).
   */
  create_rejection_rate?: number;
  /** Probability that a create is accepted (the task exists, runs, bills) but its answer is withheld. */
  submit_hang_rate?: number;
  /** How long a withheld answer holds the connection before dropping it; default 300 000 ms. */
  submit_hang_ms?: number;
  /** Probability, decided at creation, that the provider cancels the task halfway (EvoLink `cancelled`, DashScope `CANCELED`). */
  cancel_rate?: number;
  /** Probability, decided at creation, that the provider loses the task halfway (DashScope `UNKNOWN`, others not found). */
  forget_rate?: number;
  /** A pause after queueing (DashScope `SUSPENDED`), after which the task resumes and ends that much later. */
  suspend_ms?: number;
  /** Probability that `suspend_ms` applies to a task; default 1. */
  suspend_rate?: number;
  /** How `media_abort_rate` ends a body: `error` (the read fails; default) or `short` (a clean early end). */
  media_cut?: "error" | "short";
  /** The provider's status words, where it documents more than one vocabulary (provider-scoped). */
  status_vocabulary?: string;
  /** Where a completed task's URLs are, where the provider documents more than one shape (provider-scoped). */
  result_shape?: string;
  /** How in-flight progress is reported, where it varies (provider-scoped). */
  progress_format?: string;
  /** Seeds the fault PRNG (installing a plan with a seed restarts the sequence). */
  seed?: number;
}

type Check = (value: unknown) => string | null;

const rate: Check = (value) =>
  typeof value === "number" && value >= 0 && value <= 1 ? null : "must be a number from 0 to 1";
const flag: Check = (value) => (typeof value === "boolean" ? null : "must be a boolean");
const integer =
  (min: number, max: number): Check =>
  (value) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? null
      : `must be an integer from ${min} to ${max}`;
const failCode: Check = (value) =>
  (typeof value === "string" && value !== "") || Number.isInteger(value)
    ? null
    : "must be a non-empty string or an integer";
const mediaBytes: Check = (value) =>
  integer(MIN_PADDED_VIDEO_BYTES, 2 ** 40)(value) === null
    ? null
    : `must be an integer from ${MIN_PADDED_VIDEO_BYTES} (room for any generated clip and its free box) to ${2 ** 40}`;
const oneOf =
  (options: readonly string[]): Check =>
  (value) =>
    typeof value === "string" && options.includes(value) ? null : `must be one of: ${options.join(", ")}`;
/** Checked per provider against its Personality.faultChoices, in parseFaultPlan. */
const providerChoice: Check = (value) => (typeof value === "string" ? null : "must be a string");

const FIELD_CHECKS: Record<keyof FaultPlan, Check> = {
  submit_status: integer(400, 599),
  submit_rate: rate,
  status_error_rate: rate,
  fail_rate: rate,
  fail_code: failCode,
  submit_delay_ms: integer(0, 120_000),
  duration_ms: integer(0, 3_600_000),
  callback_drop_rate: rate,
  callback_duplicates: integer(0, 20),
  callback_delay_ms: integer(0, 600_000),
  callback_shuffle: flag,
  media_bytes: mediaBytes,
  media_no_length: flag,
  media_abort_rate: rate,
  url_ttl_ms: integer(0, 30 * 24 * 3_600_000),
  credit_exhausted: flag,
  create_rejection_rate: rate,
  submit_hang_rate: rate,
  submit_hang_ms: integer(0, 3_600_000),
  cancel_rate: rate,
  forget_rate: rate,
  suspend_ms: integer(0, 3_600_000),
  suspend_rate: rate,
  media_cut: oneOf(["error", "short"]),
  status_vocabulary: providerChoice,
  result_shape: providerChoice,
  progress_format: providerChoice,
  seed: integer(0, 4294967295),
};

/** Fields whose values each provider defines (`Personality.faultChoices`). */
export type ProviderChoiceField = "status_vocabulary" | "result_shape" | "progress_format";
const PROVIDER_CHOICE_FIELDS: readonly ProviderChoiceField[] = ["status_vocabulary", "result_shape", "progress_format"];

/** What the parser needs to know of a provider. */
export interface FaultPlanProvider {
  name: string;
  /** Per field, the values this provider offers, the default first. */
  faultChoices?: Partial<Record<ProviderChoiceField, readonly string[]>>;
}

/** A validated plan and its scope (`null` = global). */
export type ParsedFaultPlan =
  | { ok: true; provider: string | null; plan: FaultPlan }
  | { ok: false; message: string };

/**
 * Validates a fault plan body.
 * @example
 * parseFaultPlan({ provider: "evolink", fail_rate: 1 }, [{ name: "evolink" }])
 * // { ok: true, provider: "evolink", plan: { fail_rate: 1 } }
 */
export function parseFaultPlan(input: unknown, known: readonly FaultPlanProvider[]): ParsedFaultPlan {
  const providers = known.map((entry) => entry.name);
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { ok: false, message: "the fault plan must be a JSON object" };
  }
  const plan: Record<string, unknown> = {};
  let provider: string | null = null;
  for (const [key, value] of Object.entries(input)) {
    if (key === "provider") {
      if (typeof value !== "string" || !providers.includes(value)) {
        return { ok: false, message: `provider must be one of: ${providers.join(", ")}` };
      }
      provider = value;
      continue;
    }
    if (!Object.hasOwn(FIELD_CHECKS, key)) {
      const known = ["provider", ...Object.keys(FIELD_CHECKS)].join(", ");
      return { ok: false, message: `unknown fault field "${key}"; known fields: ${known}` };
    }
    const problem = FIELD_CHECKS[key as keyof FaultPlan](value);
    if (problem !== null) return { ok: false, message: `${key} ${problem}` };
    plan[key] = value;
  }
  // A vocabulary or shape means something only for one provider: a global one would silently
  // do nothing for the others, so it must be scoped, and its value must be that provider's.
  for (const field of PROVIDER_CHOICE_FIELDS) {
    if (plan[field] === undefined) continue;
    const offering = known.filter((entry) => entry.faultChoices?.[field] !== undefined).map((entry) => entry.name);
    const choices = known.find((entry) => entry.name === provider)?.faultChoices?.[field];
    if (provider === null || choices === undefined) {
      return { ok: false, message: `${field} needs a plan scoped to one of: ${offering.join(", ")}` };
    }
    const problem = oneOf(choices)(plan[field]);
    if (problem !== null) return { ok: false, message: `${field} ${problem} (for ${provider})` };
  }
  return { ok: true, provider, plan: plan as FaultPlan };
}

/** The installed plans. */
export interface FaultBook {
  /** Replaces the plan of one scope (`null` = global). */
  set(provider: string | null, plan: FaultPlan): void;
  /** Removes every plan. */
  reset(): void;
  /** The plan that applies to `provider`: global fields overridden by the provider's own. */
  effective(provider: string): FaultPlan;
  /** Everything installed, for `GET /__control/faults`. */
  snapshot(): { global: FaultPlan; providers: Record<string, FaultPlan> };
}

export function createFaultBook(): FaultBook {
  let global: FaultPlan = {};
  let scoped = new Map<string, FaultPlan>();
  return {
    set(provider, plan) {
      if (provider === null) global = { ...plan };
      else scoped.set(provider, { ...plan });
    },
    reset() {
      global = {};
      scoped = new Map();
    },
    effective: (provider) => ({ ...global, ...scoped.get(provider) }),
    snapshot: () => ({ global: { ...global }, providers: Object.fromEntries(scoped) }),
  };
}
