/**
 * @module tenants/tenant-account — one Durable Object per tenant (`ACCOUNTS.idFromName(tenant)`):
 * its settings, its hard budget, its cost ledger, its limits and the queue of jobs waiting
 * for one of its running slots.
 *
 * A submit costs one call here (`admit`): rate, budget and slot are decided and written in
 * one synchronous turn (no `await` between the read and the write), so concurrent submits
 * are serialised by the object itself and can never overspend the budget or overfill the
 * slots. When a job ends, its object calls `settle`: the ledger lines of its billed attempts
 * are written (once each), its budget hold and slot are released, and the oldest waiting
 * jobs are admitted and told so (retried by this object's alarm until they heard).
 *
 * The alarm also sweeps: an open job older than ten minutes whose object holds no job (a
 * create that failed after its admission) or whose job is over is released, so a lost
 * settlement can never keep money or a slot.
 */
import { DurableObject } from "cloudflare:workers";
import type { LedgerLine } from "../billing/ledger-line";
import type { Env } from "../env";
import { loadConfig } from "../env";
import { backoffDelay } from "../lib/backoff";
import type { Bucket } from "../routing/rate-limit";
import { tryTakeToken } from "../routing/rate-limit";
import type { AdmissionDecision, AdmissionRequest } from "./admission";
import { budgetMicros, decideAdmission, effectiveLimits, periodStart } from "./admission";
import type { UsageGroupBy, UsageGroupRow } from "./tenant-account-store";
import { TenantAccountStore } from "./tenant-account-store";
import type { SettingsPatch, TenantSettings, WebhookSecretState } from "./tenant-settings";
import { applySettingsPatch, initialWebhookSecretState, storedSettings } from "./tenant-settings";

/** The tenant's defaults for a new job's media (its settings), handed out with the admission: no second call. */
export type MediaDefaults = Pick<TenantSettings, "retention_days" | "media_access">;

export type AdmitResult = (AdmissionDecision & { ok: true; position: number | null; replayed: boolean; media: MediaDefaults }) | (AdmissionDecision & { ok: false });

export type QueueStatus = { state: "running" } | { state: "waiting"; position: number } | { state: "unknown" };

/** What a job's object sends when it settles (jobs/job-settlement.ts). */
export interface Settlement {
  job_id: string;
  lines: LedgerLine[];
  /** The job is over: release its hold and slot. */
  final: boolean;
  /** Its id comes from an Idempotency-Key: remember it for replays once released. */
  idempotent?: boolean;
  /** R2 objects the job now holds (its outputs). */
  storage?: Array<{ key: string; bytes: number }>;
}

export interface BudgetState {
  limit_usd: number;
  period: "month" | "total";
  period_start: string;
  spent_micros: number;
  reserved_micros: number;
  remaining_micros: number;
}

export interface UsageSummary {
  totals: UsageGroupRow;
  groups: UsageGroupRow[];
  price_versions: string[];
  storage: Array<{ kind: string; objects: number; bytes: number }>;
  budget: BudgetState | null;
  open: { running: number; waiting: number };
}

const sweepAfterMs = 10 * 60_000;
/** How long a settled Idempotency-Key job is remembered (keys live at least 24 h). */
const rememberForMs = 48 * 3_600_000;
const notifyRetry = { baseMs: 1_000, maxMs: 60_000 };

