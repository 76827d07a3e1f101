import { describe, expect, it } from "vitest";
import type { TenantDefaults } from "../env";
import type { AccountCounts, AdmissionRequest } from "./admission";
import { decideAdmission, periodStart } from "./admission";
import type { TenantSettings } from "./tenant-settings";
import { defaultSettings } from "./tenant-settings";

const defaults: TenantDefaults = { maxRunningJobs: null, submitsPerMinute: null, maxQueuedJobs: 3 };
const idle: AccountCounts = { spent_micros: 0, reserved_micros: 0, running: 0, waiting: 0 };
const job: AdmissionRequest = { job_id: "job_1", reserve_micros: 425_000, priced_reserve_micros: 425_000 };
const budget = (limit_usd: number): TenantSettings => ({ ...defaultSettings, budget: { limit_usd, period: "month" } });
const capped = (max: number): TenantSettings => ({ ...defaultSettings, limits: { ...defaultSettings.limits, max_running_jobs: max } });

type Row = [string, TenantSettings, AccountCounts, AdmissionRequest, Record<string, unknown>];

const table: Row[] = [
  ["no budget, no cap: runs, nothing to report", defaultSettings, idle, job, { ok: true, state: "running", remaining_micros: null }],
  ["a budget with room: runs, says what is left after its hold", budget(1), idle, job, { ok: true, state: "running", reserve_micros: 425_000, remaining_micros: 575_000 }],
  ["exactly the last dollar fits", budget(0.425), idle, job, { ok: true, remaining_micros: 0 }],
  ["spent and held count against the budget", budget(1), { ...idle, spent_micros: 300_000, reserved_micros: 300_000 }, job, { ok: false, code: "budget_exceeded", remaining_micros: 400_000 }],
  ["overspent (a late billed failover): nothing left, never negative", budget(1), { ...idle, spent_micros: 1_200_000 }, job, { ok: false, code: "budget_exceeded", remaining_micros: 0 }],
  ["an unpriced provider among the eligible: held at the priced ones' quote, priced only", budget(1), idle, { ...job, reserve_micros: null, priced_reserve_micros: 300_000 }, { ok: true, priced_only: true, reserve_micros: 300_000 }],
  ["only unpriced providers under a budget: refused", budget(1), idle, { ...job, reserve_micros: null, priced_reserve_micros: null }, { ok: false, code: "budget_exceeded" }],
  ["unpriced without a budget: runs", defaultSettings, idle, { ...job, reserve_micros: null, priced_reserve_micros: null }, { ok: true, reserve_micros: 0, priced_only: false }],
  ["under the cap: runs", capped(2), { ...idle, running: 1 }, job, { ok: true, state: "running" }],
  ["at the cap: waits (admission control, not rejection)", capped(2), { ...idle, running: 2, waiting: 1 }, job, { ok: true, state: "waiting" }],
  ["at the cap with a full queue: refused as rate limited", capped(2), { ...idle, running: 2, waiting: 3 }, job, { ok: false, code: "rate_limited", retry_after_ms: 30_000 }],
  ["the budget is checked before the queue", { ...capped(1), budget: { limit_usd: 0.1, period: "total" } }, { ...idle, running: 1, waiting: 3 }, job, { ok: false, code: "budget_exceeded" }],
];

describe("admission", () => {
  it.each(table)("%s", (_name, settings, counts, request, expected) => {
    expect(decideAdmission(settings, defaults, counts, request)).toMatchObject(expected);
  });

  it("takes the deployment's default cap when the tenant has none of its own", () => {
    expect(decideAdmission(defaultSettings, { ...defaults, maxRunningJobs: 1 }, { ...idle, running: 1 }, job)).toMatchObject({ ok: true, state: "waiting" });
    expect(decideAdmission(capped(5), { ...defaults, maxRunningJobs: 1 }, { ...idle, running: 1 }, job)).toMatchObject({ ok: true, state: "running" });
  });

  it("starts a monthly budget's period on the first of the month (UTC); a total one at the beginning of time", () => {
    expect(periodStart({ limit_usd: 1, period: "month" }, Date.parse("2026-12-31T23:59:59.999Z"))).toBe("2026-12-01T00:00:00.000Z");
    expect(periodStart({ limit_usd: 1, period: "total" }, Date.now())).toBe("0000-01-01T00:00:00.000Z");
  });
});
