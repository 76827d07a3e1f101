/**
 * @module jobs/job-schedule — what is due next, derived from the record alone.
 *
 * One alarm per Durable Object, set to the earliest due item; nothing else is stored.
 */
import { currentAttempt, isTerminal } from "./job-machine";
import type { JobRecord } from "./job-types";

export type DueWork = "copy" | "submit" | "poll" | "stuck" | "deadline";

/** When the current attempt counts as stuck, if it can still get stuck. */
function stuckAt(job: JobRecord): number | undefined {
  const attempt = currentAttempt(job);
  if (!attempt || attempt.status !== "running" || attempt.seen_running || !job.poll) return undefined;
  return attempt.start_deadline_at ?? undefined;
}

/** The earliest time anything is due, or null when the job needs no further wake-up. */
export function nextWakeAt(job: JobRecord): number | null {
  if (isTerminal(job)) return null;
  const times = [job.copy?.due_at, job.submit?.due_at, job.poll?.due_at, stuckAt(job), job.copy ? undefined : job.deadline_at];
  const due = times.filter((time): time is number => time !== undefined);
  return due.length === 0 ? null : Math.min(...due);
}

/** The work due at `now`, most important first (a finished result before anything else). */
export function dueWork(job: JobRecord, now: number): DueWork | null {
  if (isTerminal(job)) return null;
  if (job.copy && job.copy.due_at <= now) return "copy";
  if (!job.copy && job.deadline_at <= now) return "deadline";
  if (job.submit && job.submit.due_at <= now) return "submit";
  if (job.poll && job.poll.due_at <= now) return "poll";
  const stuck = stuckAt(job);
  if (stuck !== undefined && stuck <= now) return "stuck";
  return null;
}
