/**
 * The cost ledger, inside workerd: one line per billed attempt, written when the job
 * settles; `GET /v1/usage` totals equal the sum of the jobs' own `usage`; the CSV export is
 * RFC 4180 a spreadsheet opens; storage held in R2 is counted per tenant.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ledgerCsvColumns } from "../src/billing/ledger-csv";
import type { JobJson } from "./helpers";
import { gateway, getJob, isTerminal, jobStub } from "./helpers";
import { eventually, newTenant, parseCsv, postJob, usage, videoBody } from "./tenant-helpers";

function png(): Uint8Array {
  // A 1×1 PNG: signature, IHDR, IDAT, IEND.
  return Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="), (char) => char.charCodeAt(0));
}

describe("the cost ledger", () => {
  it("adds up to the jobs' own usage, line for billed attempt, and exports as CSV", async () => {
    const { key, tenant } = await newTenant();
    const upload = await gateway("/v1/uploads", { method: "POST", key, body: png(), headers: { "content-type": "image/png" } });
    expect(upload.status).toBe(201);
    const uploaded = (await upload.json()) as { url: string; bytes: number };

    const requests = [
      videoBody("shortapi"),
      videoBody("shortapi", { duration: 10, first_frame: uploaded.url }),
      videoBody("evolink", { resolution: "1080p" }),
      JSON.stringify({ model: "wan2.7-image-pro", input: { prompt: "a red fox in snow", size: "1K" }, provider: "aimlapi" }),
    ];
    const ids: string[] = [];
    for (const body of requests) {
      const response = await postJob(key, body);
      expect(response.status, await response.clone().text()).toBe(202);
      ids.push(((await response.json()) as JobJson).id);
    }
    const jobs = await eventually(() => Promise.all(ids.map((id) => getJob(id, key))), (all) => all.every(isTerminal), 30_000);
    expect(jobs.map((job) => job.status)).toEqual(["completed", "completed", "completed", "completed"]);
    const billed = jobs.reduce((sum, job) => sum + job.usage.billed_attempts, 0);
    const report = await eventually(() => usage(key), (current) => current.totals.lines === billed && current.jobs_open.running === 0);

    // The ledger is the sum of the jobs: cost, seconds, images, jobs.
    const jobCosts = jobs.map((job) => job.usage.estimated_cost_usd!);
    expect(jobCosts).toEqual([0.425, 0.85, 0.75, 0.0975]);
    expect(report.totals.cost_usd).toBeCloseTo(jobCosts.reduce((sum, cost) => sum + cost, 0), 9);
    expect(report.totals).toMatchObject({ lines: 4, jobs: 4, seconds: 20, images: 1, unpriced_lines: 0 });
    expect(report.price_versions).toEqual(["builtin-2026-11-30"]);

    // Grouped by provider and by model, the groups add up to the totals.
    const byProvider = await usage(key, "?group_by=provider");
    expect(byProvider.groups.map((group) => [group.key, group.lines])).toEqual([["aimlapi", 1], ["evolink", 1], ["shortapi", 2]]);
    expect(byProvider.groups.reduce((sum, group) => sum + group.cost_usd, 0)).toBeCloseTo(report.totals.cost_usd, 9);
    const byModel = await usage(key, "?group_by=model");
    expect(byModel.groups.map((group) => group.key)).toEqual(["wan2.7-i2v", "wan2.7-image-pro"]);

    // R2 storage the tenant holds: its upload, its outputs and their thumbnails and posters
    // (made after `completed`): everything under each job's prefix.
    await Promise.all(jobs.map((job) => jobStub(job.id).settled()));
    const objects = (await Promise.all(jobs.map((job) => env.MEDIA.list({ prefix: `outputs/${job.id}/` })))).flatMap((page) => page.objects);
    const outputBytes = objects.reduce((sum, object) => sum + object.size, 0);
    expect(objects.length).toBeGreaterThan(4);
    const held = await eventually(() => usage(key), (current) => current.storage.by_kind.output?.objects === objects.length);
    expect(held.storage.by_kind).toEqual({ output: { bytes: outputBytes, objects: objects.length }, upload: { bytes: uploaded.bytes, objects: 1 } });
    expect(held.storage.bytes).toBe(outputBytes + uploaded.bytes);

    // The lines as CSV: RFC 4180, a header row, one record per line, the same money.
    const csvResponse = await gateway("/v1/usage?format=csv", { key });
    expect(csvResponse.status).toBe(200);
    expect(csvResponse.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    expect(csvResponse.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="usage-${tenant}-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
    const [header, ...rows] = parseCsv(await csvResponse.text());
    expect(header).toEqual([...ledgerCsvColumns]);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toHaveLength(ledgerCsvColumns.length);
    const column = (name: (typeof ledgerCsvColumns)[number]) => rows.map((row) => row[ledgerCsvColumns.indexOf(name)]!);
    expect(column("cost_usd").reduce((sum, cost) => sum + Number(cost), 0)).toBeCloseTo(report.totals.cost_usd, 9);
    expect(column("job_id").sort()).toEqual([...ids].sort());
    expect(column("priced")).toEqual(["true", "true", "true", "true"]);
    // Each provider's own figures come back verbatim from their JSON cell.
    for (const job of jobs) {
      const row = rows.find((candidate) => candidate[ledgerCsvColumns.indexOf("job_id")] === job.id)!;
      const cell = row[ledgerCsvColumns.indexOf("provider_usage")]!;
      expect(cell === "" ? null : JSON.parse(cell)).toEqual(job.usage.provider_usage[0]!.reported);
      expect(row[ledgerCsvColumns.indexOf("upstream_id")]).toBe(job.attempts.find((attempt) => attempt.status === "completed")!.upstream_id);
    }
    // ShortAPI and AI/ML API state money; it is kept beside the estimate for reconciliation.
    const shortapiRow = rows.find((row) => row[ledgerCsvColumns.indexOf("provider")] === "shortapi")!;
    expect(Number(shortapiRow[ledgerCsvColumns.indexOf("provider_reported_usd")])).toBeGreaterThan(0);
  });

  it("takes a period and a grouping, and names every bad query parameter", async () => {
    const { key } = await newTenant();
    const bad = await gateway("/v1/usage?group_by=week&from=yesterday&format=xml", { key });
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as { errors: Array<{ path: string }> }).errors.map((error) => error.path).sort();
    expect(paths).toEqual(["format", "from", "group_by"]);
    const backwards = await gateway("/v1/usage?from=2026-12-02&to=2026-12-01T00:00:00Z", { key });
    expect(backwards.status).toBe(400);
    const empty = await usage(key, "?from=2020-01-01&to=2020-01-31");
    expect(empty).toMatchObject({ totals: { cost_usd: 0, lines: 0 }, groups: [] });
    const csv = await (await gateway("/v1/usage?format=csv&from=2020-01-01&to=2020-01-31", { key })).text();
    expect(parseCsv(csv)).toEqual([[...ledgerCsvColumns]]);
  });

  it("is the tenant's own: another key sees its own ledger", async () => {
    const one = await newTenant();
    const two = await newTenant();
    const { id } = (await (await postJob(one.key, videoBody())).json()) as JobJson;
    await eventually(() => getJob(id, one.key), isTerminal);
    await eventually(() => usage(one.key), (report) => report.totals.lines === 1);
    expect((await usage(two.key)).totals.lines).toBe(0);
  });
});
