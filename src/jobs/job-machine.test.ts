import { describe, expect, it } from "vitest";
import type { ProviderId, UpstreamError, UpstreamTask } from "../providers/provider-adapter";
import type { JobEvent, MachinePolicy } from "./job-machine";
import { defaultPolicy, transition } from "./job-machine";
import { dueWork, nextWakeAt } from "./job-schedule";
import type { JobRecord } from "./job-types";
import { jobRecord, quote05 } from "./job-record-fixture";

const t0 = Date.parse("2026-11-24T12:00:00.000Z");
const policy: MachinePolicy = { ...defaultPolicy, random: () => 1 };

const job = (overrides: Partial<JobRecord> = {}): JobRecord => jobRecord(t0, overrides);

const pending: UpstreamTask = { state: "pending", progress: 0, upstreamStatus: "pending" };
const processing: UpstreamTask = { state: "running", progress: 40, upstreamStatus: "processing" };
const completed: UpstreamTask = { state: "completed", urls: ["https://cdn.example.com/v.mp4"], upstreamStatus: "completed" };
const genFailed: UpstreamError = { kind: "generation_failed", message: "no content", retryable: true, providerCode: "generation_failed_no_content" };
const unavailable: UpstreamError = { kind: "unavailable", message: "503", retryable: true, httpStatus: 503 };
const rejected: UpstreamError = { kind: "rejected", message: "model_not_found", retryable: false, httpStatus: 404 };
const noAnswer: UpstreamError = { kind: "timeout", message: "no answer", retryable: true };
const failedWith = (error: UpstreamError, upstreamStatus = "failed"): UpstreamTask => ({ state: "failed", error, upstreamStatus });

function started(provider: ProviderId = "evolink", number = 1): JobEvent {
  return { type: "create_started", provider, idempotencyKey: `job.${number}`, startDeadlineMs: 600_000, polling: { baseMs: 1_000, maxMs: 15_000 }, quote: quote05, recoverAfterMs: 25_000 };
}

/** Applies events in order (each a millisecond after the last). */
function run(from: JobRecord, ...events: JobEvent[]): JobRecord {
  return events.reduce((state, event, step) => transition(state, event, t0 + step, policy), from);
}

/** A job whose create at `provider` was accepted as attempt `index`. */
function accepted(from: JobRecord, provider: ProviderId, upstreamId: string, task: UpstreamTask = pending): JobRecord {
  const creating = transition(from, started(provider, from.attempts.length + 1), t0, policy);
  return transition(creating, { type: "created", index: creating.attempts.length - 1, upstreamId, task }, t0, policy);
}

const running = accepted(job(), "evolink", "task-unified-1-abcdefgh");
const copying = transition(running, { type: "observed", index: 0, task: completed }, t0 + 5_000, policy);
const output = { url: "http://gw/media/o/0.mp4", content_type: "video/mp4", bytes: 10, sha256: "ab", index: 0, key: "o/0.mp4" };
const done = transition(copying, { type: "output_copied", output }, t0 + 6_000, policy);
const two = job({ providers: ["evolink", "dashscope"] });

type Row = [string, JobRecord, JobEvent, number, Partial<{ status: string; submit: boolean; read: boolean; copy: boolean; errorCode: string; unchanged: boolean }>];

