/**
 * Hard budgets, inside workerd: a submit reserves its estimate in the tenant's account before
 * anything goes upstream; a submit that does not fit is a 402 and creates nothing; the hold
 * settles to the actual cost when the job ends and is released when it fails or is canceled.
 */
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { TenantAccount } from "../src/tenants/tenant-account";
import { emulatorLog, gateway, getJob, isTerminal, jobStub, resetEmulator, setFaults } from "./helpers";
import type { JobJson } from "./helpers";
import { eventually, newTenant, postJob, usage, videoBody } from "./tenant-helpers";

afterEach(resetEmulator);

/** ShortAPI's published $0.085/s × 5 s: every job below is estimated at this. */
const jobCost = 0.425;

async function waitFor(key: string, id: string): Promise<JobJson> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const job = await getJob(id, key);
    if (isTerminal(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} is still ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a tenant's hard budget", () => {
  it("admits exactly what fits when 50 submits race against a budget for 10: never overspent, nothing else submitted", async () => {
    const { key } = await newTenant({ budget: { limit_usd: 10 * jobCost, period: "month" } });
    const marker = `race-${crypto.randomUUID()}`;
    const responses = await Promise.all(Array.from({ length: 50 }, () => postJob(key, videoBody("shortapi", { prompt: marker }))));
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as Array<JobJson & { code?: string; budget_remaining_usd?: number }>;
    const accepted = responses.filter((response) => response.status === 202);
    const refused = responses.filter((response) => response.status === 402);
    expect(accepted).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const [index, response] of responses.entries()) {
      if (response.status !== 402) continue;
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(bodies[index]).toMatchObject({ code: "budget_exceeded", status: 402 });
      expect(response.headers.get("x-budget-remaining")).toBe("0");
    }
    // Each admitted job said what was left after its own hold: 10 different amounts down to 0.
    const remaining = accepted.map((response) => Number(response.headers.get("x-budget-remaining"))).sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 10 }, (_, index) => Math.round(index * jobCost * 1e6) / 1e6));

    // Only the admitted jobs exist, and only they reached the provider.
    const ids = bodies.filter((_, index) => responses[index]!.status === 202).map((body) => body.id);
    await Promise.all(ids.map((id) => jobStub(id).settled()));
    const listed = (await (await gateway("/v1/jobs?limit=100", { key })).json()) as { data: JobJson[] };
    expect(listed.data.map((job) => job.id).sort()).toEqual([...ids].sort());
    const creates = (await emulatorLog()).filter((entry) => entry.method === "POST" && JSON.stringify(entry.body).includes(marker));
    expect(creates).toHaveLength(10);

    // Once they are over, the spend is the jobs' actual cost, within the budget.
    const jobs = await Promise.all(ids.map((id) => waitFor(key, id)));
    const report = await eventually(() => usage(key), (report) => report.totals.lines === jobs.filter((job) => job.status === "completed").length && report.budget!.reserved_usd === 0);
    expect(report.budget!.spent_usd).toBeLessThanOrEqual(report.budget!.limit_usd);
    expect(report.budget!.spent_usd).toBeCloseTo(jobs.reduce((sum, job) => sum + (job.usage.estimated_cost_usd ?? 0), 0), 9);
  });

  it("holds a job's estimate while it runs and settles to its actual cost when it completes", async () => {
    const { key } = await newTenant({ budget: { limit_usd: 2, period: "month" } });
    const submitted = await postJob(key, videoBody("shortapi"));
    expect(submitted.status).toBe(202);
    expect(Number(submitted.headers.get("x-budget-remaining"))).toBeCloseTo(2 - jobCost, 9);
    expect(submitted.headers.get("server-timing")).toMatch(/^account;dur=\d+/);
    const { id } = (await submitted.json()) as JobJson;
    const held = await usage(key);
    expect(held.budget).toMatchObject({ spent_usd: 0, reserved_usd: jobCost });
    expect(held.budget!.remaining_usd).toBeCloseTo(2 - jobCost, 9);

    const job = await waitFor(key, id);
    expect(job.status).toBe("completed");
    const settled = await eventually(() => usage(key), (report) => report.budget!.reserved_usd === 0);
    expect(settled.budget!.spent_usd).toBe(job.usage.estimated_cost_usd);
    expect(settled.budget!.remaining_usd).toBeCloseTo(2 - job.usage.estimated_cost_usd!, 9);
  });

  it("releases the hold of a job that fails without being billed, and of one that is canceled", async () => {
    const { key } = await newTenant({ budget: { limit_usd: 1, period: "total" } });
    // ShortAPI refuses every create (a 400 is a refusal): the job fails, nothing is billed.
    await setFaults({ provider: "shortapi", submit_status: 400 });
    const failing = (await (await postJob(key, videoBody("shortapi"))).json()) as JobJson;
    const failed = await waitFor(key, failing.id);
    expect(failed.status).toBe("failed");
    expect(failed.usage).toMatchObject({ billed_attempts: 0, estimated_cost_usd: 0, priced: true });
    await eventually(() => usage(key), (report) => report.budget!.reserved_usd === 0 && report.jobs_open.running === 0);
    await resetEmulator();

    // A long task, canceled while it runs: the hold comes back.
    await setFaults({ provider: "shortapi", duration_ms: 60_000 });
    const running = (await (await postJob(key, videoBody("shortapi"))).json()) as JobJson;
    expect((await usage(key)).budget!.reserved_usd).toBe(jobCost);
    expect((await gateway(`/v1/jobs/${running.id}/cancel`, { method: "POST", key })).status).toBe(202);
    const report = await eventually(() => usage(key), (report) => report.budget!.reserved_usd === 0);
    expect(report.budget).toMatchObject({ spent_usd: 0, remaining_usd: 1 });

    // Two jobs fit again: the released holds are really back.
    const again = await Promise.all([postJob(key, videoBody("shortapi")), postJob(key, videoBody("shortapi"))]);
    expect(again.map((response) => response.status)).toEqual([202, 202]);
    expect((await postJob(key, videoBody("shortapi"))).status).toBe(402);
    for (const response of again) await gateway(`/v1/jobs/${((await response.json()) as JobJson).id}/cancel`, { method: "POST", key });
  });

  it("holds the dearest eligible provider's quote, since a failover may land there", async () => {
    // EvoLink's estimate for 5 s at 720p is $0.50, ShortAPI's $0.425: a budget of $0.45 fits only ShortAPI.
    const { key } = await newTenant({ budget: { limit_usd: 0.45, period: "month" } });
    const both = await postJob(key, videoBody(["shortapi", "evolink"]));
    expect(both.status).toBe(402);
    expect(((await both.json()) as { detail: string }).detail).toContain("$0.5");
    const alone = await postJob(key, videoBody("shortapi"));
    expect(alone.status).toBe(202);
  });
});

