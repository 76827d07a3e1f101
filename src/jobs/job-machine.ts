/**
 * @module jobs/job-machine — the job state machine as a pure function.
 *
 * `transition(job, event, now, policy)` returns the next record; it performs no I/O. The
 * Durable Object feeds it what happened (an upstream answer, a copy result, the deadline)
 * and then does whatever work the new record says is due (see job-schedule.ts).
 *
 *   queued ──submitted──▶ running ──observed completed──▶ (copy due) ──copied──▶ completed
 *     │ submit_failed: retryable → next provider (a full round → backoff); else failed
 *     │                  running ── retryable failure / stuck ──▶ resubmit to the next
 *     │                             provider (≤ maxAttempts accepted attempts), else failed
 *     └──── deadline (before any result) ────────────────────────────────────▶ failed
 */
import { backoffDelay } from "../lib/backoff";
import type { ProviderId, UpstreamError, UpstreamTask } from "../providers/provider-adapter";
import type { Attempt, JobError, JobOutput, JobRecord } from "./job-types";
import { terminalStatuses, videoInput } from "./job-types";

export interface MachinePolicy {
  submit: { baseMs: number; maxMs: number; maxTries: number };
  poll: { baseMs: number; maxMs: number };
  copy: { baseMs: number; maxMs: number; maxTries: number };
  /** Upstream attempts that were accepted (and may be billed) per job. */
  maxAttempts: number;
  random: () => number;
}

export const defaultPolicy: MachinePolicy = {
  submit: { baseMs: 1_000, maxMs: 60_000, maxTries: 6 },
  poll: { baseMs: 1_000, maxMs: 15_000 },
  copy: { baseMs: 1_000, maxMs: 30_000, maxTries: 5 },
  maxAttempts: 3,
  random: Math.random,
};

export type JobEvent =
  | { type: "submitted"; provider: ProviderId; upstreamId: string; task: UpstreamTask; startDeadlineMs: number; polling: { baseMs: number; maxMs: number }; estimatedCostUsd: number | null }
  | { type: "submit_failed"; provider: ProviderId; error: UpstreamError }
  | { type: "submit_deferred"; until: number }
  | { type: "observed"; task: UpstreamTask; polling?: { baseMs: number; maxMs: number } }
  | { type: "poll_failed"; error: UpstreamError }
  | { type: "poll_deferred"; until: number }
  | { type: "hint" }
  | { type: "stuck" }
  | { type: "output_copied"; output: JobOutput }
  | { type: "copy_failed"; error: JobError }
  | { type: "deadline" }
  | { type: "cancel" };

/** Failures the same provider may get over by itself (worth retrying there later). */
const transientKinds = new Set(["rate_limited", "unavailable", "timeout", "protocol"]);
/** Failures no other provider will fix either: the request itself is the problem. */
const requestKinds = new Set(["rejected", "content_policy"]);

export function isTerminal(job: JobRecord): boolean {
  return terminalStatuses.has(job.status);
}

function iso(now: number): string {
  return new Date(now).toISOString();
}

function jobError(error: UpstreamError, prefix = ""): JobError {
  return { code: `upstream_${error.kind}`, message: prefix + error.message, retryable: error.retryable };
}

export function currentAttempt(job: JobRecord): Attempt | undefined {
  return job.attempts[job.attempts.length - 1];
}

function replaceLastAttempt(job: JobRecord, change: Partial<Attempt>): Attempt[] {
  const attempts = job.attempts.slice();
  const last = attempts[attempts.length - 1];
  if (last) attempts[attempts.length - 1] = { ...last, ...change };
  return attempts;
}

function fail(job: JobRecord, error: JobError, now: number): JobRecord {
  return { ...job, status: "failed", error, submit: null, poll: null, copy: null, updated_at: iso(now), completed_at: iso(now) };
}

/** Accepted attempts so far (each may be billed upstream). */
function acceptedAttempts(job: JobRecord): number {
  return job.attempts.filter((attempt) => attempt.upstream_id !== null).length;
}

/**
 * The index of the next provider to try after the current one, skipping the ones this
 * job gave up on; `wrapped` when it went round the list (time to back off).
 */
function nextProvider(job: JobRecord, skip: readonly ProviderId[], after = job.provider_cursor): { index: number; wrapped: boolean } | null {
  const count = job.providers.length;
  for (let step = 1; step <= count; step++) {
    const index = (after + step) % count;
    if (!skip.includes(job.providers[index]!)) return { index, wrapped: after + step >= count };
  }
  return null;
}

