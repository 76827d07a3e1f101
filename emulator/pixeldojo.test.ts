/**
 * @module pixeldojo.test
 * The PixelDojo personality against seeds 000/001 and providers.md §3: job creation with
 * credit costs, pending → processing → completed (`output` and `assets`), failed jobs,
 * webhooks, and the `{"error":{code,message,status}}` errors.
 */
import { describe, expect, it } from "vitest";
import { START, createHarness, expectOutputsMatch, taskRecord, type Harness } from "./test-harness";

const AUTH = { authorization: "Bearer pd_test" };
const I2V = "/pixeldojo/api/v1/models/wan-2.7-i2v/run";
const IMAGE = "/pixeldojo/api/v1/models/wan-2.7-image-pro/run";
const FRAME = "https://example.com/first.png";
const CLIP = "https://example.com/clip.mp4";
const AUDIO = "https://example.com/a.mp3";
const WEBHOOK = "https://gateway.example/hooks/pixeldojo?token=t";
const I2V_BODY = { prompt: "waves", image_url: FRAME, duration: 5 };

type Json = Record<string, any>;
const post = (h: Harness, path: string, body: unknown, headers: Record<string, string> = AUTH) => h.request("POST", path, { body, headers });
const getJob = async (h: Harness, id: string) => (await (await h.request("GET", `/pixeldojo/api/v1/jobs/${id}`, { headers: AUTH })).json()) as Json;
async function created(h: Harness, path: string, body: unknown): Promise<Json> {
  const response = await post(h, path, body);
  if (response.status !== 200) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Json;
}
async function expectError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(await response.json()).toEqual({ error: { code, message: expect.any(String), status } });
}

describe("PixelDojo wan-2.7-i2v", () => {
  it("answers run with jobId, statusUrl and the per-second credit cost", async () => {
    const h = createHarness();
    const job = await created(h, I2V, I2V_BODY);
    expect(job).toEqual({
      jobId: expect.stringMatching(/^job_[a-z0-9]{24}$/),
      status: "pending",
      statusUrl: `http://emulator.test/pixeldojo/api/v1/jobs/${job.jobId}`,
      creditCost: 13,
      creditsRemaining: 10_000 - 13,
    });
    const hd = await created(h, I2V, { ...I2V_BODY, resolution: "1080p", duration: 10 });
    expect(hd).toMatchObject({ creditCost: 30, creditsRemaining: 10_000 - 43 });
  });

  it("goes pending → processing → completed with output.video, assets and a valid MP4", async () => {
    const h = createHarness();
    const { jobId } = await created(h, I2V, I2V_BODY);
    expect(await getJob(h, jobId)).toEqual({ jobId, status: "pending", creditCost: 13 });
    await h.advance(1000);
    expect(await getJob(h, jobId)).toEqual({ jobId, status: "processing", creditCost: 13 });
    await h.advance(1000);
    const done = await getJob(h, jobId);
    expect(done).toEqual({ jobId, status: "completed", creditCost: 13, output: { video: expect.any(String) }, assets: [{ url: done.output.video }] });
    await expectOutputsMatch(h, jobId, [done.output.video], "video");
  });

  it("applies PixelDojo's defaults: image-to-video, 720p, 5 s, no prompt expansion", async () => {
    const h = createHarness();
    const { jobId } = await created(h, I2V, { image_url: FRAME });
    expect((await taskRecord(h, jobId)).data.request).toMatchObject({ mode: "image-to-video", resolution: "720p", duration: 5, promptExpansion: false });
  });

  it("accepts the six material combinations (audio as audio_url) and a prompt-only request", async () => {
    const h = createHarness();
    const bodies = [
      { image_url: FRAME },
      { image_url: FRAME, audio_url: AUDIO },
      { image_url: FRAME, last_frame_url: FRAME },
      { image_url: FRAME, last_frame_url: FRAME, audio_url: AUDIO },
      { mode: "video-extend", video_url: CLIP },
      { mode: "video-extend", video_url: CLIP, last_frame_url: FRAME },
      { prompt: "text only", aspect_ratio: "9:16" },
    ];
    for (const body of bodies) expect((await post(h, I2V, body)).status, JSON.stringify(body)).toBe(200);
  });

  it.each<[string, unknown]>([
    ["video_url without video-extend", { video_url: CLIP }],
    ["video-extend without video_url", { mode: "video-extend", image_url: FRAME }],
    ["video-extend with image_url", { mode: "video-extend", video_url: CLIP, image_url: FRAME }],
    ["video-extend with audio", { mode: "video-extend", video_url: CLIP, audio_url: AUDIO }],
    ["last frame alone", { last_frame_url: FRAME, prompt: "x" }],
    ["nothing at all", {}],
    ["unknown mode", { ...I2V_BODY, mode: "text-to-video" }],
    ["resolution 4k", { ...I2V_BODY, resolution: "4k" }],
    ["uppercase 1080P", { ...I2V_BODY, resolution: "1080P" }],
    ["duration 16", { ...I2V_BODY, duration: 16 }],
    ["duration as a string", { ...I2V_BODY, duration: "5" }],
    ["prompt over 5000", { ...I2V_BODY, prompt: "x".repeat(5001) }],
    ["image_url not a URL", { image_url: "first.png" }],
    ["webhook_url not a URL", { ...I2V_BODY, webhook_url: "nope" }],
  ])("rejects %s with 400 invalid_request", async (_name, body) => {
    await expectError(await post(createHarness(), I2V, body), 400, "invalid_request");
  });
});