const table: Row[] = [
  ["queued + create started → an attempt creating, written ahead", job(), started(), t0, { status: "queued", submit: false }],
  ["running + processing → running, read again", running, { type: "observed", index: 0, task: processing }, t0 + 1000, { status: "running", read: true }],
  ["running + completed → copy due", running, { type: "observed", index: 0, task: completed }, t0 + 1000, { status: "running", copy: true, read: false }],
  ["running + an unknown status → still running, read again, never resubmitted", running, { type: "observed", index: 0, task: { state: "unknown", progress: null, upstreamStatus: "mystery" } }, t0, { status: "running", read: true, submit: false }],
  ["running + paused → still running, read again", running, { type: "observed", index: 0, task: { state: "paused", progress: null, upstreamStatus: "SUSPENDED" } }, t0, { status: "running", read: true, submit: false }],
  ["running + retryable upstream failure, one provider → resubmitted there", running, { type: "observed", index: 0, task: failedWith(genFailed) }, t0, { status: "running", submit: true, read: false }],
  ["running + content policy → failed", running, { type: "observed", index: 0, task: failedWith({ ...rejected, kind: "content_policy" }) }, t0, { status: "failed", errorCode: "upstream_content_policy" }],
  ["running + read 503 → read again later", running, { type: "poll_failed", index: 0, error: unavailable }, t0, { status: "running", read: true }],
  ["running + read 404, one provider → created anew there", running, { type: "poll_failed", index: 0, error: { kind: "not_found", message: "gone", retryable: false } }, t0, { status: "running", submit: true }],
  ["running + read deferred by the read budget → asks again when told", running, { type: "poll_deferred", index: 0, until: t0 + 250 }, t0, { status: "running", read: true }],
  ["running + callback → read due now", running, { type: "callback", provider: "evolink", upstreamId: null }, t0 + 10, { status: "running", read: true }],
  ["copying + late processing answer → unchanged", copying, { type: "observed", index: 0, task: processing }, t0 + 6000, { unchanged: true }],
  ["copying + copied → completed", copying, { type: "output_copied", output }, t0 + 6000, { status: "completed", copy: false }],
  ["queued + cancel → canceled", job(), { type: "cancel" }, t0, { status: "canceled", submit: false }],
  ["copying + cancel → canceled, copy dropped", copying, { type: "cancel" }, t0, { status: "canceled", copy: false }],
  ["completed + cancel → unchanged", done, { type: "cancel" }, t0, { unchanged: true }],
  ["copying + retryable copy failure → copy retried", copying, { type: "copy_failed", error: { code: "output_incomplete", message: "cut", retryable: true } }, t0, { status: "running", copy: true }],
  ["copying + invalid output → failed", copying, { type: "copy_failed", error: { code: "output_invalid", message: "not mp4", retryable: false } }, t0, { status: "failed", errorCode: "output_invalid" }],
  ["copying + deadline → unchanged (paid result is kept)", copying, { type: "deadline" }, t0 + 3_600_000, { unchanged: true }],
  ["running + deadline → failed", running, { type: "deadline" }, t0 + 1_800_000, { status: "failed", errorCode: "deadline_exceeded" }],
  ["queued + deadline → failed", job(), { type: "deadline" }, t0 + 1_800_000, { status: "failed", errorCode: "deadline_exceeded" }],
  ["running + early deadline event → unchanged", running, { type: "deadline" }, t0 + 1000, { unchanged: true }],
  ["completed + an answer about its attempt → unchanged", done, { type: "observed", index: 0, task: processing }, t0 + 7000, { unchanged: true }],
  ["running + a second create start → unchanged", running, started(), t0, { unchanged: true }],
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
    if (expected.read !== undefined) expect(Boolean(after.attempts[0]?.due)).toBe(expected.read);
    if (expected.copy !== undefined) expect(after.copy !== null).toBe(expected.copy);
    if (expected.errorCode) expect(after.error?.code).toBe(expected.errorCode);
    if (after.status === "failed" || after.status === "completed" || after.status === "canceled") {
      expect(after.completed_at).toBe(new Date(now).toISOString());
      expect(after.attempts.every((attempt) => attempt.status !== "running" && attempt.status !== "creating")).toBe(true);
    }
  });

  it("never lowers progress and keeps it below 100 until the copy is done", () => {
    const at40 = transition(running, { type: "observed", index: 0, task: processing }, t0 + 1000, policy);
    const back = transition(at40, { type: "observed", index: 0, task: { ...processing, progress: 10 } }, t0 + 2000, policy);
    expect(back.progress).toBe(40);
    expect(copying.progress).toBe(99);
    expect(done.progress).toBe(100);
    // What is left: the settlement with the tenant's account and the poster of the
    // first-frame video, both after `completed`; then nothing.
    expect(dueWork(done, t0 + 6_000)).toEqual({ kind: "settle" });
    const settled = transition(done, { type: "settled", indexes: [0], final: true }, t0 + 6_001, policy);
    expect(dueWork(settled, t0 + 6_001)).toEqual({ kind: "variants" });
    expect(nextWakeAt({ ...settled, variants: null })).toBeNull();
  });

  it("keeps the raw status of an unknown answer on the attempt and never counts it as started", () => {
    const after = transition(running, { type: "observed", index: 0, task: { state: "unknown", progress: null, upstreamStatus: "QUEUED_FOR_REVIEW" } }, t0, policy);
    expect(after.attempts[0]).toMatchObject({ status: "running", upstream_status: "QUEUED_FOR_REVIEW", seen_running: false });
    expect(after.attempts[0]!.due!.due_at).toBeGreaterThan(t0);
  });
});

