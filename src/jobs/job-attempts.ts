/**
 * @module jobs/job-attempts — pure helpers over a job's attempts: which one is live, which
 * are still worth reading, what they cost, where the next create goes.
 *
 * Used by the machine (job-machine.ts) and the schedule (job-schedule.ts); no I/O.
 */
import type { ProviderId } from "../providers/provider-adapter";
import type { Attempt, JobRecord } from "./job-types";
import { usageOf } from "./job-usage";

/** The attempt the job is waiting on (creating or running); at most one at a time. */
export function liveIndex(job: Pick<JobRecord, "attempts">): number {
  for (let index = job.attempts.length - 1; index >= 0; index--) {
    const status = job.attempts[index]!.status;
    if (status === "creating" || status === "running") return index;
  }
  return -1;
}

export function liveAttempt(job: Pick<JobRecord, "attempts">): Attempt | undefined {
  const index = liveIndex(job);
  return index < 0 ? undefined : job.attempts[index];
}

/** Attempts that may exist upstream and bill (counted against `maxAttempts`). */
export function mayBill(attempt: Attempt): boolean {
  return attempt.upstream_id !== null || attempt.status === "outcome_unknown" || attempt.status === "creating";
}

/** A task the job walked away from that may still finish upstream (it is still read). */
export function stillFinishing(attempt: Attempt): boolean {
  return attempt.status === "abandoned" && attempt.upstream_id !== null && Boolean(attempt.due) && attempt.upstream_state !== "failed";
}

/** A copy of the attempts with `index` changed. */
export function withAttempt(job: Pick<JobRecord, "attempts">, index: number, change: Partial<Attempt>): Attempt[] {
  const attempts = job.attempts.slice();
  attempts[index] = { ...attempts[index]!, ...change };
  return attempts;
}

/**
 * Walks away from an attempt: no longer the job's, canceled upstream where possible (once),
 * and still read while the job runs — if it finishes first, its result is used.
 */
export function abandoned(attempt: Attempt, stamp: string, error: Attempt["error"], keepReading: boolean): Attempt {
  if (attempt.status !== "creating" && attempt.status !== "running") return attempt;
  return {
    ...attempt,
    status: "abandoned",
    ended_at: stamp,
    error: error ?? attempt.error,
    cancel_due: attempt.upstream_id !== null,
    due: keepReading && attempt.upstream_id !== null ? attempt.due ?? null : null,
  };
}

/**
 * The job is over: the live attempt is abandoned (and canceled where possible). Tasks that
 * may still finish upstream keep being read until the job's deadline, only to learn whether
 * they were billed (a cost is never hidden); a create in recovery is given up.
 */
export function settleAttempts(job: Pick<JobRecord, "attempts">, stamp: string, error: Attempt["error"]): Attempt[] {
  return job.attempts.map((attempt) => {
    const ended = abandoned(attempt, stamp, error, true);
    if (ended.status === "abandoned" && ended.upstream_id !== null) return { ...ended, due: ended.due ?? { tries: 0, due_at: Date.parse(stamp) + 60_000 } };
    return ended.due ? { ...ended, due: null } : ended;
  });
}

/**
 * The index of the next provider to try after `after`, skipping the ones in `skip`;
 * `wrapped` when it went round the list (time to back off).
 */
export function nextProvider(job: Pick<JobRecord, "providers" | "provider_cursor">, skip: readonly ProviderId[], after = job.provider_cursor): { index: number; wrapped: boolean } | null {
  const count = job.providers.length;
  for (let step = 1; step <= count; step++) {
    const index = (after + step) % count;
    if (!skip.includes(job.providers[index]!)) return { index, wrapped: after + step >= count };
  }
  return null;
}

/** "evolink: reason; dashscope: reason" — why each provider refused this job. */
export function refusals(job: Pick<JobRecord, "attempts">): string {
  const reasons = new Map<string, string>();
  for (const attempt of job.attempts) if (attempt.status === "failed" && attempt.error) reasons.set(attempt.provider, attempt.error.message);
  return [...reasons].map(([provider, reason]) => `${provider}: ${reason}`).join("; ");
}

/**
 * A callback named a task none of the attempts knows — the task of a create whose answer
 * was lost. It becomes the job's attempt when nothing else is working on the job; otherwise
 * (or once the job is over) it is kept as walked away from: canceled where possible and, while
 * the job runs, read in case it finishes first. Recorded either way, so its cost is seen.
 */
export function adopt(job: JobRecord, provider: ProviderId, upstreamId: string, now: number, terminal: boolean): JobRecord {
  const stamp = new Date(now).toISOString();
  const candidates = job.attempts.map((attempt, index) => ({ attempt, index })).filter(({ attempt }) => attempt.provider === provider && attempt.upstream_id === null && (attempt.status === "outcome_unknown" || attempt.status === "creating"));
  const found = candidates.find(({ attempt }) => attempt.status === "creating") ?? candidates[candidates.length - 1];
  const free = !terminal && !job.copy && liveIndex(job) < 0;
  const due = { tries: 0, due_at: now };
  if (found && (free || found.attempt.status === "creating")) {
    const adopted: Attempt = { ...found.attempt, upstream_id: upstreamId, status: "running", error: null, ended_at: null, due };
    return { ...job, status: "running", submit: null, attempts: withAttempt(job, found.index, adopted), updated_at: stamp };
  }
  // Someone else is working on the job (or it is over): the orphan is canceled where possible
  // and, while the job runs, read in case it finishes first.
  const orphan: Attempt = found
    ? { ...found.attempt, upstream_id: upstreamId, status: "abandoned", ended_at: found.attempt.ended_at ?? stamp, cancel_due: true, due }
    : { provider, upstream_id: upstreamId, status: "abandoned", upstream_status: null, started_at: stamp, ended_at: stamp, error: null, cancel_due: true, due };
  const attempts = found ? withAttempt(job, found.index, orphan) : [...job.attempts, orphan];
  const base = { ...job, attempts, updated_at: stamp };
  return { ...base, usage: usageOf(base, terminal) };
}
