/**
 * @module shortapi.test
 * The ShortAPI personality against seed 004 and providers.md §5: job creation (job_id in
 * `data` and top-level), numeric statuses 0/1/2/3, `result.videos[].url`, HTTP-200 errors
 * with a non-zero `code`, real HTTP errors for auth/credit/rate/availability, callbacks.
 */
import { describe, expect, it } from "vitest";
import { START, createHarness, expectOutputsMatch, taskRecord, type Harness } from "./test-harness";

const AUTH = { authorization: "Bearer sk-short-test" };
const CREATE = "/shortapi/api/v1/job/create";
const FRAME = "https://example.com/first.png";
const CALLBACK = "https://gateway.example/callbacks/shortapi?token=t";
const MODEL = "alibaba/wan-2.7/image-to-video";
const BODY = { model: MODEL, args: { prompt: "waves", first_frame_image: FRAME } };

type Json = Record<string, any>;
const post = (h: Harness, body: unknown, headers: Record<string, string> = AUTH) => h.request("POST", CREATE, { body, headers });
const query = (h: Harness, id: string) => h.request("GET", `/shortapi/api/v1/job/query?id=${encodeURIComponent(id)}`, { headers: AUTH });
const getJob = async (h: Harness, id: string) => (await (await query(h, id)).json()) as Json;
async function createdId(h: Harness, body: unknown = BODY): Promise<string> {
  const response = await post(h, body);
  const json = (await response.json()) as Json;
  if (response.status !== 200 || json.code !== 0) throw new Error(`create failed: ${JSON.stringify(json)}`);
  return json.data.job_id as string;
}
/** An in-body refusal: HTTP 200, a non-zero code, the text in `info` (the fixtures' shape). */
async function expectApiError(response: Response, code: number): Promise<void> {
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ code, info: expect.any(String) });
}
async function expectHttpError(response: Response, status: number): Promise<Json> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as Json;
  expect(body).toEqual({ code: status, message: expect.any(String) });
  return body;
}

describe("ShortAPI jobs", () => {
  it("answers create with code 0, the amount and job_id in data and top-level", async () => {
    const h = createHarness();
    const response = await post(h, BODY);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Json;
    expect(body).toEqual({ code: 0, data: { amount: "0.43", job_id: expect.stringMatching(/^[0-9a-f]{32}$/) }, job_id: body.data.job_id });
    const long = (await (await post(h, { ...BODY, args: { ...BODY.args, duration: 15 } })).json()) as Json;
    expect(long.data.amount).toBe("1.28");
  });

  it("goes status 0 → 1 → 2 with result.videos[].url and a valid MP4", async () => {
    const h = createHarness();
    const id = await createdId(h);
    expect(await getJob(h, id)).toEqual({ code: 0, data: { job_id: id, status: 0, result: null } });
    await h.advance(1000);
    expect(await getJob(h, id)).toEqual({ code: 0, data: { job_id: id, status: 1, result: null } });
    await h.advance(1000);
    const done = await getJob(h, id);
    expect(done).toEqual({ code: 0, data: { job_id: id, status: 2, result: { videos: [{ url: expect.any(String) }] } } });
    await expectOutputsMatch(h, id, [done.data.result.videos[0].url], "video");
  });

  it("ends with status 3 and data.error under fail_rate", async () => {
    const h = createHarness();
    await h.putFaults({ provider: "shortapi", fail_rate: 1, duration_ms: 10 });
    const id = await createdId(h);
    await h.advance(10);
    expect(await getJob(h, id)).toEqual({ code: 0, data: { job_id: id, status: 3, result: null, error: expect.any(String) } });
  });

  it("applies ShortAPI's defaults (1080p, 5 s, prompt_extend off) and accepts the six combinations", async () => {
    const h = createHarness();
    const id = await createdId(h);
    expect((await taskRecord(h, id)).data.request).toMatchObject({ resolution: "1080p", duration: 5, promptExtend: false, combination: "first_frame" });
    const [audio, clip] = ["https://e.com/a.mp3", "https://e.com/c.mp4"];
    for (const args of [
      { first_frame_image: FRAME, driving_audio_url: audio },
      { first_frame_image: FRAME, last_frame_image: FRAME },
      { first_frame_image: FRAME, last_frame_image: FRAME, driving_audio_url: audio, prompt_extend: "true" },
      { first_clip_video_url: clip },
      { first_clip_video_url: clip, last_frame_image: FRAME, resolution: "720p", duration: 2 },
    ]) await createdId(h, { model: MODEL, args });
  });

  it.each<[string, unknown]>([
    ["another model", { ...BODY, model: "alibaba/wan-2.6/image-to-video" }],
    ["no materials", { model: MODEL, args: { prompt: "x" } }],
    ["last frame alone", { model: MODEL, args: { last_frame_image: FRAME } }],
    ["frame and clip", { model: MODEL, args: { first_frame_image: FRAME, first_clip_video_url: "https://e.com/c.mp4" } }],
    ["clip and audio", { model: MODEL, args: { first_clip_video_url: "https://e.com/c.mp4", driving_audio_url: "https://e.com/a.mp3" } }],
    ["duration 16", { ...BODY, args: { ...BODY.args, duration: 16 } }],
    ["resolution 1080P", { ...BODY, args: { ...BODY.args, resolution: "1080P" } }],
    ["prompt_extend yes", { ...BODY, args: { ...BODY.args, prompt_extend: "yes" } }],
    ["negative_prompt over 500", { ...BODY, args: { ...BODY.args, negative_prompt: "x".repeat(501) } }],
    ["callback_url not a URL", { ...BODY, callback_url: "nope" }],
    ["not JSON", "{nope"],
  ])("answers %s with HTTP 200 and a non-zero code", async (_name, body) => {
    await expectApiError(await post(createHarness(), body), 400);
  });

  it("answers a query without id or for an unknown job with a non-zero code", async () => {
    const h = createHarness();
    await expectApiError(await h.request("GET", "/shortapi/api/v1/job/query", { headers: AUTH }), 400);
    await expectApiError(await query(h, "unknown"), 404);
  });
});