describe("write-ahead creates", () => {
  const creating = transition(job(), started(), t0, policy);

  it("writes the attempt with its idempotency key before the create leaves, and recovers it later", () => {
    expect(creating.attempts[0]).toMatchObject({ status: "creating", provider: "evolink", idempotency_key: "job.1", upstream_id: null });
    expect(dueWork(creating, t0)).toBeNull();
    expect(dueWork(creating, t0 + 25_000)).toEqual({ kind: "recover_create", index: 0 });
  });

  it("re-sends a lost create with the same key where the provider honours one", () => {
    const lost = transition(creating, { type: "create_lost", index: 0, resend: true, error: noAnswer }, t0 + 20_000, policy);
    expect(lost.attempts).toHaveLength(1);
    expect(lost.attempts[0]).toMatchObject({ status: "creating", idempotency_key: "job.1", create_tries: 2 });
    const found = transition(lost, { type: "created", index: 0, upstreamId: "task-1", task: processing }, t0 + 21_000, policy);
    expect(found.attempts[0]).toMatchObject({ status: "running", upstream_id: "task-1" });
  });

  it("marks a lost create outcome_unknown (possibly billed) and moves on where it cannot ask again", () => {
    const lost = transition({ ...creating, providers: ["evolink", "dashscope"] }, { type: "create_lost", index: 0, resend: false, error: noAnswer }, t0 + 20_000, policy);
    expect(lost.attempts[0]!.status).toBe("outcome_unknown");
    expect(lost.usage.possibly_billed_attempts).toBe(1);
    expect(lost).toMatchObject({ provider_cursor: 1, submit: { due_at: t0 + 20_000 } });
  });

  it("adopts the task a callback names when the create's answer was lost", () => {
    const lost = transition({ ...creating, providers: ["evolink", "dashscope"] }, { type: "create_lost", index: 0, resend: false, error: noAnswer }, t0 + 20_000, policy);
    const adopted = transition(lost, { type: "callback", provider: "evolink", upstreamId: "orphan-1" }, t0 + 21_000, policy);
    expect(adopted.attempts[0]).toMatchObject({ status: "running", upstream_id: "orphan-1" });
    expect(adopted.submit).toBeNull();
    expect(dueWork(adopted, t0 + 21_000)).toEqual({ kind: "poll", index: 0 });
  });

  it("cancels an orphan a callback names while another attempt runs, and still reads it", () => {
    const lost = transition({ ...creating, providers: ["evolink", "dashscope"] }, { type: "create_lost", index: 0, resend: false, error: noAnswer }, t0, policy);
    const second = accepted(lost, "dashscope", "ds-1");
    const orphan = transition(second, { type: "callback", provider: "evolink", upstreamId: "orphan-1" }, t0 + 1000, policy);
    expect(orphan.attempts[0]).toMatchObject({ status: "abandoned", upstream_id: "orphan-1", cancel_due: true });
    expect(orphan.attempts[1]!.status).toBe("running");
    expect(dueWork(orphan, t0 + 1000)).toEqual({ kind: "cancel_upstream", index: 0 });
  });

  it("records a callback for an unknown task of a finished job, to cancel it", () => {
    const orphan = transition(done, { type: "callback", provider: "evolink", upstreamId: "stray-9" }, t0 + 8000, policy);
    expect(orphan.attempts[1]).toMatchObject({ upstream_id: "stray-9", status: "abandoned", cancel_due: true });
    expect(orphan.status).toBe("completed");
  });
});

