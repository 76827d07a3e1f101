/**
 * @module jobs/job-object — one Durable Object per job: orchestration only.
 *
 * It loads the record, feeds what happened to the pure `transition`, persists the result
 * with an event row, performs the work the record says is due (job-effects.ts), and re-arms
 * its single alarm from `nextWakeAt`. All upstream work runs in `runDue`, one pass at a time,
 * so a callback arriving mid-poll only moves the next read forward.
 *
 * Write-ahead: the job is stored before anyone hears of it, and each create's attempt
 * (provider, idempotency key) is committed before the create request leaves. Whatever
 * instant the process dies at, the next instance finds every task it may have made.
 *
 * After the end the same alarm serves the job's media: thumbnails and posters, deletion and
 * expiry (job-media-transition.ts). Links of private media are signed afresh wherever the
 * job leaves this object (`present`, the event stream, webhook deliveries).
 */
import { DurableObject } from "cloudflare:workers";
import type { Config, Env } from "../env";
import { loadConfig } from "../env";
import { waitAtMost } from "../lib/wait-at-most";
import type { ProviderId } from "../providers/provider-adapter";
import { DeliveryStore } from "../webhooks/delivery-store";
import { outboxDeps, WebhookOutbox } from "../webhooks/webhook-outbox";
import { JobAudience } from "./job-audience";
import { JobEffects } from "./job-effects";
import type { JobEvent } from "./job-machine";
import { isTerminal, policyFor, transition } from "./job-machine";
import { cleanUpMedia, mediaKeysOf, retainUploads } from "./job-media";
import { dueWork, nextWakeAt } from "./job-schedule";
import { JobStore } from "./job-store";
import { withQueuePosition } from "./job-settlement";
import { listJob } from "./tenant-index";
import type { JobRecord } from "./job-types";
import { mediaRemoved } from "./job-types";
import type { JobView } from "./job-view";
import { publicState } from "./job-view";

/** How many due items one wake-up may work through before yielding to the next alarm. */
const maxStepsPerWake = 16;

export type CreateOutcome = { job: JobView; replayed: boolean; mismatch: boolean };
export type CancelOutcome = { job: JobView; conflict: boolean } | null;
/** `keys`: the objects removed, for the caller to purge from its location's edge cache. */
export type DeleteOutcome = { job: JobView; conflict: boolean; keys: string[] } | null;

