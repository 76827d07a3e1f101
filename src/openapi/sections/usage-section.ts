/**
 * @module openapi/sections/usage-section — `GET /v1/usage` (routes/usage): the tenant's cost
 * ledger, totals and CSV lines.
 */
import { z } from "@hono/zod-openapi";
import { ledgerCsvColumns } from "../../billing/ledger-csv";
import { usageQuerySchema } from "../../routes/usage";
import type { ApiSection } from "../openapi-builders";
import { componentRef, operation, queryParameters, ref } from "../openapi-builders";

const tag = "Usage";

const usageTotalsSchema = z.object({
  cost_usd: z.number().min(0).describe("Sum of the priced lines"),
  lines: z.number().int().min(0).describe("Billed attempts (a failover attempt the provider also finished is a line of its own)"),
  jobs: z.number().int().min(0),
  seconds: z.number().min(0).describe("Billed video seconds"),
  images: z.number().int().min(0),
  unpriced_lines: z.number().int().min(0).describe("Lines without a price (their cost is not in cost_usd)"),
  provider_reported_usd: z.number().nullable().describe("What providers that state money said they charged (AI/ML API usd_spent, ShortAPI amount), for reconciliation"),
});

export const usageReportSchema = z.object({
  object: z.literal("usage"),
  tenant: z.string(),
  from: z.string().meta({ format: "date-time" }),
  to: z.string().meta({ format: "date-time" }).describe("Exclusive"),
  group_by: z.enum(["day", "model", "provider"]),
  currency: z.literal("USD"),
  totals: usageTotalsSchema,
  groups: z.array(usageTotalsSchema.extend({ key: z.string().describe("The day (YYYY-MM-DD), model or provider") })),
  price_versions: z.array(z.string()).describe("The price book versions the lines of the period were priced with"),
  storage: z
    .object({ bytes: z.number().int().min(0), objects: z.number().int().min(0), by_kind: z.record(z.string(), z.object({ bytes: z.number().int().min(0), objects: z.number().int().min(0) })) })
    .describe("R2 storage the tenant holds now (outputs and uploads)"),
  budget: z
    .object({ limit_usd: z.number(), period: z.enum(["month", "total"]), period_start: z.string(), spent_usd: z.number(), reserved_usd: z.number().describe("Held by jobs not settled yet"), remaining_usd: z.number() })
    .nullable(),
  jobs_open: z.object({ running: z.number().int().min(0), waiting: z.number().int().min(0).describe("Waiting for a running slot") }),
});

const example = {
  object: "usage",
  tenant: "dev",
  from: "2026-12-01T00:00:00.000Z",
  to: "2026-12-02T00:00:00.000Z",
  group_by: "provider",
  currency: "USD",
  totals: { cost_usd: 1.0025, lines: 3, jobs: 3, seconds: 10, images: 1, unpriced_lines: 0, provider_reported_usd: 0.425 },
  groups: [
    { key: "aimlapi", cost_usd: 0.0975, lines: 1, jobs: 1, seconds: 0, images: 1, unpriced_lines: 0, provider_reported_usd: null },
    { key: "evolink", cost_usd: 0.48, lines: 1, jobs: 1, seconds: 5, images: 0, unpriced_lines: 0, provider_reported_usd: null },
    { key: "shortapi", cost_usd: 0.425, lines: 1, jobs: 1, seconds: 5, images: 0, unpriced_lines: 0, provider_reported_usd: 0.425 },
  ],
  price_versions: ["builtin-2026-11-30"],
  storage: { bytes: 2_400_000, objects: 3, by_kind: { output: { bytes: 2_100_000, objects: 2 }, upload: { bytes: 300_000, objects: 1 } } },
  budget: { limit_usd: 10, period: "month", period_start: "2026-12-01T00:00:00.000Z", spent_usd: 1.0025, reserved_usd: 0.75, remaining_usd: 8.2475 },
  jobs_open: { running: 1, waiting: 0 },
};

export const usageSection: ApiSection = {
  tag: {
    name: tag,
    description:
      "Your cost ledger: one line per billed attempt (failover attempts the provider also finished included), written when a job settles, priced from the price book (`GET /v1/models` shows it). Storage held in R2 and your budget are part of it.",
  },
  schemas: { UsageReport: usageReportSchema },
  paths: {
    "/v1/usage": {
      get: operation({
        operationId: "getUsage",
        summary: "Your usage and spend",
        description: `Totals over a period (default: this month so far), grouped by \`day\`, \`model\` or \`provider\`; \`format=csv\` gives the ledger's lines instead (RFC 4180 with a header row: ${ledgerCsvColumns.join(", ")}; text from providers that would look like a spreadsheet formula starts with \`'\`).`,
        tag,
        parameters: queryParameters(usageQuerySchema),
        responses: {
          200: {
            description: "The report (JSON), or the lines (CSV).",
            headers: { "X-Budget-Remaining": componentRef("headers", "XBudgetRemaining") },
            content: {
              "application/json": { schema: ref("UsageReport"), example },
              "text/csv": { schema: { type: "string" }, example: `${ledgerCsvColumns.join(",")}\r\n2026-12-01T10:00:03.120Z,job_01jd3k5x7z9q2m4n6p8r0s2t4v,0,wan2.7-i2v,shortapi,sa-91,5,720p,,0.085,0.425,true,builtin-2026-11-30,published,0.425,"{""amount"":""0.425""}"\r\n` },
            },
          },
        },
        problems: ["invalid_request"],
      }),
    },
  },
};
