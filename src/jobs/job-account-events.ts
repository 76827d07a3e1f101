/**
 * @module jobs/job-account-events — how a job's record follows its tenant's account, as
 * pure transitions: admission (a job held for one of the tenant's running slots) and
 * settlement (ledger lines, the release of its budget reservation and slot).
 *
 *   held (hold) ──admitted──▶ submit due now (its deadline counted from admission)
 *     └── queue_checked: still waiting, ask again later (a lost notice costs time, never the job)
 *   over (or a late billed attempt) ──▶ settle due ──settled──▶ lines ledgered, released
 *                                              └── settle_failed: again with backoff
 *
 * The job machine (job-machine.ts) hands these events here; the Durable Object performs the
 * calls (jobs/job-settlement.ts) and applies what comes back.
 */
import { backoffDelay } from "../lib/backoff";
import type { JobRecord } from "./job-types";
import { terminalStatuses } from "./job-types";

export type AccountEvent =
  | { type: "admitted" }
  | { type: "queue_checked"; position: number }
  | { type: "settled"; indexes: number[]; final: boolean }
  | { type: "settle_failed" };

/** How often a held job asks for its place (after the account's notice did not come). */
const queueCheck = { baseMs: 5_000, maxMs: 60_000 };
/** Settlement retries: soon, then up to every ten minutes until it goes through. */
const settleRetry = { baseMs: 1_000, maxMs: 600_000 };

/** Billed attempts whose ledger line is not written yet. */
export function unledgered(job: Pick<JobRecord, "attempts">): number[] {
  return job.attempts.flatMap((attempt, index) => (attempt.billed && !attempt.ledgered ? [index] : []));
}

/** A settlement due now, unless one is already due (used when the job ends or an attempt is billed after). */
export function settleNow(job: Pick<JobRecord, "settle">, now: number): NonNullable<JobRecord["settle"]> {
  return job.settle ?? { tries: 0, due_at: now };
}

/**
 * The record after an account event. Events that no longer apply return the same object.
 * @example accountTransition(held, { type: "admitted" }, now, Math.random).hold // null
 */
export function accountTransition(job: JobRecord, event: AccountEvent, now: number, random: () => number): JobRecord {
  const terminal = terminalStatuses.has(job.status);
  switch (event.type) {
    case "admitted": {
      if (!job.hold || terminal) return job;
      // Time spent in the tenant's queue is not taken from the job's own deadline.
      const deadline = now + Math.max(0, job.deadline_at - Date.parse(job.created_at));
      return { ...job, hold: null, deadline_at: Math.max(job.deadline_at, deadline), submit: job.submit ? { ...job.submit, due_at: now } : { tries: 0, due_at: now } };
    }
    case "queue_checked": {
      if (!job.hold || terminal) return job;
      const tries = job.hold.tries + 1;
      return { ...job, hold: { position: event.position, tries, due_at: now + backoffDelay(tries, { ...queueCheck, random }) } };
    }
    case "settled": {
      if (!job.settle) return job;
      const marked = new Set(event.indexes);
      const attempts = job.attempts.map((attempt, index) => (marked.has(index) ? { ...attempt, ledgered: true } : attempt));
      const settled = job.settled || (event.final && terminal);
      const base = { ...job, attempts, settled };
      // A line billed while this settlement was in flight is owed too.
      const owed = unledgered(base).length > 0 || (terminal && !settled);
      return { ...base, settle: owed ? { tries: 0, due_at: now } : null };
    }
    case "settle_failed": {
      if (!job.settle) return job;
      const tries = job.settle.tries + 1;
      return { ...job, settle: { tries, due_at: now + backoffDelay(tries, { ...settleRetry, random }) } };
    }
  }
}