describe("PixelDojo wan-2.7-image-pro", () => {
  it("produces n PNGs in output.images[] and assets, at 2 credits per image", async () => {
    const h = createHarness();
    const job = await created(h, IMAGE, { prompt: "a fox", n: 3 });
    expect(job).toMatchObject({ status: "pending", creditCost: 6 });
    await h.advance(2000);
    const done = await getJob(h, job.jobId);
    expect(done.output.images).toHaveLength(3);
    expect(done.assets).toEqual((done.output.images as string[]).map((url) => ({ url })));
    await expectOutputsMatch(h, job.jobId, done.output.images, "image");
  });

  it("defaults to one 2K image and accepts image_urls, sets of 12, 4K text-to-image and palettes", async () => {
    const h = createHarness();
    const single = await created(h, IMAGE, { prompt: "a fox", aspect_ratio: "1:1" });
    expect(single.creditCost).toBe(2);
    expect((await taskRecord(h, single.jobId)).data.request).toMatchObject({ n: 1, size: { label: "2K" }, thinkingMode: false });
    const palette = ["#112233", "#445566", "#778899", "#AABBCC"].map((hex) => ({ hex, ratio: "25.00%" }));
    for (const body of [
      { prompt: "edit", image_urls: [FRAME, FRAME] },
      { prompt: "a set", n: 12, enable_sequential: true },
      { prompt: "big", size: "4K", thinking_mode: true, seed: 2147483647 },
      { prompt: "colours", color_palette: palette, size: "1024*1024" },
    ]) expect((await post(h, IMAGE, body)).status, JSON.stringify(body)).toBe(200);
  });

  it.each<[string, unknown]>([
    ["no prompt", { n: 1 }],
    ["n 5 without a set", { prompt: "x", n: 5 }],
    ["n 13 in a set", { prompt: "x", n: 13, enable_sequential: true }],
    ["4K image-to-image", { prompt: "x", size: "4K", image_urls: [FRAME] }],
    ["4K set", { prompt: "x", size: "4K", enable_sequential: true }],
    ["size 8K", { prompt: "x", size: "8K" }],
    ["ten input images", { prompt: "x", image_urls: Array.from({ length: 10 }, () => FRAME) }],
    ["image_urls as a string", { prompt: "x", image_urls: FRAME }],
    ["palette of two", { prompt: "x", color_palette: [{ hex: "#000000", ratio: "50.00%" }, { hex: "#FFFFFF", ratio: "50.00%" }] }],
    ["seed out of range", { prompt: "x", seed: 2147483648 }],
  ])("rejects %s with 400 invalid_request", async (_name, body) => {
    await expectError(await post(createHarness(), IMAGE, body), 400, "invalid_request");
  });
});