/** After an accepted attempt failed retryably or got stuck: resubmit elsewhere, or fail. */
function resubmitOrFail(job: JobRecord, attemptStatus: Attempt["status"], error: JobError, now: number, policy: MachinePolicy): JobRecord {
  const stamp = iso(now);
  const attempts = replaceLastAttempt(job, { status: attemptStatus, ended_at: stamp, error });
  const base = { ...job, attempts, poll: null, updated_at: stamp };
  const next = nextProvider(job, job.skip_providers);
  const others = next !== null && (job.providers[next.index] !== currentAttempt(job)?.provider || job.providers.length === 1);
  if (!error.retryable || !others || acceptedAttempts(job) >= policy.maxAttempts) {
    return fail(base, error, now);
  }
  return { ...base, provider_cursor: next!.index, submit: { tries: 0, due_at: now } };
}

/** Applies an upstream observation (from a create answer or a poll). */
function observe(job: JobRecord, task: UpstreamTask, now: number, policy: MachinePolicy, polling: { baseMs: number; maxMs: number }, resetPollTries: boolean): JobRecord {
  const stamp = iso(now);
  if (task.state === "pending" || task.state === "running") {
    const tries = resetPollTries ? 0 : (job.poll?.tries ?? 0) + 1;
    const progress = task.progress ?? job.progress ?? 0;
    const seen = currentAttempt(job)?.seen_running || task.state === "running";
    return {
      ...job,
      status: "running",
      progress: Math.max(job.progress ?? 0, Math.min(99, progress)),
      attempts: replaceLastAttempt(job, { status: "running", upstream_status: task.upstreamStatus, seen_running: seen }),
      poll: { tries, due_at: now + backoffDelay(tries + 1, { ...polling, random: policy.random }) },
      updated_at: stamp,
    };
  }
  if (task.state === "completed") {
    return {
      ...job,
      status: "running",
      progress: 99,
      attempts: replaceLastAttempt(job, { status: "completed", upstream_status: task.upstreamStatus, ended_at: stamp, seen_running: true }),
      usage: {
        ...job.usage,
        billed_seconds: task.billedSeconds ?? videoInput(job)?.duration ?? null,
        images: videoInput(job) ? null : task.urls.length,
      },
      poll: null,
      copy: { urls: task.urls, tries: 0, due_at: now, done: [] },
      updated_at: stamp,
    };
  }
  if (task.state !== "failed") return job;
  const error = jobError(task.error);
  const withStatus = { ...job, attempts: replaceLastAttempt(job, { upstream_status: task.upstreamStatus }) };
  return resubmitOrFail(withStatus, "failed", error, now, policy);
}

/** The polling cadence of the current attempt (stored with it when it was accepted). */
function pollingOf(job: JobRecord, policy: MachinePolicy): { baseMs: number; maxMs: number } {
  return job.polling ?? policy.poll;
}

/**
 * The next job record after `event` at time `now`. Events that no longer apply (a late
 * poll answer after completion, a hint for a terminal job) return the same object.
 * @example transition(job, { type: "deadline" }, Date.now(), defaultPolicy).status // "failed"
 */
