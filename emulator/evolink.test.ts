/**
 * @module evolink.test
 * The EvoLink personality against its documented protocol: task lifecycle, response shapes
 * and every error envelope the gateway must understand.
 */
import { describe, expect, it } from "vitest";
import { START, VALID_VIDEO_BODY, createHarness, createdTaskId } from "./test-harness";

const CREATE = "/evolink/v1/videos/generations";

describe("EvoLink task lifecycle", () => {
  it("creates a pending task with EvoLink's create response", async () => {
    const harness = createHarness();
    const response = await harness.createVideo({ ...VALID_VIDEO_BODY, duration: 10, quality: "1080p" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.id).toMatch(new RegExp(`^task-unified-${Math.floor(START / 1000)}-[a-z0-9]{8}$`));
    expect(body).toMatchObject({
      created: Math.floor(START / 1000),
      model: "wan2.7-image-to-video",
      object: "video.generation.task",
      progress: 0,
      status: "pending",
      task_info: { can_cancel: true, estimated_time: 2 },
      type: "video",
      usage: { billing_rule: "per_call", user_group: "default" },
    });
  });

  it("advances pending → processing → completed with the injected clock", async () => {
    const harness = createHarness();
    const id = await createdTaskId(harness);
    const read = async () => (await (await harness.getTask(id)).json()) as Record<string, unknown>;

    expect(await read()).toMatchObject({ id, status: "pending", progress: 0, task_info: { can_cancel: true, video_duration: 5 } });
    await harness.advance(1000);
    expect(await read()).toMatchObject({ status: "processing", progress: 50, task_info: { can_cancel: true } });
    await harness.advance(999);
    expect(await read()).toMatchObject({ status: "processing", progress: 99 });
    await harness.advance(1);
    const completed = await read();
    expect(completed).toMatchObject({ status: "completed", progress: 100, task_info: { can_cancel: false } });
    expect(completed.results).toEqual([expect.stringMatching(new RegExp(`^http://emulator.test/files/evolink/${id}/0.mp4\\?expires=\\d+$`))]);
  });

  it("honours duration_ms and ends failed with the planned EvoLink failure code", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "evolink", fail_rate: 1, fail_code: "content_policy_violation", duration_ms: 100 });
    const id = await createdTaskId(harness);
    await harness.advance(100);
    const body = (await (await harness.getTask(id)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: "failed",
      progress: 0,
      error: { code: "content_policy_violation", message: expect.any(String) },
    });
    expect(body.results).toBeUndefined();
  });

  it("accepts each of the six documented material combinations and infers the mode", async () => {
    const harness = createHarness();
    const image = "https://example.com/a.png";
    const media = { video: ["https://example.com/clip.mp4"], audio: ["https://example.com/a.mp3"] };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ image_start: image }, "first_frame"],
      [{ image_start: image, audio_urls: media.audio }, "first_frame"],
      [{ image_start: image, image_end: image }, "first_last_frame"],
      [{ image_start: image, image_end: image, audio_urls: media.audio }, "first_last_frame"],
      [{ video_urls: media.video }, "video_continuation"],
      [{ video_urls: media.video, image_end: image }, "video_continuation"],
    ];
    for (const [materials, mode] of cases) {
      const response = await harness.createVideo({ model: "wan2.7-image-to-video", ...materials });
      expect(response.status, JSON.stringify(materials)).toBe(200);
      const explicit = await harness.createVideo({ model: "wan2.7-image-to-video", generation_mode: mode, ...materials });
      expect(explicit.status, `${mode} ${JSON.stringify(materials)}`).toBe(200);
    }
    const modes = (await harness.tasks()).map((task) => (task.data as { request: { generationMode: string } }).request.generationMode);
    expect(modes).toEqual(cases.flatMap(([, mode]) => [mode, mode]));
  });

  it("accepts an http callback_url (local development relaxation) and resolution as an alias of quality", async () => {
    const harness = createHarness();
    const response = await harness.createVideo({ ...VALID_VIDEO_BODY, resolution: "1080p", callback_url: "http://127.0.0.1:8787/cb" });
    expect(response.status).toBe(200);
  });
});

