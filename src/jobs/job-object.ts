/**
 * @module jobs/job-object — one Durable Object per job: orchestration only.
 *
 * It loads the record, feeds what happened to the pure `transition`, persists the result
 * with an event row, performs the work the record says is due (submit, poll, copy), and
 * re-arms its single alarm from `nextWakeAt`. All upstream work runs in `runDue`, one pass
 * at a time, so a callback arriving mid-poll only moves the next poll forward.
 */
import { DurableObject } from "cloudflare:workers";
import type { Config, Env } from "../env";
import { loadConfig, upstreamFetch } from "../env";
import type { ProviderId } from "../providers/provider-adapter";
import { copyNextOutput } from "./job-copy";
import type { JobEvent, MachinePolicy } from "./job-machine";
import { defaultPolicy, isTerminal, transition } from "./job-machine";
import { dueWork, nextWakeAt } from "./job-schedule";
import { JobStore } from "./job-store";
import { JobStreamHub } from "./job-stream";
import type { JobRecord } from "./job-types";
import { cancelAttempt, pollJob, submitJob } from "./job-upstream";
import type { JobView } from "./job-view";
import { toJobView } from "./job-view";
import { DeliveryStore } from "../webhooks/delivery-store";
import { webhookEventTypeFor } from "../webhooks/webhook-event";
import { WebhookOutbox } from "../webhooks/webhook-outbox";
import { webhookUrlProblem } from "../webhooks/webhook-url";

/** How many due items one wake-up may work through before yielding to the next alarm. */
const maxStepsPerWake = 16;
/** When the alarm submits a new job whose first submit (started by `create`) did not finish. */
const submitBackstopMs = 5_000;

export type CreateOutcome = { job: JobView; replayed: boolean; mismatch: boolean };
export type CancelOutcome = { job: JobView; conflict: boolean } | null;

