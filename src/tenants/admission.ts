/**
 * @module tenants/admission — whether a tenant's new job may go ahead, as a pure function of
 * the tenant's account: its budget (402), its queue (429) and its running slots (start now,
 * or wait `queued` with a place in line — admission control, not rejection).
 *
 * The tenant's account (tenants/tenant-account.ts) calls it with its counts and writes the
 * outcome in the same synchronous turn, so two submits can never both take the last dollar
 * or the last slot.
 */
import type { TenantDefaults } from "../env";
import type { Budget, TenantSettings } from "./tenant-settings";

export interface AdmissionRequest {
  job_id: string;
  /** What to hold against the budget: the dearest eligible provider's quote (null: one is unpriced). */
  reserve_micros: number | null;
  /** The same over the priced providers only (null: none is priced). */
  priced_reserve_micros: number | null;
}

export interface AccountCounts {
  /** Spent in the budget's current period (ledger lines). */
  spent_micros: number;
  /** Held by jobs not settled yet. */
  reserved_micros: number;
  running: number;
  waiting: number;
}

export type AdmissionDecision =
  | {
      ok: true;
      state: "running" | "waiting";
      reserve_micros: number;
      /** The budget cannot hold an unpriced provider: the job may only go to priced ones. */
      priced_only: boolean;
      /** What is left of the budget with this job's hold; null without a budget. */
      remaining_micros: number | null;
    }
  | { ok: false; code: "budget_exceeded"; detail: string; remaining_micros: number }
  | { ok: false; code: "rate_limited"; detail: string; retry_after_ms: number };

/** A limit of the tenant's own, else the deployment's default. */
export function effectiveLimits(settings: TenantSettings, defaults: TenantDefaults) {
  return {
    maxRunning: settings.limits.max_running_jobs ?? defaults.maxRunningJobs,
    submitsPerMinute: settings.limits.submits_per_minute ?? defaults.submitsPerMinute,
    maxQueued: settings.limits.max_queued_jobs ?? defaults.maxQueuedJobs,
  };
}

export function budgetMicros(budget: Budget): number {
  return Math.round(budget.limit_usd * 1_000_000);
}

/** "$4.5" — a whole number of micro-dollars as USD, for messages. */
export function usdText(micros: number): string {
  return `$${(micros / 1_000_000).toFixed(6).replace(/\.?0+$/, "")}`;
}

/**
 * The decision for one new job.
 * @example decideAdmission(settings, defaults, counts, { job_id, reserve_micros: 425_000, priced_reserve_micros: 425_000 })
 */
export function decideAdmission(settings: TenantSettings, defaults: TenantDefaults, counts: AccountCounts, request: AdmissionRequest): AdmissionDecision {
  const limits = effectiveLimits(settings, defaults);
  let reserve = request.reserve_micros ?? 0;
  let pricedOnly = false;
  let remaining: number | null = null;
  if (settings.budget) {
    const left = budgetMicros(settings.budget) - counts.spent_micros - counts.reserved_micros;
    if (request.reserve_micros === null) {
      // An unpriced provider's cost cannot be held against a budget: priced ones only.
      if (request.priced_reserve_micros === null) {
        return { ok: false, code: "budget_exceeded", detail: "This tenant has a budget, and no provider that can serve this request has a price to hold against it.", remaining_micros: Math.max(0, left) };
      }
      reserve = request.priced_reserve_micros;
      pricedOnly = true;
    }
    if (reserve > left) {
      const period = settings.budget.period === "month" ? "this month's" : "the";
      return { ok: false, code: "budget_exceeded", detail: `This job's estimate (${usdText(reserve)}) does not fit what is left of ${period} budget of ${usdText(budgetMicros(settings.budget))} (${usdText(Math.max(0, left))}).`, remaining_micros: Math.max(0, left) };
    }
    remaining = left - reserve;
  }
  if (limits.maxRunning === null || counts.running < limits.maxRunning) {
    return { ok: true, state: "running", reserve_micros: reserve, priced_only: pricedOnly, remaining_micros: remaining };
  }
  if (counts.waiting >= limits.maxQueued) {
    return { ok: false, code: "rate_limited", detail: `This tenant already has ${counts.waiting} jobs waiting for one of its ${limits.maxRunning} running slots.`, retry_after_ms: 30_000 };
  }
  return { ok: true, state: "waiting", reserve_micros: reserve, priced_only: pricedOnly, remaining_micros: remaining };
}

/** The first instant of the budget's current period (ISO), for summing the ledger. */
export function periodStart(budget: Budget | null, now: number): string {
  if (!budget || budget.period === "total") return "0000-01-01T00:00:00.000Z";
  const date = new Date(now);
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)).toISOString();
}
