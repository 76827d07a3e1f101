import { describe, expect, it } from "vitest";
import type { UpstreamError, UpstreamTask } from "../providers/provider-adapter";
import type { JobEvent, MachinePolicy } from "./job-machine";
import { defaultPolicy, transition } from "./job-machine";
import { dueWork, nextWakeAt } from "./job-schedule";
import type { JobRecord } from "./job-types";

const t0 = Date.parse("2026-11-24T12:00:00.000Z");
const policy: MachinePolicy = { ...defaultPolicy, random: () => 1 };

function job(overrides: Partial<JobRecord> = {}): JobRecord {
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
    usage: { billed_seconds: null, images: null, estimated_cost_usd: null },
    deadline_at: t0 + 1_800_000,
    submit: { tries: 0, due_at: t0 },
    poll: null,
    copy: null,
    webhook: null,
    request_hash: null,
    ...overrides,
  };
}

const pending: UpstreamTask = { state: "pending", progress: 0, upstreamStatus: "pending" };
const processing: UpstreamTask = { state: "running", progress: 40, upstreamStatus: "processing" };
const completed: UpstreamTask = { state: "completed", urls: ["https://cdn.example.com/v.mp4"], upstreamStatus: "completed" };
const genFailed: UpstreamError = { kind: "generation_failed", message: "no content", retryable: true, providerCode: "generation_failed_no_content" };
const unavailable: UpstreamError = { kind: "unavailable", message: "503", retryable: true, httpStatus: 503 };
const badRequest: UpstreamError = { kind: "rejected", message: "bad", retryable: false, httpStatus: 400 };

function accept(upstreamId: string, task: UpstreamTask, provider: "evolink" | "dashscope" = "evolink"): JobEvent {
  return { type: "submitted", provider, upstreamId, task, startDeadlineMs: 600_000, polling: { baseMs: 1_000, maxMs: 15_000 }, estimatedCostUsd: 0.5 };
}

const running = transition(job(), accept("task-unified-1-abcdefgh", pending), t0, policy);
const copying = transition(running, { type: "observed", task: completed }, t0 + 5_000, policy);
const output = { url: "http://gw/media/o/0.mp4", content_type: "video/mp4", bytes: 10, sha256: "ab", index: 0, key: "o/0.mp4" };
const done = transition(copying, { type: "output_copied", output }, t0 + 6_000, policy);
const failed = transition(running, { type: "observed", task: { state: "failed", error: badRequest, upstreamStatus: "failed" } }, t0 + 5_000, policy);

type Row = [string, JobRecord, JobEvent, number, Partial<{ status: string; submit: boolean; poll: boolean; copy: boolean; errorCode: string; unchanged: boolean }>];

const table: Row[] = [
  ["queued + submitted → running, poll scheduled", job(), accept("u1", pending), t0, { status: "running", submit: false, poll: true }],
  ["queued + submit 503 → stays queued, retry scheduled", job(), { type: "submit_failed", provider: "evolink", error: unavailable }, t0, { status: "queued", submit: true }],
  ["queued + submit 400 → failed", job(), { type: "submit_failed", provider: "evolink", error: badRequest }, t0, { status: "failed", errorCode: "upstream_rejected" }],
  ["queued + 6th transient failure → failed", job({ submit: { tries: 5, due_at: t0 } }), { type: "submit_failed", provider: "evolink", error: unavailable }, t0, { status: "failed", errorCode: "upstream_unavailable" }],
  ["queued + out of credit → failed (no same-provider retry)", job(), { type: "submit_failed", provider: "evolink", error: { kind: "out_of_credit", message: "x", retryable: true } }, t0, { status: "failed", errorCode: "upstream_out_of_credit" }],
  ["running + processing → running, progress", running, { type: "observed", task: processing }, t0 + 1000, { status: "running", poll: true }],
  ["running + completed → copy due", running, { type: "observed", task: completed }, t0 + 1000, { status: "running", copy: true, poll: false }],
  ["running + retryable upstream failure, one provider → resubmitted there", running, { type: "observed", task: { state: "failed", error: genFailed, upstreamStatus: "failed" } }, t0, { status: "running", submit: true, poll: false }],
  ["running + final upstream failure → failed", running, { type: "observed", task: { state: "failed", error: { ...badRequest, kind: "content_policy" }, upstreamStatus: "failed" } }, t0, { status: "failed", errorCode: "upstream_content_policy" }],
  ["running + poll 503 → poll again later", running, { type: "poll_failed", error: unavailable }, t0, { status: "running", poll: true }],
  ["running + poll 404 → failed", running, { type: "poll_failed", error: { kind: "not_found", message: "gone", retryable: false } }, t0, { status: "failed", errorCode: "upstream_not_found" }],
  ["running + poll deferred by the read budget → poll at the reserved slot", running, { type: "poll_deferred", until: t0 + 250 }, t0, { status: "running", poll: true }],
  ["running + hint → poll due now", running, { type: "hint" }, t0 + 10, { status: "running", poll: true }],
  ["copying + late processing answer → unchanged", copying, { type: "observed", task: processing }, t0 + 6000, { unchanged: true }],
  ["copying + copied → completed", copying, { type: "output_copied", output }, t0 + 6000, { status: "completed", copy: false }],
  ["queued + cancel → canceled", job(), { type: "cancel" }, t0, { status: "canceled", submit: false }],
  ["running + cancel → canceled, attempt abandoned", running, { type: "cancel" }, t0, { status: "canceled", poll: false }],
  ["copying + cancel → canceled, copy dropped", copying, { type: "cancel" }, t0, { status: "canceled", copy: false }],
  ["completed + cancel → unchanged", done, { type: "cancel" }, t0, { unchanged: true }],
  ["copying + retryable copy failure → copy retried", copying, { type: "copy_failed", error: { code: "output_download_failed", message: "cut", retryable: true } }, t0, { status: "running", copy: true }],
  ["copying + invalid output → failed", copying, { type: "copy_failed", error: { code: "output_invalid", message: "not mp4", retryable: false } }, t0, { status: "failed", errorCode: "output_invalid" }],
  ["copying + deadline → unchanged (paid result is kept)", copying, { type: "deadline" }, t0 + 3_600_000, { unchanged: true }],
  ["running + deadline → failed", running, { type: "deadline" }, t0 + 1_800_000, { status: "failed", errorCode: "deadline_exceeded" }],
  ["queued + deadline → failed", job(), { type: "deadline" }, t0 + 1_800_000, { status: "failed", errorCode: "deadline_exceeded" }],
  ["running + early deadline event → unchanged", running, { type: "deadline" }, t0 + 1000, { unchanged: true }],
  ["completed + anything → unchanged", done, { type: "observed", task: processing }, t0 + 7000, { unchanged: true }],
  ["failed + copied → unchanged", failed, { type: "output_copied", output }, t0 + 7000, { unchanged: true }],
  ["running + second submitted → unchanged", running, accept("u2", pending), t0, { unchanged: true }],
];