export class JobObject extends DurableObject<Env> {
  private readonly store: JobStore;
  private readonly outbox: WebhookOutbox;
  private job: JobRecord | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private copyAbort: AbortController | null = null;
  private readonly waiters = new Set<() => void>();
  private streams: JobStreamHub | null = null;
  /** A job `create` holds in memory only: nothing of it is stored yet. */
  private unstored = false;
  /** While `create` answers: the status its own tenant-index write said (see `storeNew`). */
  private listedAs: JobRecord["status"] | null = null;
  /** Settles when the `create` of a new job has stored it (null when none is running). */
  private creating: Promise<void> | null = null;
  /** The clock; replaceable in tests (time travel without patching globals). */
  now: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new JobStore(ctx.storage.sql);
    this.outbox = new WebhookOutbox(new DeliveryStore(ctx.storage.sql));
    void ctx.blockConcurrencyWhile(async () => {
      // A new object has no tables: its schema is written together with its first row, in
      // one commit (`create`). An existing one is brought up to date here.
      if (!this.store.exists()) return;
      this.store.migrate(false);
      this.job = this.store.load();
      if (this.job?.webhook) this.store.migrate(true);
      else this.outbox.startEmpty(); // no webhook, no outbox tables
    });
  }

  private get config(): Config {
    return loadConfig(this.env);
  }

  private policy(): MachinePolicy {
    const maxAttempts = Number(this.env.MAX_ATTEMPTS);
    return Number.isInteger(maxAttempts) && maxAttempts > 0 ? { ...defaultPolicy, maxAttempts } : defaultPolicy;
  }

  private viewOf(job: JobRecord): JobView {
    return toJobView(job, this.config.publicBaseUrl);
  }

  private owned(tenant: string): JobRecord | null {
    return this.job && this.job.tenant === tenant ? this.job : null;
  }

  /**
   * Creates the job and submits it. Idempotent: a second call returns the existing job,
   * flagged `replayed` when the request hash matches and `mismatch` when it does not.
   *
   * The upstream create is made before anything is written, so the output gate does not
   * hold it, and the job is stored with the create's outcome: one commit (row, events,
   * alarm) for the common case. The client is answered only once the job is stored. A
   * create still in flight after the answer budget does not hold the answer: the job is
   * stored `queued` with a backstop alarm (which submits it if this instance dies before the
   * create is done), and the create's outcome is stored when it arrives.
   */
  async create(record: JobRecord): Promise<CreateOutcome> {
    const existing = this.job;
    if (existing) {
      // A retry that meets the first create in flight answers once the job is stored.
      await this.creating;
      const mismatch = existing.tenant !== record.tenant || existing.request_hash !== record.request_hash;
      return { job: this.viewOf(this.job!), replayed: !mismatch, mismatch };
    }
    this.job = record;
    const creating = this.storeNew();
    this.creating = creating.then(() => undefined, () => undefined);
    try {
      return { job: await creating, replayed: false, mismatch: false };
    } finally {
      this.creating = null;
    }
  }

  /** The rest of `create` for a new job: submit, store, index; resolves with the answer. */
  private async storeNew(): Promise<JobView> {
    this.unstored = true;
    this.outbox.startEmpty();
    // Listed before the client hears of it, so a list right after the POST includes it. The
    // index write leaves first, before this object writes anything (the output gate would
    // hold it) and while the upstream create is in flight, so the index does its work in the
    // create's round trip rather than after it (measured: ~0.5 ms less per submit at one
    // connection). It says `running`, what an accepted create makes the job, and is
    // corrected below when the create ends otherwise. The listing returns ids and every job
    // is read from its own object, so for those few milliseconds only a `status` filter can
    // see the guess. A failed index write must not fail the create (the job exists); its
    // next status change inserts it into the index anyway.
    const job = this.job!;
    const listed = this.index({ ...job, status: "running" });
    this.listedAs = "running";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const budget = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.config.submitAnswerMs)));
    const passDone = await Promise.race([this.runDue().then(() => true), budget]);
    clearTimeout(timer);
    if (this.unstored) {
      // Nothing stored yet: the create is still in flight (or the pass changed nothing).
      this.store.save(this.storeFirst());
      if (passDone) await this.armAlarm();
      else await this.ctx.storage.setAlarm(this.now() + submitBackstopMs);
    }
    await listed.catch(() => console.error("tenant index write failed"));
    this.listedAs = null;
    const answered = this.job!;
    if (answered.status !== "running") {
      // Strictly newer than the guess, or the index would keep it (same time, higher rank).
      const after = Math.max(Date.parse(answered.updated_at), Date.parse(job.updated_at) + 1);
      await this.index({ ...answered, updated_at: new Date(after).toISOString() }).catch(() => console.error("tenant index write failed"));
    }
    return this.viewOf(this.job!);
  }

  /**
   * Writes a new job's schema and its `created` event (the first write of this object) and
   * returns the job to save. Everything written in the same turn commits together.
   */
  private storeFirst(): JobRecord {
    const job = this.job!;
    this.unstored = false;
    this.store.migrate(job.webhook !== null);
    this.store.appendEvent(job.created_at, "created", "queued", { providers: job.providers });
    return job;
  }

  /** The job as its tenant sees it; null for anyone else (a plain 404 upstairs). */
  async view(tenant: string): Promise<JobView | null> {
    const job = this.owned(tenant);
    return job ? this.viewOf(job) : null;
  }

  /** Resolves with the job once it is terminal, or after `timeoutMs` with it as it is. */
  async waitForTerminal(tenant: string, timeoutMs: number): Promise<JobView | null> {
    if (!this.owned(tenant)) return null;
    if (!isTerminal(this.job!)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        this.waiters.add(done);
      });
    }
    return this.viewOf(this.job!);
  }

  /** Resolves once the pass working on the job, if any, is over (for tests and debugging). */
  async settled(): Promise<void> {
    await this.running;
  }

  /** The event log (for tests and debugging). */
  async events(tenant: string) {
    if (!this.owned(tenant)) return null;
    return this.unstored ? [] : this.store.events();
  }

  /**
   * A provider callback arrived for this job. The body is never trusted: it only makes
   * the next poll due now, and the poll re-reads the task with our own key.
   */
  async hint(provider: ProviderId, upstreamId: string | null): Promise<void> {
    const job = this.job;
    if (!job || isTerminal(job)) return;
    const attempt = job.attempts[job.attempts.length - 1];
    if (!attempt || attempt.provider !== provider || (upstreamId !== null && attempt.upstream_id !== upstreamId)) return;
    this.apply({ type: "hint" });
    await this.armAlarm();
  }

  /**
   * Cancels the job: upstream too where the provider allows it; a copy in flight is
   * aborted and every object already written for the job is deleted.
   */
  async cancel(tenant: string): Promise<CancelOutcome> {
    const job = this.owned(tenant);
    if (!job) return null;
    if (isTerminal(job)) return { job: this.viewOf(job), conflict: true };
    const attempt = job.attempts[job.attempts.length - 1];
    const copied = job.copy?.done ?? [];
    this.apply({ type: "cancel" });
    this.copyAbort?.abort(new Error("job canceled"));
    await Promise.all(copied.map((output) => this.env.MEDIA.delete(output.key)));
    if (attempt?.status === "running" && attempt.upstream_id) {
      const ok = await cancelAttempt(job, attempt, this.deps()).catch(() => false);
      if (ok !== null) this.store.appendEvent(new Date(this.now()).toISOString(), "upstream_cancel", "canceled", { provider: attempt.provider, upstream_id: attempt.upstream_id, ok });
    }
    await this.armAlarm();
    return { job: this.viewOf(this.job!), conflict: false };
  }

  /** The job's webhook deliveries with every attempt; null for anyone but its tenant. */
  async deliveries(tenant: string) {
    if (!this.owned(tenant)) return null;
    return this.unstored || !this.job!.webhook ? [] : this.outbox.list();
  }

  /** Sends the latest webhook event again. null: not this tenant's job; false: nothing to send. */
  async replayDelivery(tenant: string): Promise<boolean | null> {
    if (!this.owned(tenant)) return null;
    if (this.unstored || !this.job!.webhook) return false;
    if (!this.outbox.replayLatest(this.now())) return false;
    await this.armAlarm();
    return true;
  }

  /** `GET /v1/jobs/{id}/events` (the route has checked the tenant and forwards here). */
  override async fetch(request: Request): Promise<Response> {
    const job = this.owned(request.headers.get("x-wan-edge-tenant") ?? "");
    if (!job) return new Response(null, { status: 404 });
    const keepAliveMs = Number(this.env.SSE_KEEPALIVE_MS) > 0 ? Number(this.env.SSE_KEEPALIVE_MS) : 15_000;
    this.streams ??= new JobStreamHub(keepAliveMs);
    return this.streams.open(this.viewOf(job), isTerminal(job));
  }

  override async alarm(): Promise<void> {
    try {
      await this.runDue();
    } catch (thrown) {
      // Never let the platform retry-loop an alarm: record and come back later.
      console.error("job alarm failed", thrown instanceof Error ? thrown.name : typeof thrown);
      await this.ctx.storage.setAlarm(this.now() + 30_000);
    }
  }

  private deps() {
    return { env: this.env, config: this.config, now: this.now };
  }

  private apply(event: JobEvent, detail?: unknown): void {
    const before = this.job!;
    const after = transition(before, event, this.now(), this.policy());
    if (after === before) return;
    if (this.unstored) this.storeFirst();
    this.job = after;
    this.store.save(after);
    this.store.appendEvent(new Date(this.now()).toISOString(), event.type, after.status, detail);
    this.changed(before, after);
  }

  /** Tells whoever listens that the job changed. */
  private changed(before: JobRecord, after: JobRecord): void {
    const terminal = isTerminal(after);
    // Built only when someone needs it (a stream, a webhook event): most changes have neither.
    let view: JobView | undefined;
    const viewNow = () => (view ??= this.viewOf(after));
    if (this.streams) this.streams.publish(viewNow(), terminal);
    if (terminal) for (const wake of [...this.waiters]) wake();
    if (after.status !== before.status) {
      // The listing's status filter follows shortly; stale updates are ignored there. While
      // `create` is answering, it indexes the status it answers with.
      if (this.listedAs === null) this.ctx.waitUntil(this.index(after).catch(() => {}));
      const type = webhookEventTypeFor(after.status);
      // job.completed is only ever queued here, after the outputs are in R2.
      if (type && after.webhook) this.outbox.enqueue(after, type, viewNow(), this.now());
    }
  }

  /** Records the job (or its new status) in its tenant's index, which backs the listing. */
  private index(job: JobRecord): Promise<void> {
    const tenants = this.env.TENANTS;
    return tenants.get(tenants.idFromName(job.tenant)).upsert({ id: job.id, created_at: job.created_at, status: job.status, updated_at: job.updated_at });
  }

  private async armAlarm(): Promise<void> {
    const times = [this.job ? nextWakeAt(this.job) : null, this.outbox.nextAt()].filter((time): time is number => time !== null);
    const next = times.length === 0 ? null : Math.min(...times);
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(next, this.now() + 1));
  }

  /** Works through everything due now, one pass at a time, then re-arms the alarm. */
  private runDue(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          for (let step = 0; step < maxStepsPerWake && this.job; step++) {
            const work = dueWork(this.job, this.now());
            if (!work) break;
            const before = this.job;
            await this.perform(work);
            await this.cancelAbandoned(before, this.job);
          }
        } while (this.again);
        if (this.job) {
          const config = this.config;
          await this.outbox.deliverDue(this.job, {
            fetch: upstreamFetch(this.env),
            now: this.now,
            serverSecret: config.serverSecret,
            urlProblem: (url) => webhookUrlProblem(url, config),
          });
        }
        await this.armAlarm();
      } catch (thrown) {
        // A bug or an unexpected failure must not strand the job (nor fail the request
        // that created it): note it and come back in 30 s.
        console.error("job work failed", thrown instanceof Error ? thrown.name : typeof thrown);
        await this.ctx.storage.setAlarm(this.now() + 30_000);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async perform(work: NonNullable<ReturnType<typeof dueWork>>): Promise<void> {
    const job = this.job!;
    switch (work) {
      case "deadline":
        return this.apply({ type: "deadline" });
      case "stuck":
        return this.apply({ type: "stuck" });
      case "submit": {
        const event = await submitJob(job, this.deps());
        if (event.type === "submitted" && isTerminal(this.job!)) {
          // Canceled while the create was in flight: do not leave the new task running.
          const orphan = { provider: event.provider, upstream_id: event.upstreamId, status: "abandoned" as const, upstream_status: null, started_at: "", ended_at: null, error: null };
          const ok = await cancelAttempt(this.job!, orphan, this.deps()).catch(() => false);
          this.store.appendEvent(new Date(this.now()).toISOString(), "upstream_cancel", this.job!.status, { provider: event.provider, upstream_id: event.upstreamId, ok });
          return;
        }
        return this.apply(event, event.type === "submit_failed" ? event.error : undefined);
      }
      case "poll": {
        const event = await pollJob(job, this.deps());
        const detail = event.type === "observed" ? { upstream_status: event.task.upstreamStatus } : event.type === "poll_failed" ? event.error : undefined;
        return this.apply(event, detail);
      }
      case "copy": {
        this.copyAbort = new AbortController();
        const copied = await copyNextOutput(job, { env: this.env, config: this.config, signal: this.copyAbort.signal }).finally(() => {
          this.copyAbort = null;
        });
        if (!copied) return;
        if (isTerminal(this.job!) && copied.event.type === "output_copied") {
          // Canceled while this copy finished: leave nothing behind.
          await this.env.MEDIA.delete(copied.event.output.key);
          return;
        }
        return this.apply(copied.event, copied.detail);
      }
    }
  }

  /** Best-effort upstream cancel of attempts this job walked away from (never retried). */
  private async cancelAbandoned(before: JobRecord, after: JobRecord): Promise<void> {
    for (const [index, attempt] of after.attempts.entries()) {
      if (attempt.status !== "abandoned" || before.attempts[index]?.status === "abandoned") continue;
      const ok = await cancelAttempt(after, attempt, this.deps()).catch(() => false);
      if (ok === null) continue;
      this.store.appendEvent(new Date(this.now()).toISOString(), "upstream_cancel", after.status, { provider: attempt.provider, upstream_id: attempt.upstream_id, ok });
    }
  }
}
