/**
 * @module jobs/job-machine — the job state machine as a pure function, and the one place
 * where every upstream answer gets its meaning (adapters only translate; see the kinds in
 * providers/provider-adapter.ts).
 *
 * `transition(job, event, now, policy)` returns the next record; it performs no I/O. The
 * Durable Object feeds it what happened and then does whatever the record says is due
 * (job-schedule.ts).
 *
 *   queued ──create_started──▶ (attempt creating) ──created──▶ running ──completed──▶ copy ──▶ completed
 *     │ create_failed: a refusal excludes the provider; a transient one moves on (a round → backoff)
 *     │ create_lost: re-sent with the same idempotency key, or `outcome_unknown` and move on
 *     │                     running ── failed / canceled / forgotten / stuck ──▶ next provider
 *     │                     (an attempt walked away from is still read: first finished wins)
 *     └──── deadline (before any result) ────────────────────────────────────────────▶ failed
 *
 * What happens to the stored media afterwards (variants, deletion, expiry) is
 * job-media-transition.ts.
 */
import { backoffDelay } from "../lib/backoff";
import type { ProviderId, UpstreamError, UpstreamTask } from "../providers/provider-adapter";
import type { PriceQuote } from "../billing/price-book";
import type { AccountEvent } from "./job-account-events";
import { accountTransition, settleNow } from "./job-account-events";
import { abandoned, adopt, liveIndex, mayBill, nextProvider, refusals, settleAttempts, stillFinishing, withAttempt } from "./job-attempts";
import type { MediaEvent } from "./job-media-transition";
import { isMediaEvent, mediaTransition, wantsVariants } from "./job-media-transition";
import { usageOf } from "./job-usage";
import type { Attempt, JobError, JobOutput, JobRecord } from "./job-types";
import { terminalStatuses, videoInput } from "./job-types";

export interface MachinePolicy {
  submit: { baseMs: number; maxMs: number; maxTries: number };
  poll: { baseMs: number; maxMs: number };
  copy: { baseMs: number; maxMs: number; maxTries: number };
  /** Sends of one create with the same idempotency key before its outcome is called unknown. */
  createResends: number;
  /** Attempts that may be billed upstream, per job. */
  maxAttempts: number;
  random: () => number;
}

export const defaultPolicy: MachinePolicy = {
  submit: { baseMs: 1_000, maxMs: 60_000, maxTries: 6 },
  poll: { baseMs: 1_000, maxMs: 15_000 },
  copy: { baseMs: 1_000, maxMs: 30_000, maxTries: 5 },
  createResends: 4,
  maxAttempts: 3,
  random: Math.random,
};

type Polling = { baseMs: number; maxMs: number };

/** The policy a deployment runs with (`MAX_ATTEMPTS` overrides the attempts that may bill). */
export function policyFor(env: object): MachinePolicy {
  const maxAttempts = Number((env as { MAX_ATTEMPTS?: unknown }).MAX_ATTEMPTS);
  return Number.isInteger(maxAttempts) && maxAttempts > 0 ? { ...defaultPolicy, maxAttempts } : defaultPolicy;
}

export type JobEvent =
  | { type: "create_started"; provider: ProviderId; idempotencyKey: string; startDeadlineMs: number; polling: Polling; quote: PriceQuote; recoverAfterMs: number }
  | { type: "created"; index: number; upstreamId: string; task: UpstreamTask; providerUsage?: unknown }
  | { type: "create_failed"; index: number; error: UpstreamError }
  | { type: "create_lost"; index: number; resend: boolean; error: UpstreamError }
  | { type: "submit_deferred"; until: number }
  | { type: "observed"; index: number; task: UpstreamTask }
  | { type: "poll_failed"; index: number; error: UpstreamError }
  | { type: "poll_deferred"; index: number; until: number }
  | { type: "callback"; provider: ProviderId; upstreamId: string | null }
  | { type: "cancel_sent"; index: number }
  | { type: "stuck"; index: number }
  | { type: "copy_upload"; upload: { key: string; upload_id: string } | null }
  | { type: "output_copied"; output: JobOutput }
  | { type: "copy_failed"; error: JobError }
  | { type: "deadline" }
  | { type: "cancel" }
  | AccountEvent
  | MediaEvent;