describe("failover across providers", () => {
  const outOfCredit: UpstreamError = { kind: "out_of_credit", message: "402", retryable: true, httpStatus: 402 };
  const creating = transition(two, started("evolink"), t0, policy);

  it("moves to the next provider at once after a transient create failure", () => {
    const after = transition(creating, { type: "create_failed", index: 0, error: unavailable }, t0, policy);
    expect(after).toMatchObject({ status: "queued", provider_cursor: 1, submit: { tries: 1, due_at: t0 }, skip_providers: [] });
  });

  it("backs off once every provider has failed in a round, honouring Retry-After", () => {
    const first = transition(creating, { type: "create_failed", index: 0, error: unavailable }, t0, policy);
    const second = run(first, started("dashscope", 2), { type: "create_failed", index: 1, error: { ...unavailable, retryAfterMs: 45_000 } });
    expect(second.provider_cursor).toBe(0);
    expect(second.submit!.due_at).toBeGreaterThanOrEqual(t0 + 45_000);
  });

  it("excludes a provider that rejects the request and serves the job elsewhere", () => {
    const after = transition(creating, { type: "create_failed", index: 0, error: rejected }, t0, policy);
    expect(after).toMatchObject({ status: "queued", skip_providers: ["evolink"], provider_cursor: 1, submit: { due_at: t0 } });
  });

  it("fails only when every eligible provider refused, naming each reason", () => {
    const first = transition(creating, { type: "create_failed", index: 0, error: rejected }, t0, policy);
    const second = run(first, started("dashscope", 2), { type: "create_failed", index: 1, error: { ...rejected, message: "Model not exist." } });
    expect(second.status).toBe("failed");
    expect(second.error!.message).toContain("evolink: model_not_found");
    expect(second.error!.message).toContain("dashscope: Model not exist.");
  });

  it("never returns to a provider that is out of credit", () => {
    const first = transition(creating, { type: "create_failed", index: 0, error: outOfCredit }, t0, policy);
    expect(first).toMatchObject({ skip_providers: ["evolink"], provider_cursor: 1 });
    const second = run(first, started("dashscope", 2), { type: "create_failed", index: 1, error: outOfCredit });
    expect(second.status).toBe("failed");
    expect(second.error?.code).toBe("upstream_out_of_credit");
  });

  it("fails at once on content the provider refuses", () => {
    expect(transition(creating, { type: "create_failed", index: 0, error: { ...rejected, kind: "content_policy" } }, t0, policy).status).toBe("failed");
  });

  for (const [name, error] of [
    ["canceled by the provider", { kind: "canceled", message: "cancelled", retryable: false }],
    ["unknown or expired at the provider", { kind: "not_found", message: "UNKNOWN", retryable: false }],
    ["rejected by the provider mid-task", rejected],
  ] as Array<[string, UpstreamError]>) {
    it(`fails over when the task is ${name}`, () => {
      const first = accepted(two, "evolink", "evo-1", processing);
      const after = transition(first, { type: "observed", index: 0, task: failedWith(error) }, t0 + 1000, policy);
      expect(after).toMatchObject({ status: "running", provider_cursor: 1, submit: { due_at: t0 + 1000 } });
      expect(after.attempts[0]!.status).toBe("failed");
    });
  }

  it("lets an abandoned attempt that finishes first provide the outputs (late success), and bills both", () => {
    const first = accepted(two, "evolink", "evo-1");
    const stuck = transition({ ...first, attempts: [{ ...first.attempts[0]!, start_deadline_at: t0 }] }, { type: "stuck", index: 0 }, t0 + 1, policy);
    expect(stuck.attempts[0]).toMatchObject({ status: "abandoned", error: { code: "upstream_stuck" } });
    expect(stuck.attempts[0]!.due).toBeTruthy(); // still read
    const second = accepted(stuck, "dashscope", "ds-1");
    const late = transition(second, { type: "observed", index: 0, task: completed }, t0 + 5000, policy);
    expect(late.copy).toMatchObject({ attempt: 0, urls: completed.urls });
    expect(late.attempts.map((attempt) => attempt.status)).toEqual(["completed", "abandoned"]);
    expect(late.attempts[1]!.cancel_due).toBe(true);
    expect(late.usage.billed_attempts).toBe(1);
    // The second finishes too, during the copy: it is paid for, not used.
    const both = transition(late, { type: "observed", index: 1, task: completed }, t0 + 6000, policy);
    expect(both.copy!.attempt).toBe(0);
    expect(both.usage).toMatchObject({ billed_attempts: 2, estimated_cost_usd: 1 });
  });

  it("keeps waiting on a stuck task when no other provider could take it", () => {
    const single = accepted(job(), "evolink", "evo-1");
    const after = transition({ ...single, attempts: [{ ...single.attempts[0]!, start_deadline_at: t0 }] }, { type: "stuck", index: 0 }, t0 + 1, policy);
    expect(after.attempts[0]!.status).toBe("running");
    expect(after.submit).toBeNull();
  });

  it("does not call a running or paused task stuck", () => {
    const runningTask = accepted(two, "evolink", "evo-1", processing);
    expect(dueWork(runningTask, t0 + 600_000)).not.toEqual({ kind: "stuck", index: 0 });
    const paused = accepted(two, "dashscope", "ds-1", { state: "paused", progress: null, upstreamStatus: "SUSPENDED" });
    expect(transition(paused, { type: "stuck", index: 0 }, t0 + 700_000, policy)).toBe(paused);
  });

  it("copies several outputs in index order and retries only the missing ones", () => {
    const many = transition(running, { type: "observed", index: 0, task: { state: "completed", urls: ["u0", "u1", "u2"], upstreamStatus: "SUCCEEDED" } }, t0, policy);
    const second = transition(many, { type: "output_copied", output: { ...output, index: 1 } }, t0, policy);
    const failedCopy = transition(second, { type: "copy_failed", error: { code: "output_download_failed", message: "cut", retryable: true } }, t0, policy);
    expect(failedCopy.copy!.done.map((copied) => copied.index)).toEqual([1]);
    const third = transition(failedCopy, { type: "output_copied", output: { ...output, index: 0 } }, t0, policy);
    expect(transition(third, { type: "output_copied", output: { ...output, index: 0 } }, t0, policy)).toBe(third);
    const finished = transition(third, { type: "output_copied", output: { ...output, index: 2 } }, t0, policy);
    expect(finished.status).toBe("completed");
    expect(finished.outputs.map((copied) => copied.index)).toEqual([0, 1, 2]);
  });

  it("fails over when a provider's file cannot be stored whole after every retry", () => {
    const first = accepted(two, "evolink", "evo-1");
    const copyingTwo = transition(first, { type: "observed", index: 0, task: completed }, t0, policy);
    const exhausted = transition({ ...copyingTwo, copy: { ...copyingTwo.copy!, tries: 4 } }, { type: "copy_failed", error: { code: "output_incomplete", message: "cut", retryable: true } }, t0, policy);
    expect(exhausted).toMatchObject({ status: "running", copy: null, provider_cursor: 1, submit: { due_at: t0 } });
  });

  it("stops after maxAttempts attempts that may bill", () => {
    let state: JobRecord = two;
    for (const provider of ["evolink", "dashscope", "evolink"] as const) {
      state = accepted(state, provider, `t-${state.attempts.length}`, processing);
      state = transition(state, { type: "observed", index: state.attempts.length - 1, task: failedWith(genFailed) }, t0, policy);
    }
    expect(state.status).toBe("failed");
    expect(state.attempts).toHaveLength(3);
  });
});

