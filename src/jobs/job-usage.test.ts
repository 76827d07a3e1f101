import { describe, expect, it } from "vitest";
import type { PriceQuote } from "../billing/price-book";
import { settlementOf } from "./job-settlement";
import type { Attempt, JobRecord } from "./job-types";
import { jobRecord } from "./job-record-fixture";
import { initialUsage, usageOf } from "./job-usage";

const t0 = Date.parse("2026-12-01T10:00:00.000Z");
const quote = (unit_price_usd: number | null, seconds = 5): PriceQuote => ({
  units: { seconds, resolution: "720p" },
  unit_price_usd,
  price_version: "v1",
  price_source: unit_price_usd === null ? null : "published",
  estimated_cost_usd: unit_price_usd === null ? null : unit_price_usd * seconds,
  unpriced_reason: unit_price_usd === null ? "not agreed" : null,
});
const attempt = (change: Partial<Attempt>): Attempt => ({ provider: "shortapi", upstream_id: "u1", status: "running", upstream_status: "1", started_at: "2026-12-01T10:00:00.000Z", ended_at: null, error: null, quote: quote(0.085), ...change });

function job(attempts: Attempt[], change: Partial<JobRecord> = {}): JobRecord {
  return jobRecord(t0, { tenant: "t", providers: ["shortapi", "evolink"], status: "running", attempts, usage: initialUsage(quote(0.085)), submit: null, ...change });
}

describe("a job's usage", () => {
  it("quotes the live attempt while the job runs", () => {
    expect(usageOf(job([attempt({})]), false)).toMatchObject({ estimated_cost_usd: 0.425, unit_price_usd: 0.085, priced: true, billed_attempts: 0 });
  });

  it("costs a billed attempt its billed units: the seconds the provider reports", () => {
    const billed = attempt({ status: "completed", billed: true, billed_seconds: 7, provider_usage: { duration: 7 } });
    expect(usageOf(job([billed], { status: "completed" }), true)).toMatchObject({
      units: { seconds: 7, resolution: "720p" },
      estimated_cost_usd: 0.595,
      billed_attempts: 1,
      provider_usage: [{ provider: "shortapi", upstream_id: "u1", reported: { duration: 7 } }],
    });
  });

  it("adds a failover attempt the provider also finished: both are paid for", () => {
    const first = attempt({ status: "abandoned", billed: true, upstream_id: "u1" });
    const second = attempt({ provider: "evolink", upstream_id: "e1", status: "completed", billed: true, quote: quote(0.1) });
    const usage = usageOf(job([first, second], { status: "completed" }), true);
    expect(usage).toMatchObject({ estimated_cost_usd: 0.925, billed_attempts: 2, unit_price_usd: 0.1 });
    expect(usage.provider_usage.map((entry) => entry.provider)).toEqual(["shortapi", "evolink"]);
  });

  it("is null only with priced false and the reason", () => {
    const unpriced = attempt({ status: "completed", billed: true, quote: quote(null) });
    expect(usageOf(job([unpriced], { status: "completed" }), true)).toMatchObject({ estimated_cost_usd: null, priced: false, unpriced_reason: "not agreed" });
  });

  it("costs nothing when the job ended with nothing billed", () => {
    const refused = attempt({ status: "failed", upstream_id: null });
    expect(usageOf(job([refused], { status: "failed" }), true)).toMatchObject({ estimated_cost_usd: 0, priced: true, billed_attempts: 0 });
  });

  it("prices an orphan adopted from a callback at its provider's quote", () => {
    const known = attempt({ status: "failed" });
    const orphan = attempt({ upstream_id: "stray", status: "abandoned", billed: true, quote: undefined });
    expect(usageOf(job([known, orphan], { status: "failed" }), true)).toMatchObject({ estimated_cost_usd: 0.425, priced: true });
  });
});

describe("a job's settlement", () => {
  it("writes one ledger line per billed attempt not yet written, with the same money as its usage", () => {
    const first = attempt({ status: "abandoned", billed: true, ended_at: "2026-12-01T10:01:00.000Z", provider_usage: { amount: "0.425" } });
    const second = attempt({ provider: "evolink", upstream_id: "e1", status: "completed", billed: true, ended_at: "2026-12-01T10:02:00.000Z", quote: quote(0.1) });
    const over = job([first, second], { status: "completed", outputs: [{ url: "u", key: "k/0.mp4", bytes: 100, content_type: "video/mp4", sha256: "x", index: 0 }] });
    const { settlement, indexes } = settlementOf(over, t0);
    expect(indexes).toEqual([0, 1]);
    expect(settlement).toMatchObject({ job_id: over.id, final: true, storage: [{ key: "k/0.mp4", bytes: 100 }] });
    expect(settlement.lines).toEqual([
      expect.objectContaining({ attempt: 0, provider: "shortapi", at: "2026-12-01T10:01:00.000Z", seconds: 5, cost_micros: 425_000, provider_usage: '{"amount":"0.425"}', provider_reported_usd: 0.425 }),
      expect.objectContaining({ attempt: 1, provider: "evolink", cost_micros: 500_000, provider_usage: null, provider_reported_usd: null }),
    ]);
    const total = settlement.lines.reduce((sum, line) => sum + line.cost_micros!, 0) / 1e6;
    expect(total).toBe(usageOf(over, true).estimated_cost_usd);
    // A line already written is not sent again.
    expect(settlementOf({ ...over, attempts: [{ ...first, ledgered: true }, second] }, t0).indexes).toEqual([1]);
  });
});