describe("ShortAPI HTTP errors", () => {
  it("answers 401 without a Bearer key", async () => {
    const h = createHarness();
    await expectHttpError(await post(h, BODY, {}), 401);
    await expectHttpError(await h.request("GET", "/shortapi/api/v1/job/query?id=x"), 401);
  });

  it("answers HTTP 402 insufficient balance when credit is exhausted", async () => {
    const h = createHarness();
    await h.putFaults({ provider: "shortapi", credit_exhausted: true });
    expect(await expectHttpError(await post(h, BODY), 402)).toEqual({ code: 402, message: "insufficient balance" });
  });

  it.each([429, 500, 503])("answers submit_status %i as a real HTTP status", async (status) => {
    const h = createHarness();
    await h.putFaults({ provider: "shortapi", submit_status: status });
    await expectHttpError(await post(h, BODY), status);
    expect(await h.tasks()).toEqual([]);
  });

  it("answers queries with 500 or 503 under status_error_rate", async () => {
    const h = createHarness();
    const id = await createdId(h);
    await h.putFaults({ provider: "shortapi", status_error_rate: 1, seed: 2 });
    const statuses = new Set<number>();
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const response = await query(h, id);
      statuses.add(response.status);
      await expectHttpError(response, response.status);
    }
    expect([...statuses].sort()).toEqual([500, 503]);
  });
});

describe("ShortAPI callbacks", () => {
  it("POSTs the query JSON to callback_url on completion", async () => {
    const h = createHarness();
    const id = await createdId(h, { ...BODY, callback_url: CALLBACK });
    await h.runTimers();
    expect(h.callbacks).toHaveLength(1);
    expect(h.callbacks[0]).toMatchObject({ url: CALLBACK, at: START + 2000 });
    expect(h.callbacks[0]?.body).toEqual(await getJob(h, id));
    expect(h.callbacks[0]?.body).toMatchObject({ code: 0, data: { status: 2 } });
  });

  it("POSTs failed jobs too, once (no documented retries)", async () => {
    const h = createHarness();
    h.respondToCallbacks(() => 500);
    await h.putFaults({ provider: "shortapi", fail_rate: 1 });
    await createdId(h, { ...BODY, callback_url: CALLBACK });
    await h.runTimers();
    expect(h.callbacks).toHaveLength(1);
    expect(h.callbacks[0]?.body).toMatchObject({ code: 0, data: { status: 3, error: expect.any(String) } });
  });

  it("honours callback_shuffle and callback_delay_ms", async () => {
    const h = createHarness();
    await h.putFaults({ provider: "shortapi", callback_shuffle: true, callback_delay_ms: 1000 });
    await createdId(h, { ...BODY, callback_url: CALLBACK });
    await h.runTimers();
    expect(h.callbacks.map((callback) => [callback.at - START, (callback.body.data as Json).status])).toEqual([[3000, 2], [3000, 1]]);
  });
});
