/**
 * @module jobs/job-schedule — what is due next, derived from the record alone.
 *
 * One alarm per Durable Object, set to the earliest due item; nothing else is stored. A
 * finished job's alarm still serves its media: thumbnails and posters, the removal a
 * deletion owes, and the expiry its retention sets (days ahead).
 */
import { liveIndex } from "./job-attempts";
import { isTerminal } from "./job-machine";
import type { JobRecord } from "./job-types";
import { mediaExpiresAt, mediaRemoved } from "./job-types";

export type DueWork =
  | { kind: "copy" }
  | { kind: "deadline" }
  | { kind: "submit" }
  /** Re-send (same idempotency key) or give up on a create whose answer was lost. */
  | { kind: "recover_create"; index: number }
  | { kind: "poll"; index: number }
  | { kind: "stuck"; index: number }
  /** An upstream cancel owed for an attempt walked away from (sent once, even after the end). */
  | { kind: "cancel_upstream"; index: number }
  /** The tenant's account is owed ledger lines and, once the job is over, a release. */
  | { kind: "settle" }
  /** Held for a running slot: ask the tenant's account where the job stands. */
  | { kind: "check_queue" }
  /** Remove every stored object of a deleted or expired job. */
  | { kind: "purge_media" }
  /** The job's retention ran out. */
  | { kind: "expire" }
  /** Make the thumbnails and posters of a completed job. */
  | { kind: "variants" };

/** When the live attempt counts as stuck, if it can still get stuck. */
function stuckAt(job: JobRecord): { index: number; at: number } | undefined {
  const index = liveIndex(job);
  const attempt = job.attempts[index];
  if (!attempt || attempt.status !== "running" || attempt.seen_running || attempt.upstream_state === "paused" || !attempt.start_deadline_at) return undefined;
  return { index, at: attempt.start_deadline_at };
}

/** The stored media's work once the job is over: variants, expiry, removal. */
function mediaItems(job: JobRecord): Array<[number, DueWork]> {
  const items: Array<[number, DueWork]> = [];
  if (job.purge) items.push([job.purge.due_at, { kind: "purge_media" }]);
  if (job.variants) items.push([job.variants.due_at, { kind: "variants" }]);
  const expiresAt = mediaExpiresAt(job);
  if (expiresAt !== null && !mediaRemoved(job)) items.push([expiresAt, { kind: "expire" }]);
  return items;
}

/** Every timed item of the job: [time, work]. */
function timed(job: JobRecord): Array<[number, DueWork]> {
  const items: Array<[number, DueWork]> = [];
  job.attempts.forEach((attempt, index) => {
    if (attempt.cancel_due) items.push([0, { kind: "cancel_upstream", index }]);
    // Once the job is over, tasks walked away from are still read (billing, until the deadline).
    if (isTerminal(job) && attempt.due && attempt.status === "abandoned") items.push([attempt.due.due_at, { kind: "poll", index }]);
  });
  if (job.settle) items.push([job.settle.due_at, { kind: "settle" }]);
  if (isTerminal(job)) return [...items, ...mediaItems(job)];
  if (job.copy) items.push([job.copy.due_at, { kind: "copy" }]);
  else items.push([job.deadline_at, { kind: "deadline" }]);
  // A job held for one of its tenant's running slots sends nothing upstream until admitted.
  if (job.hold) items.push([job.hold.due_at, { kind: "check_queue" }]);
  else if (job.submit) items.push([job.submit.due_at, { kind: "submit" }]);
  job.attempts.forEach((attempt, index) => {
    if (!attempt.due) return;
    items.push([attempt.due.due_at, attempt.status === "creating" ? { kind: "recover_create", index } : { kind: "poll", index }]);
  });
  const stuck = stuckAt(job);
  if (stuck) items.push([stuck.at, { kind: "stuck", index: stuck.index }]);
  return items;
}

/** The earliest time anything is due, or null when the job needs no further wake-up. */
export function nextWakeAt(job: JobRecord): number | null {
  const times = timed(job).map(([at]) => at);
  return times.length === 0 ? null : Math.min(...times);
}

/**
 * The work due at `now`, most important first: owed cancels, a finished result, the
 * deadline, then the rest in time order. `busy` lists creates in flight in this instance
 * (their recovery is not due while their answer can still come).
 */
export function dueWork(job: JobRecord, now: number, busy: ReadonlySet<number> = new Set()): DueWork | null {
  // Removing media comes first (a deletion is a promise to the user); variants last.
  const rank: Record<DueWork["kind"], number> = { cancel_upstream: 0, purge_media: 1, copy: 2, deadline: 3, expire: 4, recover_create: 5, submit: 6, poll: 7, stuck: 8, settle: 9, check_queue: 10, variants: 11 };
  const due = timed(job).filter(([at, work]) => at <= now && !("index" in work && work.kind !== "cancel_upstream" && busy.has(work.index)));
  due.sort((a, b) => rank[a[1].kind] - rank[b[1].kind] || a[0] - b[0]);
  return due[0]?.[1] ?? null;
}
