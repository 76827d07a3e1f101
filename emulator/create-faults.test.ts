/**
 * @module create-faults.test
 * What can happen to a create call besides an HTTP error: a provider-specific refusal of a
 * request our side accepts (`create_rejection_rate`), an accepted create whose answer never
 * arrives (`submit_hang_rate` / `submit_hang_ms`), and EvoLink's Idempotency-Key, which turns
 * a retried create into the first one's task instead of a second billed task.
 */
import { describe, expect, it } from "vitest";
import { START, VALID_VIDEO_BODY, createHarness, type Harness } from "./test-harness";

type Json = Record<string, unknown>;

/** One valid create per provider, as its adapter would send it. */
const CREATES: Record<string, { path: string; body: Json }> = {
  dashscope: {
    path: "/dashscope/api/v1/services/aigc/video-generation/video-synthesis",
    body: { model: "wan2.7-i2v", input: { media: [{ type: "first_frame", url: "https://x/a.png" }] } },
  },
  evolink: { path: "/evolink/v1/videos/generations", body: VALID_VIDEO_BODY },
  pixeldojo: { path: "/pixeldojo/api/v1/models/wan-2.7-i2v/run", body: { image_url: "https://x/a.png" } },
  aimlapi: { path: "/aimlapi/v2/video/generations", body: { model: "alibaba/wan-2-7-i2v", prompt: "p", image_url: "https://x/a.png" } },
  shortapi: { path: "/shortapi/api/v1/job/create", body: { model: "alibaba/wan-2.7/image-to-video", args: { first_frame_image: "https://x/a.png" } } },
};

function create(h: Harness, provider: string, headers: Record<string, string> = {}, body?: Json): Promise<Response> {
  const call = CREATES[provider] as { path: string; body: Json };
  return h.request("POST", call.path, { body: body ?? call.body, headers: { authorization: "Bearer key-a", "x-dashscope-async": "enable", ...headers } });
}

describe("create_rejection_rate", () => {
  it.each([
    ["pixeldojo", 404, { error: { code: "model_not_found", message: "Model 'wan-2.7-i2v' not found", status: 404 } }],
    ["shortapi", 200, { code: 10001, info: "invalid model: alibaba/wan-2.7/image-to-video" }],
    ["dashscope", 400, { code: "InvalidParameter", message: "Model not exist.", request_id: expect.any(String) }],
    ["evolink", 403, { error: { code: "key_model_not_allowed", message: expect.any(String), type: "permission_error" } }],
    ["aimlapi", 400, { message: expect.stringMatching(/^Body validation error\nInvalid enum value/), statusCode: 400 }],
  ])("%s refuses a valid create in its own words (HTTP %i), and no task exists", async (provider, status, body) => {
    const harness = createHarness();
    await harness.putFaults({ provider, create_rejection_rate: 1 });
    const response = await create(harness, provider);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject(body);
    expect(await harness.tasks()).toEqual([]);
  });

  it("refuses only the share the rate picks, and a body our validation rejects stays a plain 400", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "pixeldojo", create_rejection_rate: 0.5, seed: 5 });
    const statuses = [];
    for (let index = 0; index < 16; index += 1) statuses.push((await create(harness, "pixeldojo")).status);
    expect(new Set(statuses)).toEqual(new Set([200, 404]));
    expect((await create(harness, "pixeldojo", {}, { image_url: "https://x/a.png", duration: 99 })).status).toBe(400);
  });
});