/** Failures the same provider may get over by itself (it is tried again after a round). */
const transientKinds = new Set(["rate_limited", "unavailable", "timeout", "protocol"]);

export function isTerminal(job: Pick<JobRecord, "status">): boolean {
  return terminalStatuses.has(job.status);
}

function iso(now: number): string {
  return new Date(now).toISOString();
}

function jobError(error: UpstreamError, prefix = ""): JobError {
  return { code: `upstream_${error.kind}`, message: prefix + error.message, retryable: error.retryable };
}

/** Ends the job; every attempt stops being read, the live one is abandoned (and canceled). */
function finish(job: JobRecord, status: "failed" | "canceled", error: JobError | null, now: number): JobRecord {
  const stamp = iso(now);
  const attempts = settleAttempts(job, stamp, status === "failed" ? error : null);
  // The tenant's account is settled next: ledger lines, the reservation and the slot released.
  const ended = { ...job, attempts, status, error, submit: null, copy: null, hold: null, settle: settleNow(job, now), updated_at: stamp, completed_at: stamp };
  return { ...ended, usage: usageOf(ended, true) };
}

/**
 * Fails the job — unless a task it walked away from may still finish: that result would be
 * paid for, so the job waits for it (until its deadline) and fails only once none is left.
 */
function failOrWait(job: JobRecord, error: JobError, now: number): JobRecord {
  if (!job.attempts.some(stillFinishing)) return finish(job, "failed", error, now);
  const waiting: JobRecord = { ...job, submit: null, waiting_error: error, updated_at: iso(now) };
  return { ...waiting, usage: usageOf(waiting, false) };
}

/** After a task walked away from ended without a result: fail a job that was only waiting on it. */
function afterWalkedAwayEnded(job: JobRecord, now: number): JobRecord {
  if (!job.waiting_error || isTerminal(job) || job.copy || job.submit || liveIndex(job) >= 0) return job;
  return failOrWait(job, job.waiting_error, now);
}

/** The next read of an attempt's task; none past the deadline of a job that is already over. */
function readAgain(job: JobRecord, attempt: Attempt, tries: number, now: number, policy: MachinePolicy, atLeastMs = 0): Attempt["due"] {
  const dueAt = now + Math.max(atLeastMs, backoffDelay(tries + 1, { ...(attempt.polling ?? policy.poll), random: policy.random }));
  return isTerminal(job) && dueAt > job.deadline_at ? null : { tries, due_at: dueAt };
}

/**
 * The live attempt `index` is over without a result (`status`): the next create goes to the
 * next provider, unless the error is final, no provider is left or the attempts are spent.
 * `exclude` keeps this provider out for the rest of the job.
 */
function moveOn(job: JobRecord, index: number, status: Attempt["status"], error: JobError, now: number, policy: MachinePolicy, exclude: boolean): JobRecord {
  const stamp = iso(now);
  const attempt = job.attempts[index]!;
  const ended: Attempt = status === "abandoned" ? abandoned(attempt, stamp, error, true) : { ...attempt, status, ended_at: stamp, error, due: null };
  const skip = exclude && !job.skip_providers.includes(attempt.provider) ? [...job.skip_providers, attempt.provider] : job.skip_providers;
  const base: JobRecord = { ...job, attempts: withAttempt(job, index, ended), skip_providers: skip, updated_at: stamp };
  const next = nextProvider(base, skip, Math.max(0, job.providers.indexOf(attempt.provider)));
  if (!error.retryable || next === null) {
    const all = next === null && base.attempts.some((other) => other.status === "failed" && other.provider !== attempt.provider);
    return failOrWait(base, all ? { ...error, message: `Every eligible provider refused or failed this job (${refusals(base)}).` } : error, now);
  }
  if (base.attempts.filter(mayBill).length >= policy.maxAttempts) return failOrWait(base, error, now);
  return { ...base, provider_cursor: next.index, submit: { tries: 0, due_at: now }, usage: usageOf(base, false) };
}