describe("job schedule", () => {
  it.each([
    ["queued: the submit", job(), t0],
    ["running: the next read", running, running.attempts[0]!.due!.due_at],
    ["copying: the copy, ignoring the deadline", { ...copying, deadline_at: t0 }, copying.copy!.due_at],
    ["terminal: its settlement with the tenant's account (and its poster)", done, t0 + 6_000],
    ["terminal, settled, variants made, kept forever: nothing", { ...transition(done, { type: "settled", indexes: [0], final: true }, t0 + 6_001, policy), variants: null }, null],
  ])("wakes for %s", (_name, record, expected) => {
    expect(nextWakeAt(record)).toBe(expected);
  });

  it("does owed cancels first, then the copy, the deadline, and a read", () => {
    expect(dueWork(copying, t0 + 10_000_000)).toEqual({ kind: "copy" });
    expect(dueWork(running, t0 + 1_800_000)).toEqual({ kind: "deadline" });
    const due = running.attempts[0]!.due!.due_at;
    expect(dueWork(running, due)).toEqual({ kind: "poll", index: 0 });
    expect(dueWork(running, due - 1)).toBeNull();
    const canceled = transition(running, { type: "cancel" }, t0, policy);
    expect(dueWork(canceled, t0)).toEqual({ kind: "cancel_upstream", index: 0 });
    const sent = transition(canceled, { type: "cancel_sent", index: 0 }, t0, policy);
    expect(dueWork(sent, t0)).toEqual({ kind: "settle" });
    expect(dueWork(transition(sent, { type: "settled", indexes: [], final: true }, t0, policy), t0)).toBeNull();
  });
});

