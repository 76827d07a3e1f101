/**
 * @module routes/usage — `GET /v1/usage`: the tenant's cost ledger over a period, totalled
 * and grouped (JSON), or its lines (`format=csv`, RFC 4180, one line per billed attempt).
 *
 * Everything comes from the tenant's account (tenants/tenant-account.ts): the lines its jobs
 * wrote when they settled, the R2 storage it holds, and its budget.
 */
import { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { ledgerCsv } from "../billing/ledger-csv";
import { ProblemError } from "../http/problem";
import { fieldErrors } from "../http/validation";
import type { UsageGroupRow } from "../tenants/tenant-account-store";
import { budgetHeaderValue } from "../tenants/admit-job";

export const usageRoutes = new Hono<AppEnv>();

const dateOrTime = z.union([z.iso.date(), z.iso.datetime()]);

export const usageQuerySchema = z.object({
  from: dateOrTime.optional().describe("Start (inclusive): a date (its 00:00 UTC) or an ISO 8601 date-time; default the first day of this month"),
  to: dateOrTime.optional().describe("End: a date includes that whole day; a date-time is exclusive; default now"),
  group_by: z.enum(["day", "model", "provider"]).default("day").describe("How `groups` splits the totals"),
  format: z.enum(["json", "csv"]).default("json").describe("csv: the ledger's lines instead of totals"),
});

/** The period a query names, as ISO instants [from, to). */
export function usagePeriod(query: { from?: string | undefined; to?: string | undefined }, now: number): { from: string; to: string } {
  const today = new Date(now);
  const from = query.from === undefined ? new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1)) : new Date(query.from.length === 10 ? `${query.from}T00:00:00.000Z` : query.from);
  let to = query.to === undefined ? new Date(now + 1) : new Date(query.to.length === 10 ? `${query.to}T00:00:00.000Z` : query.to);
  if (query.to?.length === 10) to = new Date(to.getTime() + 86_400_000);
  return { from: from.toISOString(), to: to.toISOString() };
}

function totals(row: UsageGroupRow) {
  return {
    cost_usd: row.cost_micros / 1_000_000,
    lines: row.lines,
    jobs: row.jobs,
    seconds: row.seconds,
    images: row.images,
    unpriced_lines: row.unpriced_lines ?? 0,
    provider_reported_usd: row.provider_reported_usd === null ? null : Math.round(row.provider_reported_usd * 1_000_000) / 1_000_000,
  };
}

usageRoutes.get("/v1/usage", async (c) => {
  const parsed = usageQuerySchema.safeParse(c.req.query());
  if (!parsed.success) throw new ProblemError("invalid_request", "The query is not valid.", fieldErrors(parsed.error));
  const query = parsed.data;
  const { from, to } = usagePeriod(query, Date.now());
  if (from >= to) throw new ProblemError("invalid_request", "`from` must come before `to`.", [{ path: "from", message: "must come before to" }]);
  const tenant = c.get("tenant");
  const account = c.env.ACCOUNTS.get(c.env.ACCOUNTS.idFromName(tenant));

  if (query.format === "csv") {
    // Streamed page by page (keyset on at, job, attempt), so a long period never sits in memory.
    const encoder = new TextEncoder();
    let after: { at: string; job_id: string; attempt: number } | null = null;
    let first = true;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const page = await account.lines(from, to, after, 1000);
        const csv = ledgerCsv(page);
        // The header row once, at the top.
        controller.enqueue(encoder.encode(first ? csv : csv.slice(csv.indexOf("\r\n") + 2)));
        first = false;
        const last = page[page.length - 1];
        if (page.length < 1000 || !last) controller.close();
        else after = { at: last.at, job_id: last.job_id, attempt: last.attempt };
      },
    });
    const name = `usage-${tenant.replace(/[^\w-]/g, "_")}-${from.slice(0, 10)}-${to.slice(0, 10)}.csv`;
    return new Response(body, { headers: { "content-type": "text/csv; charset=utf-8; header=present", "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" } });
  }

  const summary = await account.usage(from, to, query.group_by);
  if (summary.budget) c.header("x-budget-remaining", budgetHeaderValue(summary.budget.remaining_micros));
  const budget = summary.budget;
  return c.json({
    object: "usage",
    tenant,
    from,
    to,
    group_by: query.group_by,
    currency: "USD",
    totals: totals(summary.totals),
    groups: summary.groups.map((row) => ({ key: row.key, ...totals(row) })),
    price_versions: summary.price_versions,
    storage: {
      bytes: summary.storage.reduce((sum, kind) => sum + kind.bytes, 0),
      objects: summary.storage.reduce((sum, kind) => sum + kind.objects, 0),
      by_kind: Object.fromEntries(summary.storage.map((kind) => [kind.kind, { bytes: kind.bytes, objects: kind.objects }])),
    },
    budget: budget && {
      limit_usd: budget.limit_usd,
      period: budget.period,
      period_start: budget.period_start,
      spent_usd: budget.spent_micros / 1_000_000,
      reserved_usd: budget.reserved_micros / 1_000_000,
      remaining_usd: Math.max(0, budget.remaining_micros) / 1_000_000,
    },
    jobs_open: summary.open,
  });
});
