/**
 * @module jobs/job-effects — the job's work with the outside world (creates, reads, cancels
 * upstream; copies into R2; thumbnails, posters and the removal of its media) behind one
 * narrow call: `perform(job, work)` does the due work and returns the machine event it
 * produced, without touching the job's storage.
 *
 * The job object (job-object.ts) applies what comes back. The only ordering rule lives
 * there too: a create's attempt is written (and committed) before `perform` sends it.
 */
import type { Config, Env } from "../env";
import type { CopyDeps } from "./job-copy";
import { copyNextOutput } from "./job-copy";
import type { JobEvent } from "./job-machine";
import { purgeJobMedia } from "./job-media";
import { makeVariants } from "./job-variants";
import type { DueWork } from "./job-schedule";
import type { JobRecord } from "./job-types";
import { checkQueue, settleJob } from "./job-settlement";
import { cancelAttempt, pollAttempt, recoverCreate, sendCreate, startCreate } from "./job-upstream";

export interface Performed {
  event: JobEvent;
  /** What to keep in the event log about it (never a secret). */
  detail?: unknown;
  /** Objects it wrote (variants) or removed (a purge), by key. */
  keys?: string[];
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
      case "expire":
        return { event: { type: "expire" } };
      case "purge_media":
        try {
          const keys = await purgeJobMedia(this.env, job, this.config.publicBaseUrl);
          return { event: { type: "media_purged" }, detail: { objects: keys.length }, keys };
        } catch (thrown) {
          const message = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : "removal failed";
          return { event: { type: "purge_failed", error: { code: "media_purge_failed", message, retryable: true } }, detail: { message } };
        }
      case "variants": {
        const made = await makeVariants(job, this.deps);
        const keys = made.stored.map((object) => object.key);
        // Held by the tenant from now on (its usage counts them, like outputs); best effort.
        if (made.stored.length > 0) {
          await this.env.ACCOUNTS.get(this.env.ACCOUNTS.idFromName(job.tenant))
            .recordStorage(made.stored.map((object) => ({ ...object, kind: "output" as const, job_id: job.id })))
            .catch(() => console.error("storage record failed"));
        }
        return { event: { type: "variants_made", variants: made.variants }, detail: { made: made.variants, failed: made.failures }, keys };
      }
      case "settle": {
        const event = await settleJob(this.env, job, this.now());
        return { event, detail: event.type === "settled" ? { attempts: event.indexes, final: event.final } : undefined };
      }
      case "check_queue": {
        const event = await checkQueue(this.env, job);
        return { event, detail: event.type === "queue_checked" ? { position: event.position } : undefined };
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