describe("PixelDojo errors and faults", () => {
  it("answers 401 unauthorized without a Bearer key, 404 model_not_found for other models", async () => {
    const h = createHarness();
    await expectError(await post(h, I2V, I2V_BODY, {}), 401, "unauthorized");
    await expectError(await h.request("GET", "/pixeldojo/api/v1/jobs/job_x"), 401, "unauthorized");
    await expectError(await post(h, "/pixeldojo/api/v1/models/wan-2.6-i2v/run", I2V_BODY), 404, "model_not_found");
    await expectError(await post(h, I2V, "{nope"), 400, "invalid_request");
    const unknown = await h.request("GET", "/pixeldojo/api/v1/jobs/job_unknown", { headers: AUTH });
    expect(unknown.status).toBe(404);
  });

  it("answers 402 insufficient_credits when credit is exhausted", async () => {
    const h = createHarness();
    await h.putFaults({ provider: "pixeldojo", credit_exhausted: true });
    await expectError(await post(h, I2V, I2V_BODY), 402, "insufficient_credits");
    await expectError(await post(h, IMAGE, { prompt: "x" }), 402, "insufficient_credits");
  });

  it("answers 429 rate_limited with X-RateLimit-* headers", async () => {
    const h = createHarness();
    await h.putFaults({ provider: "pixeldojo", submit_status: 429 });
    const response = await post(h, I2V, I2V_BODY);
    expect(response.headers.get("x-ratelimit-limit")).toBe("60");
    expect(response.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(response.headers.get("x-ratelimit-reset"))).toBe(Math.ceil(START / 1000) + 60);
    await expectError(response, 429, "rate_limited");
    expect(await h.tasks()).toEqual([]);
  });

  it("answers submit_status 500 with internal_error, and status queries with 500/503 under status_error_rate", async () => {
    const h = createHarness();
    const { jobId } = await created(h, I2V, I2V_BODY);
    await h.putFaults({ provider: "pixeldojo", submit_status: 500, status_error_rate: 1, seed: 5 });
    await expectError(await post(h, I2V, I2V_BODY), 500, "internal_error");
    const statuses = new Set<number>();
    for (let query = 0; query < 12; query += 1) {
      const response = await h.request("GET", `/pixeldojo/api/v1/jobs/${jobId}`, { headers: AUTH });
      statuses.add(response.status);
      await expectError(response, response.status, response.status === 500 ? "internal_error" : "service_unavailable");
    }
    expect([...statuses].sort()).toEqual([500, 503]);
  });

  it("ends failed with an error under fail_rate", async () => {
    const h = createHarness();
    await h.putFaults({ provider: "pixeldojo", fail_rate: 1, fail_code: "content_policy_violation", duration_ms: 50 });
    const { jobId } = await created(h, I2V, I2V_BODY);
    await h.advance(50);
    expect(await getJob(h, jobId)).toEqual({ jobId, status: "failed", creditCost: 13, error: expect.any(String) });
  });
});

describe("PixelDojo webhooks", () => {
  it("POSTs the job JSON to webhook_url on completion", async () => {
    const h = createHarness();
    const { jobId } = await created(h, IMAGE, { prompt: "a fox", n: 2, webhook_url: WEBHOOK });
    await h.runTimers();
    expect(h.callbacks).toHaveLength(1);
    expect(h.callbacks[0]?.url).toBe(WEBHOOK);
    expect(h.callbacks[0]?.body).toEqual(await getJob(h, jobId));
    expect(h.callbacks[0]?.body).toMatchObject({ status: "completed", output: { images: [expect.any(String), expect.any(String)] } });
  });

  it("POSTs failed jobs too, and retries a few times on errors", async () => {
    const h = createHarness();
    h.respondToCallbacks(() => 502);
    await h.putFaults({ provider: "pixeldojo", fail_rate: 1 });
    const { jobId } = await created(h, I2V, { ...I2V_BODY, webhook_url: WEBHOOK });
    await h.runTimers();
    expect(h.callbacks.map((callback) => callback.at - START)).toEqual([2000, 4000, 14_000, 44_000]);
    expect(h.callbacks[0]?.body).toMatchObject({ jobId, status: "failed", error: expect.any(String) });
  });

  it("honours the callback faults (duplicates, drop)", async () => {
    const h = createHarness();
    await h.putFaults({ provider: "pixeldojo", callback_duplicates: 1 });
    await created(h, I2V, { ...I2V_BODY, webhook_url: WEBHOOK });
    await h.runTimers();
    expect(h.callbacks).toHaveLength(2);
    await h.putFaults({ provider: "pixeldojo", callback_drop_rate: 1 });
    const { jobId } = await created(h, I2V, { ...I2V_BODY, webhook_url: WEBHOOK });
    await h.runTimers();
    expect(h.callbacks).toHaveLength(2);
    expect((await taskRecord(h, jobId)).callbacks).toMatchObject([{ dropped: true }]);
  });
});