/** Applies an upstream observation of attempt `index`. */
function observe(job: JobRecord, index: number, task: UpstreamTask, now: number, policy: MachinePolicy): JobRecord {
  const stamp = iso(now);
  const attempt = job.attempts[index]!;
  const live = index === liveIndex(job);
  const seen = Boolean(attempt.seen_running) || task.state === "running" || task.state === "completed";
  const noted: Attempt = { ...attempt, upstream_status: task.upstreamStatus, upstream_state: task.state, seen_running: seen };
  switch (task.state) {
    case "pending":
    case "running":
    case "paused":
    case "unknown": {
      // Never terminal, never a reason to resubmit: read again with backoff until the deadline.
      const tries = (attempt.due?.tries ?? 0) + 1;
      const updated = { ...noted, due: readAgain(job, attempt, tries, now, policy) };
      if (!live) return { ...job, attempts: withAttempt(job, index, updated) };
      const progress = task.progress ?? job.progress ?? 0;
      return { ...job, status: "running", progress: Math.max(job.progress ?? 0, Math.min(99, progress)), attempts: withAttempt(job, index, updated), updated_at: stamp };
    }
    case "completed": {
      const images = videoInput(job) ? null : task.urls.length;
      const billed: Attempt = { ...noted, status: live || attempt.status === "abandoned" ? "completed" : attempt.status, ended_at: stamp, due: null, billed: true, billed_seconds: task.billedSeconds ?? null, billed_images: images, provider_usage: task.providerUsage, cancel_due: false };
      let attempts = withAttempt(job, index, billed);
      if (job.copy || isTerminal(job)) {
        // Another attempt's result is used (or the job is over): this one is only paid for —
        // and, once the job is over, owed to the ledger.
        const base = { ...job, attempts, updated_at: stamp, ...(isTerminal(job) ? { settle: settleNow(job, now) } : {}) };
        return { ...base, usage: usageOf(base, isTerminal(job)) };
      }
      // First finished wins: a live attempt still working is walked away from.
      const current = liveIndex(job);
      if (current >= 0 && current !== index) attempts = attempts.map((other, at) => (at === current ? abandoned(other, stamp, null, true) : other));
      const base: JobRecord = {
        ...job,
        status: "running",
        progress: 99,
        attempts,
        submit: null,
        usage: { ...job.usage, billed_seconds: task.billedSeconds ?? videoInput(job)?.duration ?? null, images },
        copy: { attempt: index, urls: task.urls, tries: 0, due_at: now, done: [] },
        updated_at: stamp,
      };
      return { ...base, usage: usageOf(base, false) };
    }
    case "failed": {
      if (!live) return afterWalkedAwayEnded({ ...job, attempts: withAttempt(job, index, { ...noted, ended_at: attempt.ended_at ?? stamp, due: null, cancel_due: false }) }, now);
      const base = { ...job, attempts: withAttempt(job, index, noted) };
      const kind = task.error.kind;
      // The provider canceled, expired or forgot the task: it bills nothing more, so another may try.
      if (kind === "canceled" || kind === "not_found") return moveOn(base, index, "failed", { ...jobError(task.error), retryable: true }, now, policy, false);
      if (kind === "rejected") return moveOn(base, index, "failed", { ...jobError(task.error), retryable: true }, now, policy, true);
      return moveOn(base, index, "failed", jobError(task.error), now, policy, false);
    }
  }
}

