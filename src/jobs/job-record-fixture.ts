/**
 * @module jobs/job-record-fixture — a new job record for the pure modules' table tests (never
 * imported by the Worker): an i2v first-frame job at `evolink`, queued at `t0`, 5 s of 720p
 * priced at $0.10/s.
 */
import type { PriceQuote } from "../billing/price-book";
import type { JobRecord } from "./job-types";
import { initialUsage } from "./job-usage";

/** 5 s of 720p at $0.10/s. */
export const quote05: PriceQuote = { units: { seconds: 5, resolution: "720p" }, unit_price_usd: 0.1, price_version: "test", price_source: "published", estimated_cost_usd: 0.5, unpriced_reason: null };

/**
 * A queued job created at `t0`, with `change` applied.
 * @example const running = jobRecord(t0, { status: "running", attempts })
 */
export function jobRecord(t0: number, change: Partial<JobRecord> = {}): JobRecord {
  return {
    id: "job_0000000000aaaaaaaaaaaaaaaa",
    tenant: "dev",
    model: "wan2.7-i2v",
    input: { first_frame: "https://e.com/a.png", mode: "first_frame", resolution: "720p", duration: 5, prompt_extend: false, watermark: false },
    metadata: {},
    providers: ["evolink"],
    provider_cursor: 0,
    skip_providers: [],
    status: "queued",
    progress: 0,
    created_at: new Date(t0).toISOString(),
    updated_at: new Date(t0).toISOString(),
    completed_at: null,
    attempts: [],
    outputs: [],
    error: null,
    usage: initialUsage(quote05),
    deadline_at: t0 + 1_800_000,
    submit: { tries: 0, due_at: t0 },
    copy: null,
    webhook: null,
    request_hash: null,
    ...change,
  };
}