describe("submit_hang_rate", () => {
  it.each(Object.keys(CREATES))("%s: the task is created and runs, but the answer is withheld and then dropped", async (provider) => {
    const harness = createHarness();
    await harness.putFaults({ provider, submit_hang_rate: 1, submit_hang_ms: 30_000 });
    let answered = false;
    const pending = create(harness, provider).then((response) => {
      answered = true;
      return response;
    });
    await harness.advance(29_999);
    expect(answered).toBe(false);
    // The provider has the task: it runs to completion and bills whether or not we heard back.
    expect(await harness.tasks()).toEqual([expect.objectContaining({ provider, status: "completed", create_answer: "withheld" })]);
    await harness.advance(1);
    const response = await pending;
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it("drops the connection at once with submit_hang_ms 0, and keeps submit_delay_ms before it", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "evolink", submit_delay_ms: 500, submit_hang_rate: 1, submit_hang_ms: 0 });
    const response = await harness.drive(create(harness, "evolink"));
    expect(harness.now()).toBe(START + 500);
    await expect(response.json()).rejects.toThrow();
    const [task] = await harness.tasks();
    expect(task).toMatchObject({ created_at: START + 500, create_answer: "withheld" });
  });

  it("still calls back for a task whose create answer was lost", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "evolink", submit_hang_rate: 1, submit_hang_ms: 60_000 });
    void create(harness, "evolink", {}, { ...VALID_VIDEO_BODY, callback_url: "https://gw.test/cb" });
    await harness.advance(2000);
    await harness.advance(0);
    expect(harness.callbacks).toEqual([expect.objectContaining({ url: "https://gw.test/cb", body: expect.objectContaining({ status: "completed" }) })]);
  });
});

describe("EvoLink Idempotency-Key", () => {
  it("answers a repeated key with the first task: same id, no second task, marked as a replay", async () => {
    const harness = createHarness();
    const first = await create(harness, "evolink", { "idempotency-key": "job-1/attempt-1" });
    const firstBody = (await first.json()) as Json;
    expect(first.headers.get("idempotency-replayed")).toBeNull();
    await harness.advance(1000);
    const again = await create(harness, "evolink", { "idempotency-key": "job-1/attempt-1" });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotency-replayed")).toBe("true");
    expect(await again.json()).toEqual(firstBody);
    expect(await harness.tasks()).toEqual([expect.objectContaining({ id: firstBody.id, idempotency_key: "job-1/attempt-1", replays: 1 })]);
  });

  it("scopes keys per API key and keeps them 24 h", async () => {
    const harness = createHarness();
    const key = { "idempotency-key": "k" };
    const id = ((await (await create(harness, "evolink", key)).json()) as Json).id;
    const other = ((await (await create(harness, "evolink", { ...key, authorization: "Bearer key-b" })).json()) as Json).id;
    expect(other).not.toBe(id);
    await harness.advance(24 * 3_600_000 - 1);
    expect(((await (await create(harness, "evolink", key)).json()) as Json).id).toBe(id);
    await harness.advance(1);
    expect(((await (await create(harness, "evolink", key)).json()) as Json).id).not.toBe(id);
    expect((await harness.tasks()).length).toBe(3);
  });

  it("recovers a create whose answer was lost: the retry with the same key gets the running task", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "evolink", submit_hang_rate: 1, submit_hang_ms: 20_000 });
    const lost = create(harness, "evolink", { "idempotency-key": "job-7" });
    await harness.advance(20_000);
    await expect((await lost).json()).rejects.toThrow();
    await harness.putFaults({ provider: "evolink" });
    const retry = await create(harness, "evolink", { "idempotency-key": "job-7" });
    const [task] = await harness.tasks();
    expect(await retry.json()).toMatchObject({ id: (task as Json).id });
    expect(await harness.tasks()).toEqual([expect.objectContaining({ create_answer: "withheld", replays: 1, idempotency_key: "job-7" })]);
  });

  it("makes a new task for a create without a key, and for a key whose first create was refused", async () => {
    const harness = createHarness();
    await create(harness, "evolink");
    await create(harness, "evolink");
    await harness.putFaults({ provider: "evolink", credit_exhausted: true });
    expect((await create(harness, "evolink", { "idempotency-key": "x" })).status).toBe(402);
    await harness.putFaults({ provider: "evolink" });
    expect((await create(harness, "evolink", { "idempotency-key": "x" })).headers.get("idempotency-replayed")).toBeNull();
    expect((await harness.tasks()).length).toBe(3);
  });
});