describe("EvoLink errors", () => {
  const image = "https://example.com/a.png";
  const invalidBodies: Array<[string, Record<string, unknown>, string]> = [
    ["missing model", { image_start: image }, "model"],
    ["another model", { ...VALID_VIDEO_BODY, model: "wan2.6-image-to-video" }, "model"],
    ["unknown generation_mode", { ...VALID_VIDEO_BODY, generation_mode: "text" }, "generation_mode"],
    ["no materials", { model: "wan2.7-image-to-video", prompt: "x" }, "image_start"],
    ["image_end alone", { model: "wan2.7-image-to-video", image_end: image }, "image_start"],
    ["first_frame with image_end", { ...VALID_VIDEO_BODY, generation_mode: "first_frame", image_end: image }, "image_end"],
    ["first_last_frame without image_end", { ...VALID_VIDEO_BODY, generation_mode: "first_last_frame" }, "image_end"],
    ["continuation with image_start", { ...VALID_VIDEO_BODY, video_urls: ["https://e.com/v.mp4"] }, "image_start"],
    ["continuation with audio", { model: "wan2.7-image-to-video", video_urls: ["https://e.com/v.mp4"], audio_urls: ["https://e.com/a.mp3"] }, "audio_urls"],
    ["two videos", { model: "wan2.7-image-to-video", video_urls: ["https://e.com/1.mp4", "https://e.com/2.mp4"] }, "video_urls"],
    ["audio not an array", { ...VALID_VIDEO_BODY, audio_urls: "https://e.com/a.mp3" }, "audio_urls"],
    ["prompt not a string", { ...VALID_VIDEO_BODY, prompt: 5 }, "prompt"],
    ["quality 4k", { ...VALID_VIDEO_BODY, quality: "4k" }, "quality"],
    ["quality and resolution disagree", { ...VALID_VIDEO_BODY, quality: "720p", resolution: "1080p" }, "quality"],
    ["duration 1", { ...VALID_VIDEO_BODY, duration: 1 }, "duration"],
    ["duration 16", { ...VALID_VIDEO_BODY, duration: 16 }, "duration"],
    ["duration 5.5", { ...VALID_VIDEO_BODY, duration: 5.5 }, "duration"],
    ["seed 0", { ...VALID_VIDEO_BODY, seed: 0 }, "seed"],
    ["seed too large", { ...VALID_VIDEO_BODY, seed: 2147483648 }, "seed"],
    ["prompt_extend not boolean", { ...VALID_VIDEO_BODY, prompt_extend: "yes" }, "prompt_extend"],
    ["callback_url not http(s)", { ...VALID_VIDEO_BODY, callback_url: "ftp://e.com/cb" }, "callback_url"],
    ["callback_url too long", { ...VALID_VIDEO_BODY, callback_url: `https://e.com/${"a".repeat(2040)}` }, "callback_url"],
  ];

  it.each(invalidBodies)("rejects %s with 400 invalid_request_error", async (_name, body, param) => {
    const harness = createHarness();
    const response = await harness.createVideo(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 400, message: expect.any(String), type: "invalid_request_error", param },
    });
  });

  it("rejects a body that is not JSON with 400", async () => {
    const harness = createHarness();
    const response = await harness.request("POST", CREATE, { body: "{nope", headers: { authorization: "Bearer k" } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400, type: "invalid_request_error" } });
  });

  it.each<Record<string, string>>([{}, { authorization: "Bearer " }, { authorization: "Basic abc" }])("answers 401 to %j", async (headers) => {
    const harness = createHarness();
    for (const response of [
      await harness.request("POST", CREATE, { body: VALID_VIDEO_BODY, headers }),
      await harness.request("GET", "/evolink/v1/tasks/task-unified-1-abcdefgh", { headers }),
    ]) {
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { code: 401, message: expect.any(String), type: "authentication_error" },
      });
    }
  });

  it("answers 402 insufficient_quota_error when credits are exhausted", async () => {
    const harness = createHarness();
    await harness.putFaults({ credit_exhausted: true });
    const response = await harness.createVideo();
    expect(response.status).toBe(402);
    expect(await response.json()).toEqual({
      error: { code: 402, message: expect.any(String), type: "insufficient_quota_error" },
    });
  });

  it("answers 429 with Retry-After and a fallback suggestion", async () => {
    const harness = createHarness();
    await harness.putFaults({ submit_status: 429 });
    const response = await harness.createVideo();
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toEqual({
      error: { code: 429, message: expect.any(String), type: "rate_limit_error", fallback_suggestion: "retry after 1 seconds" },
    });
  });

  it.each([
    [500, "internal_server_error"],
    [502, "upstream_error"],
    [503, "service_unavailable_error"],
  ])("answers submit_status %i with type %s", async (status, type) => {
    const harness = createHarness();
    await harness.putFaults({ submit_status: status });
    const response = await harness.createVideo();
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: { code: status, message: expect.any(String), type } });
    expect(await harness.tasks()).toEqual([]);
  });

  it("answers 400 invalid_task_id to a malformed id and 404 not_found_error to an unknown one", async () => {
    const harness = createHarness();
    const malformed = await harness.getTask("job-123");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      error: {
        code: "invalid_task_id",
        message: "Invalid task ID format, must start with 'task-unified-'",
        type: "invalid_request_error",
        param: "task_id",
      },
    });
    const unknown = await harness.getTask("task-unified-1757169743-7cvnl5zw");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 404, type: "not_found_error" } });
  });

  it("answers status queries with 500 or 503 under status_error_rate", async () => {
    const harness = createHarness();
    const id = await createdTaskId(harness);
    await harness.putFaults({ status_error_rate: 1, seed: 7 });
    const statuses = new Set<number>();
    for (let query = 0; query < 20; query += 1) {
      const response = await harness.getTask(id);
      statuses.add(response.status);
      const body = (await response.json()) as { error: { type: string } };
      expect(body.error.type).toBe(response.status === 500 ? "internal_server_error" : "service_unavailable_error");
    }
    expect([...statuses].sort()).toEqual([500, 503]);
  });
});