export class TenantAccount extends DurableObject<Env> {
  private readonly store: TenantAccountStore;
  private current: TenantSettings = storedSettings(null);
  /** The submit-rate bucket. In memory: an object is evicted only after idling, by when it would be full again. */
  private bucket: Bucket | undefined;
  /** Spent since `from`, kept current by `settle` (one SUM when the period changes). */
  private spent: { from: string; micros: number } | null = null;
  /** The clock; replaceable in tests. */
  now: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new TenantAccountStore(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      this.store.migrate();
      this.current = storedSettings(this.store.getDocument("settings"));
    });
  }

  private spentMicros(): number {
    const from = periodStart(this.current.budget, this.now());
    if (this.spent?.from !== from) this.spent = { from, micros: this.store.spentSince(from) };
    return this.spent.micros;
  }

  /**
   * Decides a new job: rate, budget, slot — and records the outcome. Idempotent per job id
   * (a retry with the same Idempotency-Key meets the hold it already has).
   * @example await env.ACCOUNTS.get(env.ACCOUNTS.idFromName(tenant)).admit({ job_id, reserve_micros: 425_000, priced_reserve_micros: 425_000 })
   */
  async admit(request: AdmissionRequest): Promise<AdmitResult> {
    const now = this.now();
    const existing = this.store.openJob(request.job_id);
    if (existing?.state === "done") {
      // A replay of a job that already ran and settled: nothing to hold, not a new submit.
      const remaining = this.current.budget ? budgetMicros(this.current.budget) - this.spentMicros() - this.store.counts().reserved_micros : null;
      return { ok: true, state: "running", reserve_micros: 0, priced_only: false, remaining_micros: remaining, position: null, replayed: true, media: this.mediaDefaults() };
    }
    if (existing) {
      const remaining = this.current.budget ? budgetMicros(this.current.budget) - this.spentMicros() - this.store.counts().reserved_micros : null;
      return { ok: true, state: existing.state, reserve_micros: existing.reserved_micros, priced_only: false, remaining_micros: remaining, position: this.store.position(request.job_id), replayed: true, media: this.mediaDefaults() };
    }
    const config = loadConfig(this.env);
    const { submitsPerMinute } = effectiveLimits(this.current, config.tenantDefaults);
    if (submitsPerMinute !== null) {
      const taken = tryTakeToken(this.bucket, now, submitsPerMinute);
      this.bucket = taken.bucket;
      if (!taken.ok) return { ok: false, code: "rate_limited", detail: `This tenant may create ${submitsPerMinute} jobs a minute.`, retry_after_ms: taken.retryAfterMs };
    }
    const decision = decideAdmission(this.current, config.tenantDefaults, { spent_micros: this.spentMicros(), ...this.store.counts() }, request);
    if (!decision.ok) return decision;
    this.store.addOpenJob(request.job_id, decision.state, decision.reserve_micros, now + sweepAfterMs);
    await this.armAlarm();
    return { ...decision, position: decision.state === "waiting" ? this.store.position(request.job_id) : null, replayed: false, media: this.mediaDefaults() };
  }

  /** Forgets a job whose creation failed after it was admitted (its hold and slot come back). */
  async release(jobId: string): Promise<void> {
    if (this.store.removeOpenJob(jobId)) this.promote();
  }

  /** Where a job stands: admitted to a slot, waiting (its place in line), or unknown here. */
  async queueStatus(jobId: string): Promise<QueueStatus> {
    const open = this.store.openJob(jobId);
    if (!open) return { state: "unknown" };
    return open.state === "waiting" ? { state: "waiting", position: this.store.position(jobId) ?? 1 } : { state: "running" };
  }

  /** Writes a job's ledger lines (each once) and, when it is over, releases its hold and slot. */
  async settle(settlement: Settlement): Promise<void> {
    const { written } = this.store.addLines(settlement.lines);
    if (this.spent) for (const line of written) if (line.at >= this.spent.from) this.spent.micros += line.cost_micros ?? 0;
    const stamp = new Date(this.now()).toISOString();
    for (const object of settlement.storage ?? []) this.store.recordStorage(object.key, "output", object.bytes, settlement.job_id, stamp);
    if (!settlement.final) return;
    const released = settlement.idempotent ? this.store.markDone(settlement.job_id, this.now() + rememberForMs) : this.store.removeOpenJob(settlement.job_id);
    if (released) this.promote();
  }

  /** R2 objects the tenant now holds (`kind`: output or upload), counted in its usage. */
  async recordStorage(objects: Array<{ key: string; kind: "output" | "upload"; bytes: number; job_id?: string | null }>): Promise<void> {
    const stamp = new Date(this.now()).toISOString();
    for (const object of objects) this.store.recordStorage(object.key, object.kind, object.bytes, object.job_id ?? null, stamp);
  }

  /** R2 objects deleted (a deleted job or upload, expired media): no longer held. */
  async forgetStorage(keys: string[]): Promise<void> {
    this.store.forgetStorage(keys);
  }

  async settings(): Promise<TenantSettings> {
    return this.current;
  }

  private mediaDefaults(): MediaDefaults {
    return { retention_days: this.current.retention_days, media_access: this.current.media_access };
  }

  async updateSettings(patch: SettingsPatch): Promise<TenantSettings> {
    this.current = applySettingsPatch(this.current, patch);
    this.store.putDocument("settings", this.current);
    this.spent = null; // the budget's period may have changed
    this.promote(); // a higher cap frees slots now
    return this.current;
  }

  /** What is left of the budget now (null without a budget). */
  async budget(): Promise<BudgetState | null> {
    const budget = this.current.budget;
    if (!budget) return null;
    const spent = this.spentMicros();
    const reserved = this.store.counts().reserved_micros;
    return { ...budget, period_start: periodStart(budget, this.now()), spent_micros: spent, reserved_micros: reserved, remaining_micros: budgetMicros(budget) - spent - reserved };
  }

  /** Totals of the ledger over [from, to), grouped, with the storage held and the budget. */
  async usage(from: string, to: string, groupBy: UsageGroupBy): Promise<UsageSummary> {
    const totals = this.store.usage(from, to, "all")[0] ?? { key: "all", cost_micros: 0, lines: 0, jobs: 0, seconds: 0, images: 0, unpriced_lines: 0, provider_reported_usd: null };
    const { running, waiting } = this.store.counts();
    return { totals, groups: this.store.usage(from, to, groupBy), price_versions: this.store.priceVersions(from, to), storage: this.store.storage(), budget: await this.budget(), open: { running, waiting } };
  }

  /** A page of ledger lines of [from, to), after `after` (keyset). */
  async lines(from: string, to: string, after: { at: string; job_id: string; attempt: number } | null, limit: number): Promise<LedgerLine[]> {
    return this.store.lines(from, to, after, Math.min(Math.max(1, limit), 1000));
  }

  async webhookSecretState(): Promise<WebhookSecretState> {
    const state = this.store.getDocument<WebhookSecretState>("webhook_secret") ?? initialWebhookSecretState;
    return state.previous && state.previous.valid_until <= this.now() ? { ...state, previous: null } : state;
  }

  /** A new webhook signing secret; the old one keeps signing (beside it) for `overlapMs`. */
  async rotateWebhookSecret(overlapMs: number): Promise<WebhookSecretState> {
    const state = await this.webhookSecretState();
    const next: WebhookSecretState = { generation: state.generation + 1, previous: overlapMs > 0 ? { generation: state.generation, valid_until: this.now() + overlapMs } : null };
    this.store.putDocument("webhook_secret", next);
    return next;
  }

  /** Moves waiting jobs into free slots and tells them (now, and by the alarm until they heard). */
  private promote(): void {
    const { maxRunning } = effectiveLimits(this.current, loadConfig(this.env).tenantDefaults);
    const { running, waiting } = this.store.counts();
    const free = maxRunning === null ? waiting : Math.max(0, maxRunning - running);
    if (this.store.promote(Math.min(free, waiting), this.now()).length > 0) this.ctx.waitUntil(this.notifyDue());
  }

  private async notifyDue(inAlarm = false): Promise<void> {
    const now = this.now();
    for (const { job_id, notify_tries } of this.store.notifications(now)) {
      const answer = await this.env.JOBS.get(this.env.JOBS.idFromName(job_id))
        .admit()
        .catch(() => "failed" as const);
      // "missing": its object does not hold the job yet (its create is still on its way).
      if (answer === "admitted" || answer === "over") this.store.setNotify(job_id, null, 0);
      else this.store.setNotify(job_id, now + backoffDelay(notify_tries + 1, notifyRetry), notify_tries + 1);
    }
    if (!inAlarm) await this.armAlarm();
  }

  override async alarm(): Promise<void> {
    await this.notifyDue(true);
    const jobs = this.env.JOBS;
    let released = false;
    for (const open of this.store.dueChecks(this.now(), 50)) {
      if (open.state === "done") {
        this.store.forget(open.job_id);
        continue;
      }
      const status = await jobs.get(jobs.idFromName(open.job_id)).status().catch(() => undefined);
      // No job (its create failed after admission), or over without settling: release.
      if (status === null || (status && ["completed", "failed", "canceled"].includes(status.status))) released = this.store.removeOpenJob(open.job_id) || released;
      else this.store.setCheckAt(open.job_id, this.now() + sweepAfterMs);
    }
    if (released) this.promote();
    await this.armAlarm(true);
  }

  /** Sets the alarm to the earliest work, unless an earlier one is set (`always`: inside the alarm). */
  private async armAlarm(always = false): Promise<void> {
    const { notifyAt, checkAt } = this.store.nextWork();
    const times = [notifyAt, checkAt].filter((time): time is number => time !== null);
    if (times.length === 0) return;
    const at = Math.max(Math.min(...times), this.now() + 1_000);
    const current = always ? null : await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}
