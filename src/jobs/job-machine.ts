/**
 * @module jobs/job-machine — the job state machine as a pure function.
 *
 * `transition(job, event, now, policy)` returns the next record; it performs no I/O. The
 * Durable Object feeds it what happened (an upstream answer, a copy result, the deadline)
 * and then does whatever work the new record says is due (see job-schedule.ts).
 *
 *   queued ──submitted──▶ running ──observed completed──▶ (copy due) ──copied──▶ completed
 *     │  ╲ submit_failed (retryable: retry later)   │ observed failed / deadline ▶ failed
 *     └───▶ failed                                   └ poll_failed: poll again with backoff
 */
import { backoffDelay } from "../lib/backoff";
import type { ProviderId, UpstreamError, UpstreamTask } from "../providers/provider-adapter";
import type { Attempt, JobError, JobOutput, JobRecord } from "./job-types";
import { terminalStatuses } from "./job-types";

export interface MachinePolicy {
  submit: { baseMs: number; maxMs: number; maxTries: number };
  poll: { baseMs: number; maxMs: number };
  copy: { baseMs: number; maxMs: number; maxTries: number };
  random: () => number;
}

export const defaultPolicy: MachinePolicy = {
  submit: { baseMs: 1_000, maxMs: 60_000, maxTries: 6 },
  poll: { baseMs: 1_000, maxMs: 15_000 },
  copy: { baseMs: 1_000, maxMs: 30_000, maxTries: 5 },
  random: Math.random,
};

export type JobEvent =
  | { type: "submitted"; provider: ProviderId; upstreamId: string; task: UpstreamTask }
  | { type: "submit_failed"; provider: ProviderId; error: UpstreamError }
  | { type: "observed"; task: UpstreamTask }
  | { type: "poll_failed"; error: UpstreamError }
  | { type: "hint" }
  | { type: "copied"; outputs: JobOutput[] }
  | { type: "copy_failed"; error: JobError }
  | { type: "deadline" };

/** Same-provider retries only make sense for transient failures. */
const transientKinds = new Set(["rate_limited", "unavailable", "timeout", "protocol"]);

export function isTerminal(job: JobRecord): boolean {
  return terminalStatuses.has(job.status);
}

function iso(now: number): string {
  return new Date(now).toISOString();
}

function jobError(error: UpstreamError, prefix = ""): JobError {
  return { code: `upstream_${error.kind}`, message: prefix + error.message, retryable: error.retryable };
}

function currentAttempt(job: JobRecord): Attempt | undefined {
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

/** Applies an upstream observation (from a create answer or a poll). */
function observe(job: JobRecord, task: UpstreamTask, now: number, policy: MachinePolicy, resetPollTries: boolean): JobRecord {
  const stamp = iso(now);
  if (task.state === "pending" || task.state === "running") {
    const tries = resetPollTries ? 0 : (job.poll?.tries ?? 0) + 1;
    const progress = task.progress ?? job.progress ?? 0;
    return {
      ...job,
      status: "running",
      progress: Math.max(job.progress ?? 0, Math.min(99, progress)),
      attempts: replaceLastAttempt(job, { status: "running", upstream_status: task.upstreamStatus }),
      poll: { tries, due_at: now + backoffDelay(tries + 1, { ...policy.poll, random: policy.random }) },
      updated_at: stamp,
    };
  }
  if (task.state === "completed") {
    return {
      ...job,
      status: "running",
      progress: 99,
      attempts: replaceLastAttempt(job, { status: "completed", upstream_status: task.upstreamStatus, ended_at: stamp }),
      usage: { ...job.usage, billed_seconds: task.billedSeconds ?? job.usage.billed_seconds ?? job.input.duration },
      poll: null,
      copy: { urls: task.urls, tries: 0, due_at: now },
      updated_at: stamp,
    };
  }
  if (task.state !== "failed") return job;
  const error = jobError(task.error);
  const failed = { ...job, attempts: replaceLastAttempt(job, { status: "failed", upstream_status: task.upstreamStatus, ended_at: stamp, error }) };
  return fail(failed, error, now);
}

/**
 * The next job record after `event` at time `now`. Events that no longer apply (a late
 * poll answer after completion, a hint for a terminal job) leave the job unchanged.
 * @example transition(job, { type: "deadline" }, Date.now(), defaultPolicy).status // "failed"
 */
export function transition(job: JobRecord, event: JobEvent, now: number, policy: MachinePolicy = defaultPolicy): JobRecord {
  if (isTerminal(job)) return job;
  const stamp = iso(now);
  switch (event.type) {
    case "submitted": {
      if (job.status !== "queued") return job;
      const attempt: Attempt = {
        provider: event.provider,
        upstream_id: event.upstreamId,
        status: "running",
        upstream_status: event.task.upstreamStatus,
        started_at: stamp,
        ended_at: null,
        error: null,
      };
      return observe({ ...job, status: "running", submit: null, attempts: [...job.attempts, attempt], updated_at: stamp }, event.task, now, policy, true);
    }
    case "submit_failed": {
      if (job.status !== "queued") return job;
      const tries = (job.submit?.tries ?? 0) + 1;
      const attempt: Attempt = {
        provider: event.provider,
        upstream_id: null,
        status: "failed",
        upstream_status: null,
        started_at: stamp,
        ended_at: stamp,
        error: jobError(event.error),
      };
      const attempts = [...job.attempts, attempt];
      if (transientKinds.has(event.error.kind) && tries < policy.submit.maxTries) {
        const delay = Math.max(event.error.retryAfterMs ?? 0, backoffDelay(tries, { ...policy.submit, random: policy.random }));
        return { ...job, attempts, submit: { tries, due_at: now + delay }, updated_at: stamp };
      }
      const suffix = transientKinds.has(event.error.kind) ? ` (gave up after ${tries} tries)` : "";
      return fail({ ...job, attempts }, { ...jobError(event.error), message: event.error.message + suffix }, now);
    }
    case "observed": {
      if (job.status !== "running" || job.copy || currentAttempt(job)?.status !== "running") return job;
      return observe(job, event.task, now, policy, false);
    }
    case "poll_failed": {
      if (job.status !== "running" || !job.poll) return job;
      if (event.error.kind === "not_found" || event.error.kind === "unauthorized") {
        const error = jobError(event.error, "the provider no longer knows the task: ");
        return fail({ ...job, attempts: replaceLastAttempt(job, { status: "failed", ended_at: stamp, error }) }, error, now);
      }
      const tries = job.poll.tries + 1;
      const delay = Math.max(event.error.retryAfterMs ?? 0, backoffDelay(tries + 1, { ...policy.poll, random: policy.random }));
      return { ...job, poll: { tries, due_at: now + delay }, updated_at: stamp };
    }
    case "hint": {
      if (job.status !== "running" || !job.poll) return job;
      return { ...job, poll: { ...job.poll, due_at: now } };
    }
    case "copied": {
      if (!job.copy) return job;
      return { ...job, status: "completed", progress: 100, outputs: event.outputs, copy: null, updated_at: stamp, completed_at: stamp };
    }
    case "copy_failed": {
      if (!job.copy) return job;
      const tries = job.copy.tries + 1;
      if (event.error.retryable && tries < policy.copy.maxTries) {
        return { ...job, copy: { ...job.copy, tries, due_at: now + backoffDelay(tries, { ...policy.copy, random: policy.random }) }, updated_at: stamp };
      }
      return fail(job, event.error, now);
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