describe("job machine", () => {
  it.each(table)("%s", (_name, before, event, now, expected) => {
    const after = transition(before, event, now, policy);
    if (expected.unchanged) {
      expect(after).toBe(before);
      return;
    }
    if (expected.status) expect(after.status).toBe(expected.status);
    if (expected.submit !== undefined) expect(after.submit !== null).toBe(expected.submit);
    if (expected.poll !== undefined) expect(after.poll !== null).toBe(expected.poll);
    if (expected.copy !== undefined) expect(after.copy !== null).toBe(expected.copy);
    if (expected.errorCode) expect(after.error?.code).toBe(expected.errorCode);
    if (after.status === "failed" || after.status === "completed" || after.status === "canceled") {
      expect(after.completed_at).toBe(new Date(now).toISOString());
      expect(nextWakeAt(after)).toBeNull();
    }
  });

  it("honours Retry-After when it is longer than the backoff", () => {
    const after = transition(job(), { type: "submit_failed", provider: "evolink", error: { ...unavailable, kind: "rate_limited", retryAfterMs: 45_000 } }, t0, policy);
    expect(after.submit?.due_at).toBe(t0 + 45_000);
  });

  it("records every create attempt", () => {
    const once = transition(job(), { type: "submit_failed", provider: "evolink", error: unavailable }, t0, policy);
    const twice = transition({ ...once, submit: { ...once.submit!, due_at: t0 + 1000 } }, accept("u9", pending), t0 + 1000, policy);
    expect(twice.attempts.map((attempt) => [attempt.status, attempt.upstream_id])).toEqual([["failed", null], ["running", "u9"]]);
  });

  it("never lowers progress and keeps it below 100 until the copy is done", () => {
    const at40 = transition(running, { type: "observed", task: processing }, t0 + 1000, policy);
    const back = transition(at40, { type: "observed", task: { ...processing, progress: 10 } }, t0 + 2000, policy);
    expect(back.progress).toBe(40);
    expect(copying.progress).toBe(99);
    expect(done.progress).toBe(100);
  });
});

describe("job schedule", () => {
  it.each([
    ["queued: the submit", job(), t0],
    ["running: the next poll", running, running.poll!.due_at],
    ["copying: the copy, ignoring the deadline", { ...copying, deadline_at: t0 }, copying.copy!.due_at],
    ["terminal: nothing", done, null],
    ["running without a poll: the deadline", { ...running, poll: null }, running.deadline_at],
  ])("wakes for %s", (_name, record, expected) => {
    expect(nextWakeAt(record)).toBe(expected);
  });

  it("does the copy before anything else, and the deadline before a poll", () => {
    expect(dueWork(copying, t0 + 10_000_000)).toBe("copy");
    expect(dueWork(running, t0 + 1_800_000)).toBe("deadline");
    expect(dueWork(running, running.poll!.due_at)).toBe("poll");
    expect(dueWork(running, running.poll!.due_at - 1)).toBeNull();
  });
});

