/**
 * @module aimlapi.test
 * The AI/ML API personality against seed 002 and providers.md §4: the async video
 * generation (queued → generating → completed | error), the synchronous image-pro call,
 * strict body validation, and the `{message,path,requestId,statusCode,timestamp}` errors
 * (403 for an empty balance).
 */
import { describe, expect, it } from "vitest";
import { START, createHarness, expectOutputsMatch, taskRecord, type Harness } from "./test-harness";

const AUTH = { authorization: "Bearer aiml-test" };
const VIDEO = "/aimlapi/v2/video/generations";
const IMAGE = "/aimlapi/v1/images/generations";
const FRAME = "https://example.com/first.png";
const VIDEO_BODY = { model: "alibaba/wan-2-7-i2v", prompt: "waves", image_url: FRAME };
const IMAGE_BODY = { model: "alibaba/wan-2-7-image-pro", prompt: "a fox" };

type Json = Record<string, any>;
const post = (h: Harness, path: string, body: unknown, headers: Record<string, string> = AUTH) => h.request("POST", path, { body, headers });
const poll = (h: Harness, id: string) => h.request("GET", `${VIDEO}?generation_id=${encodeURIComponent(id)}`, { headers: AUTH });
const getGeneration = async (h: Harness, id: string) => (await (await poll(h, id)).json()) as Json;
async function createdId(h: Harness, body: unknown = VIDEO_BODY): Promise<string> {
  const response = await post(h, VIDEO, body);
  if (response.status !== 200) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as Json).id as string;
}
async function expectError(response: Response, status: number, path: string, message: string | RegExp = /./): Promise<void> {
  expect(response.status).toBe(status);
  expect(await response.json()).toEqual({
    message: typeof message === "string" ? message : expect.stringMatching(message),
    path,
    requestId: expect.any(String),
    statusCode: status,
    timestamp: new Date(START).toISOString(),
  });
}

describe("AI/ML API video generations", () => {
  it("answers create with {id, status: queued}", async () => {
    const response = await post(createHarness(), VIDEO, VIDEO_BODY);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{21}$/), status: "queued" });
  });

  it("goes queued → generating → completed with video.url, usage and a valid MP4", async () => {
    const h = createHarness();
    const id = await createdId(h);
    expect(await getGeneration(h, id)).toEqual({ id, status: "queued", video: null, error: null, meta: null });
    await h.advance(1000);
    expect(await getGeneration(h, id)).toMatchObject({ status: "generating", video: null, meta: null });
    await h.advance(1000);
    const done = await getGeneration(h, id);
    expect(done).toEqual({
      id,
      status: "completed",
      video: { url: expect.any(String) },
      error: null,
      meta: { usage: { credits_used: expect.any(Number), usd_spent: expect.any(Number) } },
    });
    await expectOutputsMatch(h, id, [done.video.url], "video");
  });

  it("applies the defaults (1080p, 10 s, prompt expansion on) and takes duration as a numeric string", async () => {
    const h = createHarness();
    const first = await createdId(h);
    const second = await createdId(h, { ...VIDEO_BODY, duration: "5", resolution: "720p", enhance_prompt: false, audio_url: "https://e.com/a.mp3", negative_prompt: "blur", seed: 9, watermark: true });
    expect((await taskRecord(h, first)).data.request).toMatchObject({ resolution: "1080p", duration: 10, promptExpansion: true, watermark: false });
    expect((await taskRecord(h, second)).data.request).toMatchObject({ resolution: "720p", duration: 5, promptExpansion: false, seed: 9 });
  });

  it("ends with status error and error {name, message} under fail_rate", async () => {
    const h = createHarness();
    await h.putFaults({ provider: "aimlapi", fail_rate: 1, duration_ms: 10 });
    const id = await createdId(h);
    await h.advance(10);
    expect(await getGeneration(h, id)).toEqual({ id, status: "error", video: null, error: { name: "GenerationError", message: expect.any(String) }, meta: null });
  });

  it.each<[string, unknown]>([
    ["no prompt", { model: VIDEO_BODY.model, image_url: FRAME }],
    ["no image_url", { model: VIDEO_BODY.model, prompt: "x" }],
    ["a last frame", { ...VIDEO_BODY, last_frame_url: FRAME }],
    ["a continuation clip", { ...VIDEO_BODY, video_url: "https://e.com/c.mp4" }],
    ["a callback_url", { ...VIDEO_BODY, callback_url: "https://gateway.example/cb" }],
    ["duration 7", { ...VIDEO_BODY, duration: 7 }],
    ["duration '7'", { ...VIDEO_BODY, duration: "7" }],
    ["resolution 1080P", { ...VIDEO_BODY, resolution: "1080P" }],
    ["negative_prompt over 500", { ...VIDEO_BODY, negative_prompt: "x".repeat(501) }],
    ["another model", { ...VIDEO_BODY, model: "alibaba/wan2.7-i2v" }],
    ["a string seed", { ...VIDEO_BODY, seed: "1" }],
  ])("rejects %s with 400 Body validation error", async (_name, body) => {
    await expectError(await post(createHarness(), VIDEO, body), 400, "/v2/video/generations", /^Body validation error/);
  });

  it("answers a poll without generation_id with 400 and an unknown id with 404", async () => {
    const h = createHarness();
    await expectError(await h.request("GET", VIDEO, { headers: AUTH }), 400, "/v2/video/generations");
    await expectError(await poll(h, "nope"), 404, "/v2/video/generations");
  });
});