describe("never failing while a paid result may still arrive", () => {
  const outOfTries: JobRecord = job({ providers: ["evolink", "dashscope"] });

  it("waits for a task it walked away from before failing, and takes its result", () => {
    const first = accepted(outOfTries, "evolink", "evo-1");
    const stuck = transition({ ...first, attempts: [{ ...first.attempts[0]!, start_deadline_at: t0 }] }, { type: "stuck", index: 0 }, t0 + 1, policy);
    const second = accepted(stuck, "dashscope", "ds-1", processing);
    // dashscope fails and no provider is left: the job does not fail while evo-1 may finish
    const waiting = transition(second, { type: "observed", index: 1, task: failedWith({ ...genFailed, retryable: false }) }, t0 + 2, policy);
    expect(waiting.status).toBe("running");
    expect(waiting.submit).toBeNull();
    const late = transition(waiting, { type: "observed", index: 0, task: completed }, t0 + 3, policy);
    expect(late.copy).toMatchObject({ attempt: 0 });
  });

  it("fails once the task it waited on ends without a result", () => {
    const first = accepted(outOfTries, "evolink", "evo-1");
    const stuck = transition({ ...first, attempts: [{ ...first.attempts[0]!, start_deadline_at: t0 }] }, { type: "stuck", index: 0 }, t0 + 1, policy);
    const second = accepted(stuck, "dashscope", "ds-1", processing);
    const waiting = transition(second, { type: "observed", index: 1, task: failedWith({ ...genFailed, retryable: false }) }, t0 + 2, policy);
    const failed = transition(waiting, { type: "observed", index: 0, task: failedWith(genFailed) }, t0 + 3, policy);
    expect(failed.status).toBe("failed");
    expect(failed.error?.code).toBe("upstream_generation_failed");
  });

  it("records a second task a create answer names after a callback was adopted", () => {
    const creating = transition(job(), started(), t0, policy);
    const adopted = transition(creating, { type: "callback", provider: "evolink", upstreamId: "from-callback" }, t0 + 1, policy);
    const answered = transition(adopted, { type: "created", index: 0, upstreamId: "from-answer", task: pending }, t0 + 2, policy);
    expect(answered.attempts.map((attempt) => [attempt.upstream_id, attempt.status])).toEqual([["from-callback", "running"], ["from-answer", "abandoned"]]);
    expect(answered.attempts[1]!.cancel_due).toBe(true);
  });
});