describe("the tenant's account", () => {
  it("keeps the budget across its own eviction", async () => {
    const { key } = await newTenant({ budget: { limit_usd: 2 * jobCost, period: "month" } });
    await setFaults({ provider: "shortapi", duration_ms: 60_000 });
    expect((await postJob(key, videoBody())).status).toBe(202);
    await abortAllDurableObjects();
    expect((await postJob(key, videoBody())).status).toBe(202);
    expect((await postJob(key, videoBody())).status).toBe(402);
  });

  it("releases the hold of a job that was never created, after ten minutes (the sweep)", async () => {
    const { tenant, key } = await newTenant({ budget: { limit_usd: 1, period: "month" }, limits: { max_running_jobs: 1 } });
    const account = env.ACCOUNTS.get(env.ACCOUNTS.idFromName(tenant));
    // Admitted, but its creation never happened (the request died between the two calls).
    const ghost = await account.admit({ job_id: "job_0000000000ghost00000000000", reserve_micros: 600_000, priced_reserve_micros: 600_000 });
    expect(ghost).toMatchObject({ ok: true, state: "running" });
    expect((await postJob(key, videoBody())).status).toBe(402);
    await runInDurableObject(account, (instance: TenantAccount) => {
      instance.now = () => Date.now() + 11 * 60_000;
    });
    expect(await runDurableObjectAlarm(account)).toBe(true);
    const report = await usage(key);
    expect(report.budget).toMatchObject({ reserved_usd: 0, remaining_usd: 1 });
    expect(report.jobs_open).toEqual({ running: 0, waiting: 0 });
  });
});

describe("a job's usage", () => {
  it("is never a silent null: units, unit price, price version and the provider's own figures", async () => {
    const { key } = await newTenant();
    const { id } = (await (await postJob(key, videoBody("shortapi"))).json()) as JobJson;
    const job = await waitFor(key, id);
    expect(job.status).toBe("completed");
    expect(job.usage).toMatchObject({
      units: { seconds: 5, resolution: "720p" },
      unit_price_usd: 0.085,
      price_version: "builtin-2026-11-30",
      price_source: "published",
      priced: true,
      unpriced_reason: null,
      estimated_cost_usd: jobCost,
      billed_attempts: 1,
    });
    const figures = job.usage.provider_usage;
    expect(figures).toHaveLength(1);
    expect(figures[0]).toMatchObject({ provider: "shortapi", upstream_id: job.attempts[0]!.upstream_id });
    // ShortAPI's own `{amount}`, verbatim.
    expect(figures[0]!.reported).toEqual({ amount: expect.stringMatching(/^\d+(\.\d+)?$/) });
  });
});