describe("AI/ML API synchronous image-pro", () => {
  it("waits duration_ms, then answers 200 {data:[{url}], meta.usage} with a valid PNG", async () => {
    const h = createHarness();
    const pending = post(h, IMAGE, { ...IMAGE_BODY, image_urls: [FRAME], image_size: { width: 1024, height: 768 }, seed: 3 });
    const response = await h.drive(pending);
    expect(h.now()).toBe(START + 2000);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Json;
    expect(body).toEqual({ data: [{ url: expect.any(String) }], meta: { usage: { credits_used: expect.any(Number), usd_spent: 0.0975 } } });
    const [task] = await h.tasks();
    expect(task?.status).toBe("completed");
    await expectOutputsMatch(h, task?.id as string, [body.data[0].url], "image");
  });

  it("honours duration_ms and answers a failed generation with the error body", async () => {
    const h = createHarness();
    await h.putFaults({ provider: "aimlapi", duration_ms: 500, fail_rate: 1, fail_code: 422 });
    const response = await h.drive(post(h, IMAGE, IMAGE_BODY));
    expect(h.now()).toBe(START + 500);
    expect(response.status).toBe(422);
    const body = (await response.json()) as Json;
    expect(body).toMatchObject({ message: expect.stringMatching(/^Generation failed/), path: "/v1/images/generations", statusCode: 422 });
    await h.putFaults({ provider: "aimlapi", duration_ms: 0, fail_rate: 1 });
    expect((await post(h, IMAGE, IMAGE_BODY)).status).toBe(500);
  });

  it.each<[string, unknown]>([
    ["no prompt", { model: IMAGE_BODY.model }],
    ["prompt over 2000", { ...IMAGE_BODY, prompt: "x".repeat(2001) }],
    ["four input images", { ...IMAGE_BODY, image_urls: [FRAME, FRAME, FRAME, FRAME] }],
    ["empty image_urls", { ...IMAGE_BODY, image_urls: [] }],
    ["a 4K size", { ...IMAGE_BODY, image_size: "4K" }],
    ["width not a multiple of 32", { ...IMAGE_BODY, image_size: { width: 1000, height: 768 } }],
    ["height over 1440", { ...IMAGE_BODY, image_size: { width: 1024, height: 1472 } }],
    ["n", { ...IMAGE_BODY, n: 2 }],
    ["thinking_mode", { ...IMAGE_BODY, thinking_mode: true }],
  ])("rejects %s with 400 Body validation error", async (_name, body) => {
    await expectError(await post(createHarness(), IMAGE, body), 400, "/v1/images/generations", /^Body validation error/);
  });
});

describe("AI/ML API errors and faults", () => {
  it("answers 401 without a Bearer key", async () => {
    const h = createHarness();
    await expectError(await post(h, VIDEO, VIDEO_BODY, {}), 401, "/v2/video/generations");
    await expectError(await post(h, IMAGE, IMAGE_BODY, {}), 401, "/v1/images/generations");
  });

  it("answers 403 'You've run out of credits' when credit is exhausted, on both endpoints", async () => {
    const h = createHarness();
    await h.putFaults({ provider: "aimlapi", credit_exhausted: true });
    await expectError(await post(h, VIDEO, VIDEO_BODY), 403, "/v2/video/generations", /^You've run out of credits/);
    await expectError(await post(h, IMAGE, IMAGE_BODY), 403, "/v1/images/generations", /^You've run out of credits/);
    expect(await h.tasks()).toEqual([]);
  });

  it.each([429, 500, 503])("answers submit_status %i on both endpoints", async (status) => {
    const h = createHarness();
    await h.putFaults({ provider: "aimlapi", submit_status: status });
    await expectError(await post(h, VIDEO, VIDEO_BODY), status, "/v2/video/generations");
    await expectError(await post(h, IMAGE, IMAGE_BODY), status, "/v1/images/generations");
  });

  it("answers polls with 500 or 503 under status_error_rate", async () => {
    const h = createHarness();
    const id = await createdId(h);
    await h.putFaults({ provider: "aimlapi", status_error_rate: 1, seed: 11 });
    const statuses = new Set<number>();
    for (let query = 0; query < 12; query += 1) statuses.add((await poll(h, id)).status);
    expect([...statuses].sort()).toEqual([500, 503]);
  });
});