describe("failover across providers", () => {
  const two = job({ providers: ["evolink", "dashscope"] });
  const outOfCredit: UpstreamError = { kind: "out_of_credit", message: "402", retryable: true, httpStatus: 402 };

  it("moves to the next provider at once after a retryable create failure", () => {
    const after = transition(two, { type: "submit_failed", provider: "evolink", error: unavailable }, t0, policy);
    expect(after).toMatchObject({ status: "queued", provider_cursor: 1, submit: { tries: 1, due_at: t0 } });
  });

  it("backs off once every provider has failed in a round", () => {
    const first = transition(two, { type: "submit_failed", provider: "evolink", error: unavailable }, t0, policy);
    const second = transition(first, { type: "submit_failed", provider: "dashscope", error: unavailable }, t0, policy);
    expect(second.provider_cursor).toBe(0);
    expect(second.submit!.due_at).toBeGreaterThan(t0);
  });

  it("never returns to a provider that is out of credit", () => {
    const first = transition(two, { type: "submit_failed", provider: "evolink", error: outOfCredit }, t0, policy);
    expect(first).toMatchObject({ skip_providers: ["evolink"], provider_cursor: 1, submit: { due_at: t0 } });
    const second = transition(first, { type: "submit_failed", provider: "dashscope", error: outOfCredit }, t0, policy);
    expect(second.status).toBe("failed");
    expect(second.error?.code).toBe("upstream_out_of_credit");
  });

  it("does not fail over a request every provider would refuse", () => {
    expect(transition(two, { type: "submit_failed", provider: "evolink", error: badRequest }, t0, policy).status).toBe("failed");
  });

  it("resubmits to the next provider when an accepted task fails retryably, and ignores the old one", () => {
    const accepted = transition(two, accept("evo-1", processing), t0, policy);
    const failedOver = transition(accepted, { type: "observed", task: { state: "failed", error: genFailed, upstreamStatus: "failed" } }, t0 + 1000, policy);
    expect(failedOver).toMatchObject({ status: "running", provider_cursor: 1, poll: null, submit: { due_at: t0 + 1000 } });
    expect(failedOver.attempts.map((attempt) => attempt.status)).toEqual(["failed"]);
    // a late answer about the abandoned task changes nothing
    expect(transition(failedOver, { type: "observed", task: completed }, t0 + 1500, policy)).toBe(failedOver);
    const second = transition(failedOver, accept("ds-1", pending, "dashscope"), t0 + 2000, policy);
    expect(second.attempts.map((attempt) => [attempt.provider, attempt.status])).toEqual([["evolink", "failed"], ["dashscope", "running"]]);
    expect(second.usage.estimated_cost_usd).toBe(0.5);
  });

  it("copies several outputs in index order and retries only the missing ones", () => {
    const many = transition(running, { type: "observed", task: { state: "completed", urls: ["u0", "u1", "u2"], upstreamStatus: "SUCCEEDED" } }, t0, policy);
    const second = transition(many, { type: "output_copied", output: { ...output, index: 1 } }, t0, policy);
    const failedCopy = transition(second, { type: "copy_failed", error: { code: "output_download_failed", message: "cut", retryable: true } }, t0, policy);
    expect(failedCopy.copy!.done.map((done) => done.index)).toEqual([1]);
    const third = transition(failedCopy, { type: "output_copied", output: { ...output, index: 0 } }, t0, policy);
    expect(transition(third, { type: "output_copied", output: { ...output, index: 0 } }, t0, policy)).toBe(third); // a duplicate changes nothing
    const finished = transition(third, { type: "output_copied", output: { ...output, index: 2 } }, t0, policy);
    expect(finished.status).toBe("completed");
    expect(finished.outputs.map((done) => done.index)).toEqual([0, 1, 2]);
  });

  it("abandons a task stuck before it starts and resubmits elsewhere", () => {
    const polled = transition(two, accept("evo-1", pending), t0, policy);
    const accepted = { ...polled, poll: { ...polled.poll!, due_at: t0 + 700_000 } };
    expect(dueWork(accepted, t0 + 600_000)).toBe("stuck");
    expect(transition(accepted, { type: "stuck" }, t0 + 599_999, policy)).toBe(accepted);
    const moved = transition(accepted, { type: "stuck" }, t0 + 600_000, policy);
    expect(moved.attempts[0]).toMatchObject({ status: "abandoned", error: { code: "upstream_stuck" } });
    expect(moved).toMatchObject({ provider_cursor: 1, submit: { due_at: t0 + 600_000 } });
  });

  it("does not call a running task stuck", () => {
    const accepted = transition(two, accept("evo-1", processing), t0, policy);
    expect(dueWork(accepted, t0 + 600_000)).not.toBe("stuck");
    expect(transition(accepted, { type: "stuck" }, t0 + 700_000, policy)).toBe(accepted);
  });

  it("stops after maxAttempts accepted attempts", () => {
    let state: JobRecord = two;
    const upstreamFailure = { type: "observed" as const, task: { state: "failed" as const, error: genFailed, upstreamStatus: "failed" } };
    for (const [index, provider] of (["evolink", "dashscope", "evolink"] as const).entries()) {
      state = transition(state, accept(`t${index}`, processing, provider), t0 + index, policy);
      state = transition(state, upstreamFailure, t0 + index, policy);
    }
    expect(state.status).toBe("failed");
    expect(state.attempts).toHaveLength(3);
  });
});
