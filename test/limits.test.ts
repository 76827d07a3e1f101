/**
 * Per-tenant limits, inside workerd: over its cap on running jobs a job waits `queued` with a
 * `queue_position` and starts on its own when a slot frees (admission control, not
 * rejection); one tenant's queue never holds up another; a submit rate over the tenant's
 * limit is a 429 with Retry-After and creates nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { JobJson } from "./helpers";
import { emulatorLog, gateway, getJob, isTerminal, resetEmulator, setFaults } from "./helpers";
import { admin, eventually, newTenant, postJob, usage, videoBody } from "./tenant-helpers";

afterEach(resetEmulator);

const read = (key: string, id: string) => getJob(id, key);

describe("a tenant's cap on running jobs", () => {
  it("queues jobs over the cap with their place in line, sends them nowhere, then starts them as slots free", async () => {
    const { key } = await newTenant({ limits: { max_running_jobs: 1 } });
    await setFaults({ provider: "shortapi", duration_ms: 1_500 });
    const marker = `queue-${crypto.randomUUID()}`;
    const first = (await (await postJob(key, videoBody("shortapi", { prompt: `${marker}-1` }))).json()) as JobJson;
    const secondResponse = await postJob(key, videoBody("shortapi", { prompt: `${marker}-2` }));
    const third = (await (await postJob(key, videoBody("shortapi", { prompt: `${marker}-3` }))).json()) as JobJson;
    const second = (await secondResponse.json()) as JobJson;

    // Accepted (202), not refused: the first runs, the others wait in order.
    expect(secondResponse.status).toBe(202);
    expect(first.queue_position).toBeNull();
    expect(second).toMatchObject({ status: "queued", queue_position: 1, attempts: [] });
    expect(third).toMatchObject({ status: "queued", queue_position: 2, attempts: [] });
    expect((await usage(key)).jobs_open).toEqual({ running: 1, waiting: 2 });

    // While waiting, nothing of theirs went upstream; never more than one runs at a time.
    const sent = async (suffix: string) => (await emulatorLog()).some((entry) => entry.method === "POST" && JSON.stringify(entry.body).includes(`${marker}-${suffix}`));
    expect(await sent("2")).toBe(false);
    expect(await sent("3")).toBe(false);
    const seen: string[][] = [];
    const all = await eventually(
      async () => {
        const jobs = await Promise.all([first.id, second.id, third.id].map((id) => read(key, id)));
        seen.push(jobs.map((job) => job.status));
        return jobs;
      },
      (jobs) => jobs.every(isTerminal),
      30_000,
    );
    expect(all.map((job) => job.status)).toEqual(["completed", "completed", "completed"]);
    for (const statuses of seen) expect(statuses.filter((status) => status === "running").length).toBeLessThanOrEqual(1);
    // The third moved up to first in line once the first finished.
    expect(seen.some((statuses) => statuses[1] === "running" && statuses[2] === "queued")).toBe(true);
    expect(await sent("3")).toBe(true);
    await eventually(() => usage(key), (report) => report.jobs_open.running === 0 && report.jobs_open.waiting === 0);
  });

  it("shows a waiting job's place as it moves up", async () => {
    const { key } = await newTenant({ limits: { max_running_jobs: 1 } });
    await setFaults({ provider: "shortapi", duration_ms: 60_000 });
    const running = (await (await postJob(key, videoBody())).json()) as JobJson;
    const a = (await (await postJob(key, videoBody())).json()) as JobJson;
    const b = (await (await postJob(key, videoBody())).json()) as JobJson;
    expect((await read(key, b.id)).queue_position).toBe(2);
    // Canceling the one ahead moves b up; canceling the running one admits b.
    expect((await gateway(`/v1/jobs/${a.id}/cancel`, { method: "POST", key })).status).toBe(202);
    expect((await read(key, b.id)).queue_position).toBe(1);
    expect((await gateway(`/v1/jobs/${running.id}/cancel`, { method: "POST", key })).status).toBe(202);
    const started = await eventually(() => read(key, b.id), (job) => job.attempts.length > 0);
    expect(started.queue_position).toBeNull();
    await gateway(`/v1/jobs/${b.id}/cancel`, { method: "POST", key });
  });

  it("starts waiting jobs at once when the operator raises the cap", async () => {
    const { key, tenant } = await newTenant({ limits: { max_running_jobs: 1 } });
    await setFaults({ provider: "shortapi", duration_ms: 60_000 });
    await postJob(key, videoBody());
    const waiting = (await (await postJob(key, videoBody())).json()) as JobJson;
    expect(waiting.queue_position).toBe(1);
    const raised = await admin(`/admin/v1/tenants/${tenant}`, { method: "PATCH", body: JSON.stringify({ settings: { limits: { max_running_jobs: 5 } } }) });
    expect(raised.status).toBe(200);
    await eventually(() => read(key, waiting.id), (job) => job.status === "running");
  });

  it("never holds up another tenant: fair by construction, each tenant has its own queue", async () => {
    const busy = await newTenant({ limits: { max_running_jobs: 1 } });
    const calm = await newTenant({ limits: { max_running_jobs: 1 } });
    await setFaults({ provider: "shortapi", duration_ms: 60_000 });
    for (let index = 0; index < 4; index++) await postJob(busy.key, videoBody());
    expect((await usage(busy.key)).jobs_open).toEqual({ running: 1, waiting: 3 });
    const other = (await (await postJob(calm.key, videoBody())).json()) as JobJson;
    expect(other.queue_position).toBeNull();
    await eventually(() => read(calm.key, other.id), (job) => job.status === "running");
  });
});

describe("a tenant's submit rate", () => {
  it("refuses submits over the rate with 429 and Retry-After, creating nothing", async () => {
    const { key } = await newTenant({ limits: { submits_per_minute: 2 } });
    const responses = [];
    for (let index = 0; index < 3; index++) responses.push(await postJob(key, videoBody()));
    expect(responses.map((response) => response.status)).toEqual([202, 202, 429]);
    const refused = responses[2]!;
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(30);
    expect(await refused.json()).toMatchObject({ code: "rate_limited", status: 429 });
    const listed = (await (await gateway("/v1/jobs", { key })).json()) as { data: JobJson[] };
    expect(listed.data).toHaveLength(2);
  });

  it("does not count an Idempotency-Key replay as a new submit, nor hold its budget again — even after the job settled", async () => {
    const { key } = await newTenant({ limits: { submits_per_minute: 1 }, budget: { limit_usd: 1, period: "month" } });
    const headers = { "idempotency-key": `replay-${crypto.randomUUID()}` };
    const first = await postJob(key, videoBody(), headers);
    expect(first.status).toBe(202);
    const replay = await postJob(key, videoBody(), headers);
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    // Over and settled: a replay still holds nothing and takes no token.
    const { id } = (await first.json()) as JobJson;
    await eventually(() => read(key, id), isTerminal);
    const settled = await eventually(() => usage(key), (report) => report.totals.lines === 1 && report.budget!.reserved_usd === 0);
    const later = await postJob(key, videoBody(), headers);
    expect(later.status).toBe(200);
    expect(((await later.json()) as JobJson).id).toBe(id);
    expect((await usage(key)).budget).toEqual(settled.budget);
  });
});
