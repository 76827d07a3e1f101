/**
 * @module callbacks.test
 * EvoLink callback delivery: when it fires, what it carries, the 1/2/4 s retries, and the
 * drop/duplicate/delay/shuffle faults. Time is virtual, so none of this waits for real.
 */
import { describe, expect, it } from "vitest";
import { VALID_VIDEO_BODY, createHarness, createdTaskId } from "./test-harness";

const CALLBACK_URL = "https://gateway.example/callbacks/evolink?token=abc";
const WITH_CALLBACK = { ...VALID_VIDEO_BODY, callback_url: CALLBACK_URL };

interface TaskRecord {
  id: string;
  callbacks: Array<{ kind: string; attempt: number; at: number; status: number | null; dropped?: boolean; error?: string }>;
}

const record = async (harness: ReturnType<typeof createHarness>, id: string) =>
  (await harness.tasks()).find((task) => task.id === id) as unknown as TaskRecord;

describe("EvoLink callbacks", () => {
  it("POSTs the task-query JSON once the task completes, not before", async () => {
    const harness = createHarness();
    const createdAt = harness.now();
    const id = await createdTaskId(harness, WITH_CALLBACK);
    await harness.advance(1999);
    expect(harness.callbacks).toEqual([]);
    await harness.runTimers();
    expect(harness.callbacks).toHaveLength(1);
    const [callback] = harness.callbacks;
    expect(callback?.url).toBe(CALLBACK_URL);
    expect(callback?.at).toBe(createdAt + 2000);
    expect(callback?.headers["content-type"]).toBe("application/json");
    expect(callback?.body).toEqual(await (await harness.getTask(id)).json());
    expect(callback?.body).toMatchObject({ id, status: "completed", results: [expect.any(String)] });
    expect((await record(harness, id)).callbacks).toEqual([
      { url: CALLBACK_URL, kind: "terminal", attempt: 1, at: createdAt + 2000, status: 200 },
    ]);
  });

  it("sends failed tasks' callbacks with the error", async () => {
    const harness = createHarness();
    await harness.putFaults({ fail_rate: 1, fail_code: "generation_timeout" });
    await createdTaskId(harness, WITH_CALLBACK);
    await harness.runTimers();
    expect(harness.callbacks[0]?.body).toMatchObject({ status: "failed", error: { code: "generation_timeout" } });
  });

  it("retries after a non-2xx or a network error at 1, 2 and 4 s, then stops", async () => {
    const harness = createHarness();
    harness.respondToCallbacks((call) => (call === 2 ? "network-error" : 503));
    const createdAt = harness.now();
    const id = await createdTaskId(harness, WITH_CALLBACK);
    await harness.runTimers();
    const terminal = createdAt + 2000;
    expect(harness.callbacks.map((callback) => callback.at)).toEqual([terminal, terminal + 1000, terminal + 3000, terminal + 7000]);
    expect((await record(harness, id)).callbacks.map(({ attempt, status, error }) => ({ attempt, status, error }))).toEqual([
      { attempt: 1, status: 503, error: undefined },
      { attempt: 2, status: null, error: "Network connection lost." },
      { attempt: 3, status: 503, error: undefined },
      { attempt: 4, status: 503, error: undefined },
    ]);
  });

  it("stops retrying at the first 2xx", async () => {
    const harness = createHarness();
    harness.respondToCallbacks((call) => (call < 3 ? 500 : 204));
    await createdTaskId(harness, WITH_CALLBACK);
    await harness.runTimers();
    expect(harness.callbacks).toHaveLength(3);
  });

  it("sends extra identical copies under callback_duplicates", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "evolink", callback_duplicates: 2 });
    const id = await createdTaskId(harness, WITH_CALLBACK);
    await harness.runTimers();
    expect(harness.callbacks).toHaveLength(3);
    expect(new Set(harness.callbacks.map((callback) => JSON.stringify(callback.body))).size).toBe(1);
    expect((await record(harness, id)).callbacks.map((attempt) => attempt.kind)).toEqual(["terminal", "duplicate", "duplicate"]);
  });

  it("sends a stale processing body after the completed one under callback_shuffle", async () => {
    const harness = createHarness();
    await harness.putFaults({ callback_shuffle: true });
    await createdTaskId(harness, WITH_CALLBACK);
    await harness.runTimers();
    expect(harness.callbacks.map((callback) => callback.body.status)).toEqual(["completed", "processing"]);
  });

  it("delays delivery by callback_delay_ms", async () => {
    const harness = createHarness();
    await harness.putFaults({ callback_delay_ms: 30_000 });
    const createdAt = harness.now();
    await createdTaskId(harness, WITH_CALLBACK);
    await harness.runTimers();
    expect(harness.callbacks[0]?.at).toBe(createdAt + 32_000);
  });

  it("never sends under callback_drop_rate 1, and says so in the task record", async () => {
    const harness = createHarness();
    await harness.putFaults({ callback_drop_rate: 1 });
    const id = await createdTaskId(harness, WITH_CALLBACK);
    await harness.runTimers();
    expect(harness.callbacks).toEqual([]);
    expect((await record(harness, id)).callbacks).toMatchObject([{ kind: "terminal", attempt: 0, dropped: true }]);
  });

  it("sends nothing for tasks forgotten by DELETE /__control/state", async () => {
    const harness = createHarness();
    await createdTaskId(harness, WITH_CALLBACK);
    await harness.request("DELETE", "/__control/state");
    await harness.runTimers();
    expect(harness.callbacks).toEqual([]);
  });

  it("sends nothing without a callback_url", async () => {
    const harness = createHarness();
    await createdTaskId(harness);
    await harness.runTimers();
    expect(harness.callbacks).toEqual([]);
  });
});
