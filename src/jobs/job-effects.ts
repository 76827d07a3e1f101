/**
 * @module jobs/job-effects — the job's work with the outside world (creates, reads, cancels
 * upstream; copies into R2) behind one narrow call: `perform(job, work)` does the due work
 * and returns the machine event it produced, without touching the job's storage.
 *
 * The job object (job-object.ts) applies what comes back. The only ordering rule lives
 * there too: a create's attempt is written (and committed) before `perform` sends it.
 */
import type { Config, Env } from "../env";
import type { CopyDeps } from "./job-copy";
import { copyNextOutput } from "./job-copy";
import type { JobEvent } from "./job-machine";
import type { DueWork } from "./job-schedule";
import type { JobRecord } from "./job-types";
import { cancelAttempt, pollAttempt, recoverCreate, sendCreate, startCreate } from "./job-upstream";

export interface Performed {
  event: JobEvent;
  /** What to keep in the event log about it (never a secret). */
  detail?: unknown;
}

export class JobEffects {
  constructor(
    private readonly env: Env,
    private readonly config: Config,
    private readonly now: () => number,
  ) {}

  private get deps() {
    return { env: this.env, config: this.config, now: this.now };
  }

  /**
   * Does `work` for `job` and returns the resulting event (null: nothing came of it).
   * `signal` aborts a copy in flight (the job was canceled).
   */
  async perform(job: JobRecord, work: DueWork, signal: AbortSignal, onMultipart?: CopyDeps["onMultipart"]): Promise<Performed | null> {
    switch (work.kind) {
      case "deadline":
        return { event: { type: "deadline" } };
      case "stuck":
        return { event: { type: "stuck", index: work.index } };
      case "submit": {
        const event = await startCreate(job, this.deps);
        return { event, detail: event.type === "create_started" ? { provider: event.provider, idempotency_key: event.idempotencyKey } : undefined };
      }
      case "recover_create":
        return this.described(await recoverCreate(job, work.index, this.deps));
      case "poll":
        return this.described(await pollAttempt(job, work.index, this.deps));
      case "cancel_upstream": {
        const attempt = job.attempts[work.index]!;
        const ok = await cancelAttempt(job, attempt, this.deps).catch(() => false);
        return { event: { type: "cancel_sent", index: work.index }, detail: ok === null ? undefined : { provider: attempt.provider, upstream_id: attempt.upstream_id, ok } };
      }
      case "copy": {
        const copied = await copyNextOutput(job, { env: this.env, config: this.config, signal, onMultipart });
        return copied ? { event: copied.event, detail: copied.detail } : null;
      }
    }
  }

  /** Sends the create of attempt `index`, just written ahead. */
  async sendCreate(job: JobRecord, index: number): Promise<Performed> {
    return this.described(await sendCreate(job, index, this.deps));
  }

  private described(event: JobEvent): Performed {
    switch (event.type) {
      case "created":
      case "observed":
        return { event, detail: { index: event.index, upstream_status: event.task.upstreamStatus } };
      case "create_failed":
      case "create_lost":
      case "poll_failed":
        return { event, detail: { index: event.index, ...event.error } };
      default:
        return { event };
    }
  }
}