export class JobObject extends DurableObject<Env> {
  private readonly store: JobStore;
  private readonly outbox: WebhookOutbox;
  private job: JobRecord | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private copyAbort = new AbortController();
  private readonly audience: JobAudience;
  /** Media clean-up owed by this instance's start (a copy the last instance left half done). */
  private recovering = false;
  /** The clock; replaceable in tests (time travel without patching globals). */
  now: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new JobStore(ctx.storage.sql);
    this.outbox = new WebhookOutbox(new DeliveryStore(ctx.storage.sql));
    this.audience = new JobAudience({ env, config: () => this.config, now: () => this.now(), outbox: this.outbox, waitUntil: (promise) => ctx.waitUntil(promise) });
    void ctx.blockConcurrencyWhile(async () => {
      if (!this.store.exists()) return;
      this.store.migrate(false);
      this.job = this.store.load();
      if (this.job?.webhook) this.store.migrate(true);
      else this.outbox.startEmpty(); // no webhook, no outbox tables
      this.recovering = this.job?.copy != null;
    });
  }

  private get config(): Config {
    return loadConfig(this.env);
  }

  private owned(tenant: string): JobRecord | null {
    return this.job && this.job.tenant === tenant ? this.job : null;
  }

  /**
   * Creates the job and submits it. Idempotent: a second call (a retry with the same
   * Idempotency-Key, even after the first instance died) returns the existing job, flagged
   * `replayed` when the request hash matches and `mismatch` when it does not.
   *
   * The job is stored (row, `created` event, backstop alarm: one commit) and listed before
   * anything goes upstream; the answer waits for the first create up to `SUBMIT_ANSWER_MS`,
   * then says `queued` and lets the create finish on its own.
   */
  async create(record: JobRecord): Promise<CreateOutcome> {
    const existing = this.job;
    if (existing) {
      const mismatch = existing.tenant !== record.tenant || existing.request_hash !== record.request_hash;
      return { job: await this.audience.present(existing), replayed: !mismatch, mismatch };
    }
    this.job = record;
    this.outbox.startEmpty();
    this.store.migrate(record.webhook !== null);
    this.store.save(record);
    this.store.appendEvent(record.created_at, "created", "queued", { providers: record.providers });
    // If this instance dies before its first pass is done, the alarm carries on.
    await this.ctx.storage.setAlarm(this.now() + 1_000);
    await retainUploads(this.env, record);
    // Listed from committed state (the output gate holds the call until the commit is durable).
    await listJob(this.env, record).catch(() => console.error("tenant index write failed"));
    await waitAtMost(this.runDue(), this.config.submitAnswerMs);
    return { job: await this.audience.present(this.job!), replayed: false, mismatch: false };
  }

  /** The job as its tenant sees it; null for anyone else (a plain 404 upstairs). */
  async view(tenant: string): Promise<JobView | null> {
    const job = this.owned(tenant);
    return job ? withQueuePosition(this.env, job, await this.audience.present(job)) : null;
  }

  /** Its tenant's account admitted this held job to a slot ("missing": not created yet, asked again). */
  async admit(): Promise<"admitted" | "over" | "missing"> {
    if (!this.job || isTerminal(this.job)) return this.job ? "over" : "missing";
    this.apply({ type: "admitted" }); // written; the pass below sends the create
    this.ctx.waitUntil(this.armAlarm().then(() => this.runDue()));
    return "admitted";
  }

  /** The job's status for its tenant index (a sweep checks listed statuses against it). */
  async status(): Promise<Pick<JobRecord, "status" | "updated_at"> | null> { return this.job && { status: this.job.status, updated_at: this.job.updated_at }; }

  /** Resolves with the job once it is terminal, or after `timeoutMs` with it as it is. */
  async waitForTerminal(tenant: string, timeoutMs: number): Promise<JobView | null> {
    if (!this.owned(tenant)) return null;
    if (!isTerminal(this.job!)) await this.audience.waiters.wait(timeoutMs);
    return this.audience.present(this.job!);
  }

  /** Resolves once the pass working on the job, if any, is over (for tests and debugging). */
  async settled(): Promise<void> { await this.running; }

  /** The event log (for tests and debugging). */
  async events(tenant: string) { return this.owned(tenant) ? this.store.events() : null; }

  /**
   * A provider callback arrived for this job. The body is never trusted: it only makes the
   * next read due now (the read uses our own key), or — naming a task no attempt knows —
   * adopts that task as the job's (an orphan of a create whose answer was lost).
   */
  async hint(provider: ProviderId, upstreamId: string | null): Promise<void> {
    if (!this.job) return;
    this.apply({ type: "callback", provider, upstreamId });
    await this.armAlarm();
  }

  /**
   * Cancels the job: upstream too where the provider allows it (sent by the next pass);
   * a copy in flight is aborted and every object already written for the job is deleted.
   */
  async cancel(tenant: string): Promise<CancelOutcome> {
    const job = this.owned(tenant);
    if (!job) return null;
    if (isTerminal(job)) return { job: await this.audience.present(job), conflict: true };
    this.apply({ type: "cancel" });
    this.copyAbort.abort(new Error("job canceled"));
    await cleanUpMedia(this.env.MEDIA, this.job!);
    // The upstream cancels are sent before the answer (a pass may be busy with a create).
    const effects = new JobEffects(this.env, this.config, this.now);
    for (const index of this.job!.attempts.flatMap((attempt, at) => (attempt.cancel_due ? [at] : []))) {
      const done = await effects.perform(this.job!, { kind: "cancel_upstream", index }, this.copyAbort.signal);
      if (done) this.apply(done.event, done.detail);
    }
    await this.armAlarm();
    return { job: await this.audience.present(this.job!), conflict: false };
  }

  /**
   * Deletes a finished job's media (`DELETE /v1/jobs/{id}`): removed before the answer, or
   * — should R2 fail — by the alarm's retries; the record stays, with `deleted_at`.
   */
  async delete(tenant: string): Promise<DeleteOutcome> {
    const job = this.owned(tenant);
    if (!job) return null;
    if (!isTerminal(job)) return { job: await this.audience.present(job), conflict: true, keys: [] };
    this.apply({ type: "delete" });
    const done = this.job!.purge ? await new JobEffects(this.env, this.config, this.now).perform(this.job!, { kind: "purge_media" }, this.copyAbort.signal) : null;
    if (done) this.apply(done.event, done.detail);
    await this.armAlarm();
    return { job: await this.audience.present(this.job!), conflict: false, keys: [...new Set([...mediaKeysOf(this.job!), ...(done?.keys ?? [])])] };
  }

  /** The job's webhook deliveries with every attempt; null for anyone but its tenant. */
  async deliveries(tenant: string) {
    if (!this.owned(tenant)) return null;
    return this.job!.webhook ? this.outbox.list() : [];
  }

  /** Sends the latest webhook event again. null: not this tenant's job; false: nothing to send. */
  async replayDelivery(tenant: string): Promise<boolean | null> {
    if (!this.owned(tenant)) return null;
    if (!this.job!.webhook || !this.outbox.replayLatest(this.now())) return false;
    await this.armAlarm();
    return true;
  }

  /** `GET /v1/jobs/{id}/events` (the route has checked the tenant and forwards here). */
  override async fetch(request: Request): Promise<Response> {
    const job = this.owned(request.headers.get("x-wan-edge-tenant") ?? "");
    if (!job) return new Response(null, { status: 404 });
    const keepAliveMs = Number(this.env.SSE_KEEPALIVE_MS) > 0 ? Number(this.env.SSE_KEEPALIVE_MS) : 15_000;
    return this.audience.openStream(() => this.job!, request.headers.get("last-event-id"), keepAliveMs);
  }

  override async alarm(): Promise<void> {
    await this.runDue();
  }

  private apply(event: JobEvent, detail?: unknown): void {
    const before = this.job!;
    const changed = transition(before, event, this.now(), policyFor(this.env));
    if (changed === before) return;
    const visible = publicState(changed) !== publicState(before); // `updated_at` moves with `sequence` only
    const after = visible ? { ...changed, sequence: (before.sequence ?? 0) + 1 } : { ...changed, updated_at: before.updated_at };
    this.job = after;
    this.store.save(after);
    // `upstream_cancel` rows are written here only: one per cancel actually sent.
    const logged = event.type === "cancel_sent" ? (detail ? "upstream_cancel" : "upstream_cancel_unsupported") : event.type;
    this.store.appendEvent(new Date(this.now()).toISOString(), logged, after.status, detail);
    if (visible) this.audience.changed(before, after);
  }

  private async armAlarm(): Promise<void> {
    const times = [this.job ? nextWakeAt(this.job) : null, this.outbox.nextAt()].filter((time): time is number => time !== null);
    if (times.length === 0) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(Math.min(...times), this.now() + 1));
  }

  /** Works through everything due now, one pass at a time, then re-arms the alarm. */
  private runDue(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        if (this.recovering && this.job) {
          // The last instance may have died mid-copy: nothing half-written stays in R2.
          this.recovering = false;
          await cleanUpMedia(this.env.MEDIA, this.job);
          this.apply({ type: "copy_upload", upload: null });
        }
        do {
          this.again = false;
          for (let step = 0; step < maxStepsPerWake && this.job; step++) {
            const work = dueWork(this.job, this.now());
            if (!work) break;
            await this.perform(work);
          }
        } while (this.again);
        if (this.job?.webhook) await this.outbox.deliverDue(this.job, outboxDeps(this.env, this.config, this.now, this.audience.render(this.job)));
        await this.armAlarm();
      } catch (thrown) {
        // A bug or an unexpected failure must not strand the job (nor fail the request
        // that created it), nor retry-loop the platform's alarm: note it, come back in 30 s.
        console.error("job work failed", thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : typeof thrown);
        await this.ctx.storage.setAlarm(this.now() + 30_000);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async perform(work: NonNullable<ReturnType<typeof dueWork>>): Promise<void> {
    const effects = new JobEffects(this.env, this.config, this.now);
    if (work.kind === "copy" && this.copyAbort.signal.aborted) this.copyAbort = new AbortController();
    const done = await effects.perform(this.job!, work, this.copyAbort.signal, async ({ key, uploadId }) => {
      this.apply({ type: "copy_upload", upload: { key, upload_id: uploadId } });
      await this.ctx.storage.sync(); // recorded before any part is sent
    });
    if (!done) return;
    if (done.event.type === "output_copied" && isTerminal(this.job!)) {
      // Canceled while this copy finished: leave nothing behind.
      await this.env.MEDIA.delete(done.event.output.key);
      return;
    }
    // Deleted or expired while its thumbnails were made: they go too.
    if (done.event.type === "variants_made" && mediaRemoved(this.job!)) return void (await this.env.MEDIA.delete(done.keys ?? []));
    const before = this.job!;
    this.apply(done.event, done.detail);
    // A job that ended without its outputs (a copy that failed for good) keeps nothing in R2.
    if (before.copy && (this.job!.status === "failed" || !this.job!.copy)) await cleanUpMedia(this.env.MEDIA, this.job!);
    if (done.event.type !== "create_started") return;
    // The attempt is written, with an alarm to recover it should this instance die; the
    // create leaves only once that write is durable.
    await this.armAlarm();
    await this.ctx.storage.sync();
    const index = this.job!.attempts.length - 1;
    if (this.job!.attempts[index]?.status !== "creating") return;
    const answered = await effects.sendCreate(this.job!, index);
    this.apply(answered.event, answered.detail);
  }
}
