/**
 * @module control.test
 * The control API: fault plan validation, scoping and reset, seeded replay, the request log,
 * the task listing and state reset, health.
 */
import { describe, expect, it } from "vitest";
import { mediaHead, naturalMedia } from "./core/media-stream";
import { START, VALID_VIDEO_BODY, createHarness, createdTaskId } from "./test-harness";

describe("PUT /__control/faults", () => {
  it.each([
    [[1, 2], "must be a JSON object"],
    [{ fail_rate: 1.5 }, "fail_rate must be a number from 0 to 1"],
    [{ fail_rte: 1 }, 'unknown fault field "fail_rte"'],
    [{ provider: "nobody", fail_rate: 1 }, "provider must be one of: dashscope, evolink, pixeldojo, aimlapi, shortapi"],
    [{ submit_status: 200 }, "submit_status must be an integer from 400 to 599"],
    [{ callback_shuffle: "yes" }, "callback_shuffle must be a boolean"],
    [{ media_bytes: 20_000 }, "media_bytes must be an integer from 65536"],
    [{ media_cut: "clean" }, "media_cut must be one of: error, short"],
    [{ status_vocabulary: "universal" }, "status_vocabulary needs a plan scoped to one of: pixeldojo, aimlapi"],
    [{ provider: "dashscope", result_shape: "images" }, "result_shape needs a plan scoped to one of: evolink, pixeldojo, shortapi"],
    [{ provider: "shortapi", result_shape: "result_data" }, "result_shape must be one of: videos, images (for shortapi)"],
    [{ provider: "pixeldojo", progress_format: 45 }, "progress_format must be a string"],
    [{ submit_hang_ms: -1 }, "submit_hang_ms must be an integer from 0 to 3600000"],
    [{ fail_code: "" }, "fail_code must be a non-empty string or an integer"],
  ])("rejects %j with 400 and a clear message", async (plan, message) => {
    const harness = createHarness();
    const response = await harness.putFaults(plan);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain(message);
  });

  it("rejects a body that is not JSON", async () => {
    const harness = createHarness();
    expect((await harness.request("PUT", "/__control/faults", { body: "nope" })).status).toBe(400);
  });

  it("scopes a plan to one provider, overriding the global plan field by field", async () => {
    const harness = createHarness();
    await harness.putFaults({ fail_rate: 1, duration_ms: 10 });
    await harness.putFaults({ provider: "evolink", fail_rate: 0 });
    expect(await (await harness.request("GET", "/__control/faults")).json()).toEqual({
      global: { fail_rate: 1, duration_ms: 10 },
      providers: { evolink: { fail_rate: 0 } },
    });
    const id = await createdTaskId(harness);
    await harness.advance(10);
    expect(await (await harness.getTask(id)).json()).toMatchObject({ status: "completed" });
  });

  it("replaces, rather than merges, a scope's plan", async () => {
    const harness = createHarness();
    await harness.putFaults({ credit_exhausted: true });
    await harness.putFaults({ duration_ms: 5 });
    expect((await harness.createVideo()).status).toBe(200);
  });

  it("resets every plan with DELETE", async () => {
    const harness = createHarness();
    await harness.putFaults({ submit_status: 503 });
    await harness.putFaults({ provider: "evolink", credit_exhausted: true });
    expect((await harness.request("DELETE", "/__control/faults")).status).toBe(200);
    expect(await (await harness.request("GET", "/__control/faults")).json()).toEqual({ global: {}, providers: {} });
    expect((await harness.createVideo()).status).toBe(200);
  });

  it("replays the same rate decisions from the same seed", async () => {
    const harness = createHarness();
    const run = async () => {
      await harness.putFaults({ submit_status: 503, submit_rate: 0.5, seed: 1234 });
      const statuses: number[] = [];
      for (let call = 0; call < 24; call += 1) statuses.push((await harness.createVideo()).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(200);
    expect(first).toContain(503);
    expect(await run()).toEqual(first);
  });
});

describe("log, tasks and state", () => {
  it("logs every provider request, and no control or file request", async () => {
    const harness = createHarness();
    const id = await createdTaskId(harness);
    await harness.getTask(id);
    await harness.request("GET", "/__control/tasks");
    const log = (await (await harness.request("GET", "/__control/log")).json()) as Array<Record<string, unknown>>;
    expect(log).toEqual([
      {
        provider: "evolink",
        method: "POST",
        path: "/evolink/v1/videos/generations",
        headers: expect.objectContaining({ authorization: "Bearer sk-evo-test" }),
        body: VALID_VIDEO_BODY,
        at: START,
        status: 200,
      },
      expect.objectContaining({ provider: "evolink", method: "GET", path: `/evolink/v1/tasks/${id}`, body: null, status: 200 }),
    ]);
  });

  it("logs rejected requests too, with their status", async () => {
    const harness = createHarness();
    await harness.request("POST", "/evolink/v1/videos/generations", { body: VALID_VIDEO_BODY });
    const log = (await (await harness.request("GET", "/__control/log")).json()) as Array<Record<string, unknown>>;
    expect(log).toMatchObject([{ provider: "evolink", status: 401 }]);
  });

  it("lists tasks with status, outputs and hashes", async () => {
    const harness = createHarness();
    const id = await createdTaskId(harness);
    expect(await harness.tasks()).toEqual([
      expect.objectContaining({
        provider: "evolink",
        id,
        status: "pending",
        output_sha256: [expect.stringMatching(/^[0-9a-f]{64}$/)],
        output_bytes: [expect.any(Number)],
        idempotency_key: null,
        create_answer: "sent",
        replays: 0,
        callbacks: [],
      }),
    ]);
  });

  it("forgets tasks and logs with DELETE /__control/state, but keeps the fault plan", async () => {
    const harness = createHarness();
    await harness.putFaults({ duration_ms: 1 });
    const id = await createdTaskId(harness);
    expect((await harness.request("DELETE", "/__control/state")).status).toBe(200);
    expect(await harness.tasks()).toEqual([]);
    expect(await (await harness.request("GET", "/__control/log")).json()).toEqual([]);
    expect((await harness.getTask(id)).status).toBe(404);
    expect(await (await harness.request("GET", "/__control/faults")).json()).toMatchObject({ global: { duration_ms: 1 } });
  });

  it("reports health with the personalities at / and /__control/health", async () => {
    const harness = createHarness();
    for (const path of ["/", "/__control/health"]) {
      const response = await harness.request("GET", path);
      expect(response.status).toBe(200);
      const names = ["dashscope", "evolink", "pixeldojo", "aimlapi", "shortapi"];
      expect(await response.json()).toMatchObject({ ok: true, personalities: names.map((name) => ({ name, prefix: `/${name}` })) });
    }
  });

  it("answers 404 JSON to unknown routes", async () => {
    const harness = createHarness();
    expect((await harness.request("GET", "/nowhere")).status).toBe(404);
  });
});

describe("media head", () => {
  it("uses a 64-bit free box size beyond 4 GiB", () => {
    const media = { kind: "video" as const, seed: 1, width: 1280, height: 720, seconds: 5 };
    const clip = naturalMedia(media).length;
    const total = clip + 5 * 2 ** 30;
    const head = mediaHead({ ...media, totalBytes: total });
    const view = new DataView(head.buffer, clip);
    expect(head.length).toBe(clip + 16);
    expect(view.getUint32(0)).toBe(1);
    expect(view.getBigUint64(8)).toBe(BigInt(5 * 2 ** 30));
  });
});
