import { describe, expect, it } from "vitest";
import type { PriceQuote } from "../billing/price-book";
import { defaultPolicy, transition } from "./job-machine";
import { dueWork, nextWakeAt } from "./job-schedule";
import type { JobRecord } from "./job-types";
import { jobRecord } from "./job-record-fixture";
import { initialUsage } from "./job-usage";

const t0 = Date.parse("2026-12-01T10:00:00.000Z");
const policy = { ...defaultPolicy, random: () => 1 };
const quote: PriceQuote = { units: { seconds: 5, resolution: "720p" }, unit_price_usd: 0.1, price_version: "v", price_source: "published", estimated_cost_usd: 0.5, unpriced_reason: null };

function held(change: Partial<JobRecord> = {}): JobRecord {
  return jobRecord(t0, { tenant: "t", usage: initialUsage(quote), hold: { position: 2, tries: 0, due_at: t0 + 5_000 }, ...change });
}

describe("a job held for a running slot", () => {
  it("sends nothing upstream while held: it only asks for its place, and keeps its deadline", () => {
    const job = held();
    expect(dueWork(job, t0 + 1_000)).toBeNull();
    expect(dueWork(job, t0 + 5_000)).toEqual({ kind: "check_queue" });
    expect(nextWakeAt(job)).toBe(t0 + 5_000);
    expect(dueWork(job, t0 + 1_800_000)).toEqual({ kind: "deadline" });
  });

  it("updates its place and asks again later, backing off", () => {
    const first = transition(held(), { type: "queue_checked", position: 1 }, t0 + 5_000, policy);
    const second = transition(first, { type: "queue_checked", position: 1 }, t0 + 15_000, policy);
    expect(first.hold).toMatchObject({ position: 1, tries: 1 });
    expect(second.hold!.due_at - (t0 + 15_000)).toBeGreaterThan(first.hold!.due_at - (t0 + 5_000));
  });

  it("goes upstream at once when admitted, its deadline counted from then", () => {
    const admitted = transition(held(), { type: "admitted" }, t0 + 600_000, policy);
    expect(admitted.hold).toBeNull();
    expect(admitted.deadline_at).toBe(t0 + 600_000 + 1_800_000);
    expect(dueWork(admitted, t0 + 600_000)).toEqual({ kind: "submit" });
  });

  it("ignores an admission once canceled, and owes its account a release", () => {
    const canceled = transition(held(), { type: "cancel" }, t0 + 1_000, policy);
    expect(canceled.hold).toBeNull();
    expect(transition(canceled, { type: "admitted" }, t0 + 2_000, policy)).toBe(canceled);
    expect(dueWork(canceled, t0 + 1_000)).toEqual({ kind: "settle" });
  });
});

describe("settlement with the tenant's account", () => {
  const canceled = transition(held({ hold: null }), { type: "cancel" }, t0, policy);

  it("retries a failed settlement with backoff until it goes through", () => {
    const failed = transition(canceled, { type: "settle_failed" }, t0, policy);
    expect(failed.settle!.due_at).toBeGreaterThan(t0);
    const again = transition(failed, { type: "settle_failed" }, failed.settle!.due_at, policy);
    expect(again.settle!.due_at - failed.settle!.due_at).toBeGreaterThan(failed.settle!.due_at - t0);
    const done = transition(again, { type: "settled", indexes: [], final: true }, again.settle!.due_at, policy);
    expect(done).toMatchObject({ settle: null, settled: true });
  });

  it("owes a new line when an abandoned attempt is billed after the job ended", () => {
    const running: JobRecord = {
      ...held({ hold: null, status: "running", submit: null }),
      attempts: [{ provider: "evolink", upstream_id: "e1", status: "running", upstream_status: "processing", started_at: "x", ended_at: null, error: null, quote, due: { tries: 0, due_at: t0 } }],
    };
    const over = transition(running, { type: "cancel" }, t0, policy);
    const settled = transition(over, { type: "settled", indexes: [], final: true }, t0, policy);
    expect(settled.settle).toBeNull();
    const billedLate = transition(settled, { type: "observed", index: 0, task: { state: "completed", urls: ["https://x/v.mp4"], upstreamStatus: "completed" } }, t0 + 30_000, policy);
    expect(billedLate.attempts[0]).toMatchObject({ billed: true, status: "completed" });
    expect(billedLate.usage).toMatchObject({ billed_attempts: 1, estimated_cost_usd: 0.5 });
    expect(dueWork(billedLate, t0 + 30_000)).toEqual({ kind: "settle" });
    const written = transition(billedLate, { type: "settled", indexes: [0], final: true }, t0 + 30_001, policy);
    expect(written.attempts[0]!.ledgered).toBe(true);
    expect(written.settle).toBeNull();
  });
});