export function transition(job: JobRecord, event: JobEvent, now: number, policy: MachinePolicy = defaultPolicy): JobRecord {
  if (isTerminal(job)) return job;
  const stamp = iso(now);
  switch (event.type) {
    case "submitted": {
      if (!job.submit) return job;
      const attempt: Attempt = {
        provider: event.provider,
        upstream_id: event.upstreamId,
        status: "running",
        upstream_status: event.task.upstreamStatus,
        started_at: stamp,
        ended_at: null,
        error: null,
        start_deadline_at: now + event.startDeadlineMs,
        seen_running: false,
      };
      const accepted: JobRecord = {
        ...job,
        status: "running",
        submit: null,
        provider_cursor: Math.max(0, job.providers.indexOf(event.provider)),
        attempts: [...job.attempts, attempt],
        polling: event.polling,
        usage: { ...job.usage, estimated_cost_usd: event.estimatedCostUsd },
        updated_at: stamp,
      };
      return observe(accepted, event.task, now, policy, event.polling, true);
    }
    case "submit_failed": {
      if (!job.submit) return job;
      const error = jobError(event.error);
      const attempt: Attempt = { provider: event.provider, upstream_id: null, status: "failed", upstream_status: null, started_at: stamp, ended_at: stamp, error };
      const base = { ...job, attempts: [...job.attempts, attempt], provider_cursor: Math.max(0, job.providers.indexOf(event.provider)), updated_at: stamp };
      if (requestKinds.has(event.error.kind)) return fail(base, error, now);
      const tries = job.submit.tries + 1;
      // A provider that refused for lack of credit or a bad key is not tried again by this job.
      const skip = transientKinds.has(event.error.kind) ? job.skip_providers : [...job.skip_providers, event.provider];
      const next = nextProvider(base, skip);
      if (!next || tries >= policy.submit.maxTries) {
        const suffix = next ? ` (gave up after ${tries} tries)` : "";
        return fail({ ...base, skip_providers: skip }, { ...error, message: error.message + suffix }, now);
      }
      // Fail over at once while untried providers remain; after a full round, back off.
      const backoff = Math.max(event.error.retryAfterMs ?? 0, backoffDelay(tries, { ...policy.submit, random: policy.random }));
      const delay = next.wrapped || job.providers.length === 1 ? backoff : 0;
      return { ...base, skip_providers: skip, provider_cursor: next.index, submit: { tries, due_at: now + delay } };
    }
    case "submit_deferred": {
      if (!job.submit) return job;
      return { ...job, submit: { ...job.submit, due_at: Math.max(now + 1, event.until) } };
    }
    case "observed": {
      if (job.status !== "running" || job.copy || job.submit || currentAttempt(job)?.status !== "running") return job;
      return observe(job, event.task, now, policy, pollingOf(job, policy), false);
    }
    case "poll_failed": {
      if (job.status !== "running" || !job.poll) return job;
      if (event.error.kind === "not_found" || event.error.kind === "unauthorized") {
        return resubmitOrFail(job, "failed", jobError(event.error, "the provider no longer knows the task: "), now, policy);
      }
      const tries = job.poll.tries + 1;
      const delay = Math.max(event.error.retryAfterMs ?? 0, backoffDelay(tries + 1, { ...pollingOf(job, policy), random: policy.random }));
      return { ...job, poll: { tries, due_at: now + delay }, updated_at: stamp };
    }
    case "poll_deferred": {
      // The provider's account-wide read budget is spent: read at the reserved slot.
      if (job.status !== "running" || !job.poll) return job;
      // The slot is reserved for this job: it reads then without asking again.
      return { ...job, poll: { ...job.poll, due_at: Math.max(now + 1, event.until), reserved: true } };
    }
    case "hint": {
      if (job.status !== "running" || !job.poll) return job;
      return { ...job, poll: { ...job.poll, due_at: now } };
    }
    case "stuck": {
      const attempt = currentAttempt(job);
      if (!attempt || attempt.status !== "running" || attempt.seen_running || !job.poll || (attempt.start_deadline_at ?? Infinity) > now) return job;
      const error: JobError = { code: "upstream_stuck", message: `${attempt.provider} did not start the task in time.`, retryable: true };
      return resubmitOrFail(job, "abandoned", error, now, policy);
    }
    case "output_copied": {
      if (!job.copy || job.copy.done.some((output) => output.index === event.output.index)) return job;
      const done = [...job.copy.done, event.output].sort((a, b) => a.index - b.index);
      if (done.length < job.copy.urls.length) return { ...job, copy: { ...job.copy, done }, updated_at: stamp };
      return { ...job, status: "completed", progress: 100, outputs: done, copy: null, updated_at: stamp, completed_at: stamp };
    }
    case "copy_failed": {
      if (!job.copy) return job;
      const tries = job.copy.tries + 1;
      if (event.error.retryable && tries < policy.copy.maxTries) {
        return { ...job, copy: { ...job.copy, tries, due_at: now + backoffDelay(tries, { ...policy.copy, random: policy.random }) }, updated_at: stamp };
      }
      return fail(job, event.error, now);
    }
    case "cancel": {
      const attempts = currentAttempt(job)?.status === "running" ? replaceLastAttempt(job, { status: "abandoned", ended_at: stamp }) : job.attempts;
      return { ...job, attempts, status: "canceled", submit: null, poll: null, copy: null, updated_at: stamp, completed_at: stamp };
    }
    case "deadline": {
      // Once the upstream has delivered, the deadline no longer applies: the result is paid
      // for, and the copy has its own bounded retries.
      if (job.copy || now < job.deadline_at) return job;
      const seconds = Math.round((job.deadline_at - Date.parse(job.created_at)) / 1000);
      const error: JobError = { code: "deadline_exceeded", message: `The job did not finish within its ${seconds} s deadline.`, retryable: true };
      const attempts = currentAttempt(job)?.status === "running" ? replaceLastAttempt(job, { status: "abandoned", ended_at: stamp, error }) : job.attempts;
      return fail({ ...job, attempts }, error, now);
    }
  }
}