describe("media lifecycle (job-media-transition)", () => {
  const day = 86_400_000;
  const settled = transition(done, { type: "settled", indexes: [0], final: true }, t0 + 6_001, policy);
  const kept = { ...settled, variants: null, media: { access: "public" as const, link_ttl_seconds: 3600, retention_days: 2 }, uploads: ["upl_aaaaaaaaaaaaaaaaaaaa"] };
  const deleted = transition(kept, { type: "delete" }, t0 + 7_000, policy);
  const expired = transition(kept, { type: "expire" }, t0 + 2 * day, policy);

  it.each<[string, JobRecord, JobEvent, number, (after: JobRecord) => void]>([
    ["a first-frame video completes with its poster due at once", copying, { type: "output_copied", output }, t0 + 6_000, (after) => expect(after.variants).toEqual({ tries: 0, due_at: t0 + 6_000 })],
    [
      "a continuation video has no poster to make",
      { ...copying, input: { first_clip: "https://e.com/c.mp4", mode: "video_continuation", resolution: "720p", duration: 5, prompt_extend: false, watermark: false } },
      { type: "output_copied", output },
      t0,
      (after) => expect([after.status, after.variants]).toEqual(["completed", null]),
    ],
    [
      "an image output gets its thumbnail due",
      { ...copying, model: "wan2.7-image-pro", input: { prompt: "p", images: [], size: "2K", n: 1, enable_sequential: false, thinking_mode: false, watermark: false } },
      { type: "output_copied", output: { ...output, content_type: "image/png", key: "o/0.png" } },
      t0,
      (after) => expect(after.variants?.due_at).toBe(t0),
    ],
    [
      "variants made: their keys on the outputs, nothing more due",
      done,
      { type: "variants_made", variants: [{ index: 0, poster_key: "o/0.poster.png", thumbnail_key: "o/0.thumb.webp" }] },
      t0 + 7_000,
      (after) => {
        expect(after.outputs[0]).toMatchObject({ key: "o/0.mp4", poster_key: "o/0.poster.png", thumbnail_key: "o/0.thumb.webp" });
        expect(after.variants).toBeNull();
      },
    ],
    ["a running job is not deleted (cancel first)", running, { type: "delete" }, t0, (after) => expect(after).toBe(running)],
    [
      "a finished job is deleted: deleted_at, its removal due now, no variants any more",
      done,
      { type: "delete" },
      t0 + 7_000,
      (after) => expect([after.deleted_at, after.purge, after.variants, after.status]).toEqual([new Date(t0 + 7_000).toISOString(), { tries: 0, due_at: t0 + 7_000 }, null, "completed"]),
    ],
    ["deleting twice changes nothing", deleted, { type: "delete" }, t0 + 9_000, (after) => expect(after).toBe(deleted)],
    ["expiry before its time changes nothing", kept, { type: "expire" }, t0 + 2 * day - 1, (after) => expect(after).toBe(kept)],
    ["expiry at its time: expired_at and removal due", kept, { type: "expire" }, t0 + 2 * day, (after) => expect([after.expired_at, after.purge?.due_at]).toEqual([new Date(t0 + 2 * day).toISOString(), t0 + 2 * day])],
    ["no retention: never expires", { ...kept, media: { ...kept.media, retention_days: null } }, { type: "expire" }, t0 + 5000 * day, (after) => expect(after.expired_at ?? null).toBeNull()],
    ["a deleted job does not expire as well", deleted, { type: "expire" }, t0 + 9 * day, (after) => expect(after).toBe(deleted)],
    ["removal done: nothing due, its uploads released", deleted, { type: "media_purged" }, t0 + 8_000, (after) => expect([after.purge, after.uploads]).toEqual([null, []])],
    ["removal failed: tried again with backoff, never given up", deleted, { type: "purge_failed", error: { code: "media_purge_failed", message: "r2", retryable: true } }, t0 + 8_000, (after) => expect(after.purge).toEqual({ tries: 1, due_at: t0 + 13_000 })],
    ["variants that finish after a deletion are not recorded", { ...deleted, variants: { tries: 0, due_at: t0 } }, { type: "variants_made", variants: [{ index: 0, thumbnail_key: "x" }] }, t0, (after) => expect(after.outputs[0]!.thumbnail_key).toBeUndefined()],
  ])("%s", (_name, from, event, now, check) => {
    check(transition(from, event, now, policy));
  });

  it("backs a failing removal off up to an hour", () => {
    let state = deleted;
    for (let tries = 0; tries < 20; tries++) state = transition(state, { type: "purge_failed", error: { code: "x", message: "x", retryable: true } }, t0, policy);
    expect(state.purge).toEqual({ tries: 20, due_at: t0 + 3_600_000 });
  });

  it("wakes a finished job at its expiry, and removes media before anything else", () => {
    expect(nextWakeAt(kept)).toBe(t0 + 2 * day);
    expect(dueWork(kept, t0 + 2 * day - 1)).toBeNull();
    expect(dueWork(kept, t0 + 2 * day)).toEqual({ kind: "expire" });
    expect(dueWork(expired, t0 + 2 * day)).toEqual({ kind: "purge_media" });
    const purged = transition(expired, { type: "media_purged" }, t0 + 2 * day, policy);
    expect(nextWakeAt(purged)).toBeNull();
    const withCancelOwed = { ...deleted, variants: { tries: 0, due_at: t0 }, attempts: deleted.attempts.map((attempt) => ({ ...attempt, cancel_due: true })) };
    expect(dueWork(withCancelOwed, t0 + 7_000)).toEqual({ kind: "cancel_upstream", index: 0 });
    expect(dueWork({ ...withCancelOwed, attempts: deleted.attempts }, t0 + 7_000)).toEqual({ kind: "purge_media" });
  });
});