/**
 * The next job record after `event` at time `now`. Events that no longer apply (a late
 * answer after completion, a hint for a terminal job) return the same object.
 * @example transition(job, { type: "deadline" }, Date.now(), defaultPolicy).status // "failed"
 */
export function transition(job: JobRecord, event: JobEvent, now: number, policy: MachinePolicy = defaultPolicy): JobRecord {
  if (isMediaEvent(event)) return mediaTransition(job, event, now, policy.random);
  const stamp = iso(now);
  if (event.type === "callback" && event.upstreamId !== null && !job.attempts.some((attempt) => attempt.upstream_id === event.upstreamId && attempt.provider === event.provider)) {
    return adopt(job, event.provider, event.upstreamId, now, isTerminal(job)); // recorded even once the job is over
  }
  if (event.type === "cancel_sent") {
    const attempt = job.attempts[event.index];
    return attempt?.cancel_due ? { ...job, attempts: withAttempt(job, event.index, { cancel_due: false }) } : job;
  }
  if (event.type === "admitted" || event.type === "queue_checked" || event.type === "settled" || event.type === "settle_failed") {
    return accountTransition(job, event, now, policy.random);
  }
  if (isTerminal(job)) {
    // Only reads of tasks walked away from go on (to learn whether they were billed).
    // A create in flight when the job ended may still answer: its task is recorded, to be canceled.
    const reads = event.type === "observed" || event.type === "poll_failed" || event.type === "poll_deferred" || event.type === "callback" || event.type === "created";
    if (!reads || ("index" in event && job.attempts[event.index]?.status !== "abandoned")) return job;
  }
  switch (event.type) {
    case "create_started": {
      if (!job.submit || liveIndex(job) >= 0) return job;
      const attempt: Attempt = {
        provider: event.provider,
        upstream_id: null,
        status: "creating",
        upstream_status: null,
        started_at: stamp,
        ended_at: null,
        error: null,
        idempotency_key: event.idempotencyKey,
        create_tries: 1,
        polling: event.polling,
        quote: event.quote,
        // If this instance dies before the answer, the alarm recovers the create then.
        due: { tries: 0, due_at: now + event.recoverAfterMs },
        start_deadline_at: now + event.startDeadlineMs,
      };
      const base: JobRecord = { ...job, submit: null, provider_cursor: Math.max(0, job.providers.indexOf(event.provider)), attempts: [...job.attempts, attempt], updated_at: stamp };
      return { ...base, usage: usageOf(base, false) };
    }
    case "created": {
      const attempt = job.attempts[event.index];
      if (!attempt || attempt.upstream_id === event.upstreamId) return job;
      // The attempt already holds another task (a callback's, adopted first): this one is an
      // orphan too — recorded, canceled where possible, and read.
      if (attempt.upstream_id !== null) return adopt(job, attempt.provider, event.upstreamId, now, isTerminal(job));
      if (attempt.status !== "creating") {
        // Walked away from while its create was in flight: known now, so it can be canceled and read.
        const orphan = { ...attempt, upstream_id: event.upstreamId, status: "abandoned" as const, cancel_due: true, due: { tries: 0, due_at: now } };
        return { ...job, attempts: withAttempt(job, event.index, orphan), updated_at: stamp };
      }
      const createUsage = event.providerUsage === undefined ? {} : { create_usage: event.providerUsage };
      const accepted = { ...job, status: "running" as const, attempts: withAttempt(job, event.index, { upstream_id: event.upstreamId, status: "running", due: null, ...createUsage }), updated_at: stamp };
      return observe(accepted, event.index, event.task, now, policy);
    }
    case "create_failed": {
      const attempt = job.attempts[event.index];
      if (!attempt || attempt.status !== "creating") return job;
      const error = jobError(event.error);
      if (event.error.kind === "content_policy") return finish({ ...job, attempts: withAttempt(job, event.index, { status: "failed", ended_at: stamp, error, due: null }) }, "failed", error, now);
      const transient = transientKinds.has(event.error.kind);
      const tries = (job.attempts.filter((other) => other.upstream_id === null && other.status === "failed").length) + 1;
      const ended = { ...job, attempts: withAttempt(job, event.index, { status: "failed", ended_at: stamp, error, due: null }), updated_at: stamp };
      // A refusal (the request, the key, the credit) keeps this provider out for the rest of the job.
      const skip = transient || ended.skip_providers.includes(attempt.provider) ? ended.skip_providers : [...ended.skip_providers, attempt.provider];
      const next = nextProvider(ended, skip);
      if (!next || tries >= policy.submit.maxTries) {
        const message = next ? `${error.message} (gave up after ${tries} tries)` : ended.attempts.some((other) => other.provider !== attempt.provider) ? `Every eligible provider refused this job (${refusals(ended)}).` : error.message;
        return failOrWait({ ...ended, skip_providers: skip }, { ...error, message, retryable: transient }, now);
      }
      // Fail over at once while untried providers remain; after a full round, back off.
      const backoff = Math.max(event.error.retryAfterMs ?? 0, backoffDelay(tries, { ...policy.submit, random: policy.random }));
      const delay = next.wrapped || job.providers.length === 1 ? backoff : 0;
      const base: JobRecord = { ...ended, skip_providers: skip, provider_cursor: next.index, submit: { tries, due_at: now + delay } };
      return { ...base, usage: usageOf(base, false) };
    }
    case "create_lost": {
      const attempt = job.attempts[event.index];
      if (!attempt || attempt.status !== "creating") return job;
      const tries = attempt.create_tries ?? 1;
      if (event.resend && tries < policy.createResends) {
        // Sent again with the same key: the provider answers with the task it made, if any.
        const due = { tries, due_at: now + backoffDelay(tries, { ...policy.submit, random: policy.random }) };
        return { ...job, attempts: withAttempt(job, event.index, { due, create_tries: tries + 1 }), updated_at: stamp };
      }
      const error = jobError(event.error, "the create's answer never arrived; the task may exist: ");
      return moveOn(job, event.index, "outcome_unknown", { ...error, retryable: true }, now, policy, false);
    }
    case "submit_deferred": {
      if (!job.submit) return job;
      return { ...job, submit: { ...job.submit, due_at: Math.max(now + 1, event.until) } };
    }
    case "observed": {
      const attempt = job.attempts[event.index];
      if (!attempt?.due || attempt.upstream_id === null || (attempt.status !== "running" && attempt.status !== "abandoned")) return job;
      return observe(job, event.index, event.task, now, policy);
    }
    case "poll_failed": {
      const attempt = job.attempts[event.index];
      if (!attempt?.due || attempt.upstream_id === null) return job;
      if (event.error.kind === "not_found" || event.error.kind === "unauthorized") {
        if (attempt.status !== "running") return afterWalkedAwayEnded({ ...job, attempts: withAttempt(job, event.index, { due: null, upstream_state: "failed" }) }, now);
        return moveOn(job, event.index, "failed", { ...jobError(event.error, "the provider no longer knows the task: "), retryable: true }, now, policy, false);
      }
      const tries = attempt.due.tries + 1;
      return { ...job, attempts: withAttempt(job, event.index, { due: readAgain(job, attempt, tries, now, policy, event.error.retryAfterMs) }), updated_at: stamp };
    }
    case "poll_deferred": {
      // The provider's account-wide read budget is spent: ask again when it said to.
      const attempt = job.attempts[event.index];
      if (!attempt?.due) return job;
      return { ...job, attempts: withAttempt(job, event.index, { due: { ...attempt.due, due_at: Math.max(now + 1, event.until) } }) };
    }
    case "callback": {
      // Only a hint: every attempt it may be about is read now, with our own key.
      let changed = false;
      const attempts = job.attempts.map((attempt) => {
        if (!attempt.due || attempt.upstream_id === null || attempt.provider !== event.provider) return attempt;
        if (event.upstreamId !== null && attempt.upstream_id !== event.upstreamId) return attempt;
        changed = true;
        return { ...attempt, due: { ...attempt.due, due_at: Math.min(attempt.due.due_at, now) } };
      });
      return changed ? { ...job, attempts } : job;
    }
    case "stuck": {
      const attempt = job.attempts[event.index];
      if (!attempt || event.index !== liveIndex(job) || attempt.status !== "running" || attempt.seen_running || attempt.upstream_state === "paused" || (attempt.start_deadline_at ?? Infinity) > now) return job;
      const next = nextProvider(job, job.skip_providers, Math.max(0, job.providers.indexOf(attempt.provider)));
      if (!next || job.providers[next.index] === attempt.provider) {
        // Nowhere else to go: resubmitting to the same provider would pay twice. Keep waiting.
        return { ...job, attempts: withAttempt(job, event.index, { start_deadline_at: null }) };
      }
      const error: JobError = { code: "upstream_stuck", message: `${attempt.provider} did not start the task in time.`, retryable: true };
      return moveOn(job, event.index, "abandoned", error, now, policy, false);
    }
    case "copy_upload":
      // A multipart upload in flight (written before its parts), so a restart can abort it.
      return job.copy ? { ...job, copy: { ...job.copy, upload: event.upload } } : job;
    case "output_copied": {
      if (!job.copy || job.copy.done.some((output) => output.index === event.output.index)) return job;
      const done = [...job.copy.done, event.output].sort((a, b) => a.index - b.index);
      if (done.length < job.copy.urls.length) return { ...job, copy: { ...job.copy, done, upload: null }, updated_at: stamp };
      // Thumbnails and posters come after `completed`, never before it.
      const variants = wantsVariants(job, done) ? { tries: 0, due_at: now } : null;
      const completed: JobRecord = { ...job, status: "completed", progress: 100, outputs: done, copy: null, submit: null, settle: settleNow(job, now), variants, updated_at: stamp, completed_at: stamp };
      const attempts = settleAttempts(completed, stamp, null);
      return { ...completed, attempts, usage: usageOf({ ...completed, attempts }, true) };
    }
    case "copy_failed": {
      if (!job.copy) return job;
      const tries = job.copy.tries + 1;
      if (event.error.retryable && tries < policy.copy.maxTries) {
        return { ...job, copy: { ...job.copy, tries, upload: null, due_at: now + backoffDelay(tries, { ...policy.copy, random: policy.random }) }, updated_at: stamp };
      }
      // The provider's file could not be stored whole (the attempt stays billed): try elsewhere.
      const index = job.copy.attempt;
      const next = nextProvider(job, job.skip_providers, Math.max(0, job.providers.indexOf(job.attempts[index]?.provider ?? job.providers[0]!)));
      const spent = job.attempts.filter(mayBill).length >= policy.maxAttempts;
      if (!event.error.retryable || next === null || spent) return finish({ ...job, copy: null }, "failed", event.error, now);
      const base = { ...job, copy: null, progress: Math.min(job.progress ?? 0, 98), provider_cursor: next.index, submit: { tries: 0, due_at: now }, updated_at: stamp };
      return { ...base, attempts: withAttempt(base, index, { error: event.error }) };
    }
    case "cancel":
      return finish(job, "canceled", null, now);
    case "deadline": {
      // Once the upstream has delivered, the deadline no longer applies: the result is paid
      // for, and the copy has its own bounded retries.
      if (job.copy || now < job.deadline_at) return job;
      const seconds = Math.round((job.deadline_at - Date.parse(job.created_at)) / 1000);
      return finish(job, "failed", { code: "deadline_exceeded", message: `The job did not finish within its ${seconds} s deadline.`, retryable: true }, now);
    }
  }
}
