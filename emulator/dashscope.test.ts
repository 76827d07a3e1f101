/**
 * @module dashscope.test
 * The DashScope personality against providers.md §1: async create (video and image-pro),
 * PENDING → RUNNING → SUCCEEDED with real media, FAILED, CANCELED, UNKNOWN, and the
 * `{code, message, request_id}` errors, including 400 Arrearage for an empty account.
 */
import { describe, expect, it } from "vitest";
import { createHarness, expectOutputsMatch, type Harness } from "./test-harness";

const AUTH = { authorization: "Bearer sk-dashscope-test" };
const ASYNC = { ...AUTH, "x-dashscope-async": "enable" };
const VIDEO = "/dashscope/api/v1/services/aigc/video-generation/video-synthesis";
const IMAGE = "/dashscope/api/v1/services/aigc/image-generation/generation";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FRAME = "https://example.com/first.png";
const media = (...items: Array<[string, string]>) => items.map(([type, url]) => ({ type, url }));
const VIDEO_BODY = { model: "wan2.7-i2v", input: { prompt: "a cat", media: media(["first_frame", FRAME]) } };
const imageBody = (parameters: Record<string, unknown> = {}, content: unknown[] = [{ text: "a fox" }]) => ({
  model: "wan2.7-image-pro",
  input: { messages: [{ role: "user", content }] },
  parameters,
});

type Json = Record<string, any>;
const post = (h: Harness, path: string, body: unknown, headers: Record<string, string> = ASYNC) => h.request("POST", path, { body, headers });
const getTask = async (h: Harness, id: string) => (await (await h.request("GET", `/dashscope/api/v1/tasks/${id}`, { headers: AUTH })).json()) as Json;
async function created(h: Harness, path: string, body: unknown): Promise<string> {
  const response = await post(h, path, body);
  if (response.status !== 200) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as Json).output.task_id as string;
}
async function expectError(response: Response, status: number, code: string): Promise<Json> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as Json;
  expect(body).toEqual({ code, message: expect.any(String), request_id: expect.stringMatching(UUID) });
  return body;
}

describe("DashScope wan2.7-i2v", () => {
  it("answers create with request_id and a PENDING task_id", async () => {
    const h = createHarness();
    const response = await post(h, VIDEO, VIDEO_BODY);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      request_id: expect.stringMatching(UUID),
      output: { task_id: expect.stringMatching(UUID), task_status: "PENDING" },
    });
  });

  it("goes PENDING → RUNNING → SUCCEEDED with video_url, usage and a valid MP4", async () => {
    const h = createHarness();
    const id = await created(h, VIDEO, VIDEO_BODY);
    const pending = await getTask(h, id);
    expect(pending.output).toEqual({ task_id: id, task_status: "PENDING", submit_time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/) });
    await h.advance(600);
    const running = await getTask(h, id);
    expect(running.output).toMatchObject({ task_status: "RUNNING", scheduled_time: expect.any(String) });
    expect(running.output.progress).toBeUndefined();
    await h.advance(1400);
    const done = await getTask(h, id);
    expect(done.output).toMatchObject({ task_status: "SUCCEEDED", end_time: expect.any(String), orig_prompt: "a cat", video_url: expect.stringContaining(`/files/dashscope/${id}/0.mp4?expires=`) });
    expect(done.usage).toEqual({ duration: 5, input_video_duration: 0, output_video_duration: 5, video_count: 1, SR: 1080 });
    await expectOutputsMatch(h, id, [done.output.video_url], "video");
  });

  it("applies DashScope's defaults: 1080P, 5 s, prompt_extend on, no watermark", async () => {
    const h = createHarness();
    await created(h, VIDEO, VIDEO_BODY);
    await created(h, VIDEO, { ...VIDEO_BODY, parameters: { resolution: "720P", duration: 15, prompt_extend: false, watermark: true, seed: 0 } });
    const requests = (await h.tasks()).map((task) => (task.data as Json).request);
    expect(requests[0]).toMatchObject({ resolution: "1080P", duration: 5, promptExtend: true, watermark: false, seed: null });
    expect(requests[1]).toMatchObject({ resolution: "720P", duration: 15, promptExtend: false, watermark: true, seed: 0 });
  });

  it("accepts the six media combinations and rejects the others", async () => {
    const h = createHarness();
    const ff: [string, string] = ["first_frame", FRAME];
    const lf: [string, string] = ["last_frame", FRAME];
    const au: [string, string] = ["driving_audio", "https://e.com/a.mp3"];
    const fc: [string, string] = ["first_clip", "https://e.com/c.mp4"];
    const accepted = [[ff], [ff, au], [ff, lf], [ff, lf, au], [fc], [fc, lf]];
    for (const items of accepted) expect((await post(h, VIDEO, { model: "wan2.7-i2v", input: { media: media(...items) } })).status).toBe(200);
    const rejected = [[lf], [au], [ff, fc], [fc, au], [fc, lf, au], [ff, ff], []];
    for (const items of rejected) await expectError(await post(h, VIDEO, { model: "wan2.7-i2v", input: { media: media(...items) } }), 400, "InvalidParameter");
  });

  it.each<[string, unknown, string]>([
    ["lowercase resolution", { ...VIDEO_BODY, parameters: { resolution: "1080p" } }, "InvalidParameter"],
    ["duration 16", { ...VIDEO_BODY, parameters: { duration: 16 } }, "InvalidParameter"],
    ["duration 1", { ...VIDEO_BODY, parameters: { duration: 1 } }, "InvalidParameter"],
    ["seed -1", { ...VIDEO_BODY, parameters: { seed: -1 } }, "InvalidParameter"],
    ["prompt over 5000", { ...VIDEO_BODY, input: { ...VIDEO_BODY.input, prompt: "x".repeat(5001) } }, "InvalidParameter"],
    ["negative_prompt over 500", { ...VIDEO_BODY, input: { ...VIDEO_BODY.input, negative_prompt: "x".repeat(501) } }, "InvalidParameter"],
    ["unknown media type", { model: "wan2.7-i2v", input: { media: media(["reference", FRAME]) } }, "InvalidParameter"],
    ["no media", { model: "wan2.7-i2v", input: { prompt: "a cat" } }, "InvalidParameter"],
    ["another model", { ...VIDEO_BODY, model: "wan2.6-i2v" }, "InvalidParameter"],
    ["no model", { input: VIDEO_BODY.input }, "BadRequest.EmptyModel"],
    ["no input", { model: "wan2.7-i2v" }, "BadRequest.EmptyInput"],
  ])("rejects %s", async (_name, body, code) => {
    await expectError(await post(createHarness(), VIDEO, body), 400, code);
  });

  it("rejects a non-JSON body", async () => {
    await expectError(await post(createHarness(), VIDEO, "{nope"), 400, "InvalidParameter");
  });
});

describe("DashScope wan2.7-image-pro", () => {
  it("produces n PNGs as choices[].message.content[] with finished and usage", async () => {
    const h = createHarness();
    const id = await created(h, IMAGE, imageBody({ n: 3, size: "1K" }));
    expect((await getTask(h, id)).output.task_status).toBe("PENDING");
    await h.advance(2000);
    const done = await getTask(h, id);
    expect(done.output).toMatchObject({ task_status: "SUCCEEDED", finished: true });
    const urls = (done.output.choices as Json[]).flatMap((choice) =>
      (choice.message.content as Json[]).map((part) => {
        expect(part.type).toBe("image");
        return part.image as string;
      }),
    );
    expect(urls).toHaveLength(3);
    expect(done.usage).toMatchObject({ size: "1024*1024", image_count: 3 });
    await expectOutputsMatch(h, id, urls, "image");
  });

  it("defaults to 2K and accepts 4K for text-to-image, up to 12 images in a set", async () => {
    const h = createHarness();
    await created(h, IMAGE, imageBody());
    await created(h, IMAGE, imageBody({ size: "4K", n: 1, thinking_mode: true, seed: 7, watermark: true }));
    await created(h, IMAGE, imageBody({ n: 12, enable_sequential: true }, [{ text: "a story" }, { image: FRAME }]));
    const palette = ["#FF0000", "#00FF00", "#0000FF"].map((hex, index) => ({ hex, ratio: index === 0 ? "33.34%" : "33.33%" }));
    await created(h, IMAGE, imageBody({ color_palette: palette, size: "1280*720" }, [{ text: "edit" }, { image: "data:image/png;base64,AAAA" }]));
    const tasks = await h.tasks();
    expect((tasks[0]?.data as Json).request.size.label).toBe("2K");
    expect(tasks.map((task) => (task.output_urls as string[]).length)).toEqual([4, 1, 12, 4]);
  });

  it.each<[string, unknown]>([
    ["two messages", { ...imageBody(), input: { messages: [{ role: "user", content: [{ text: "a" }] }, { role: "user", content: [{ text: "b" }] }] } }],
    ["role assistant", { ...imageBody(), input: { messages: [{ role: "assistant", content: [{ text: "a" }] }] } }],
    ["no text", imageBody({}, [{ image: FRAME }])],
    ["two texts", imageBody({}, [{ text: "a" }, { text: "b" }])],
    ["ten images", imageBody({}, [{ text: "a" }, ...Array.from({ length: 10 }, () => ({ image: FRAME }))])],
    ["4K with an input image", imageBody({ size: "4K" }, [{ text: "a" }, { image: FRAME }])],
    ["4K image set", imageBody({ size: "4K", enable_sequential: true })],
    ["n 5 without a set", imageBody({ n: 5 })],
    ["n 13 in a set", imageBody({ n: 13, enable_sequential: true })],
    ["size 3K", imageBody({ size: "3K" })],
    ["palette not summing to 100%", imageBody({ color_palette: [1, 2, 3].map(() => ({ hex: "#000000", ratio: "30.00%" })) })],
  ])("rejects %s", async (_name, body) => {
    await expectError(await post(createHarness(), IMAGE, body), 400, "InvalidParameter");
  });
});

describe("DashScope task states and errors", () => {
  it("requires X-DashScope-Async: enable on both creates", async () => {
    const h = createHarness();
    await expectError(await post(h, VIDEO, VIDEO_BODY, AUTH), 400, "InvalidParameter");
    await expectError(await post(h, IMAGE, imageBody(), { ...AUTH, "x-dashscope-async": "disable" }), 400, "InvalidParameter");
  });

  it("answers 401 InvalidApiKey without a Bearer key", async () => {
    const h = createHarness();
    await expectError(await post(h, VIDEO, VIDEO_BODY, { "x-dashscope-async": "enable" }), 401, "InvalidApiKey");
    await expectError(await h.request("GET", "/dashscope/api/v1/tasks/x"), 401, "InvalidApiKey");
  });

  it("answers 400 Arrearage when credit is exhausted", async () => {
    const h = createHarness();
    await h.putFaults({ provider: "dashscope", credit_exhausted: true });
    await expectError(await post(h, VIDEO, VIDEO_BODY), 400, "Arrearage");
    await expectError(await post(h, IMAGE, imageBody()), 400, "Arrearage");
  });

  it.each([
    [429, "Throttling"],
    [500, "InternalError"],
    [503, "InternalError"],
  ])("answers submit_status %i with %s and creates nothing", async (status, code) => {
    const h = createHarness();
    await h.putFaults({ provider: "dashscope", submit_status: status });
    await expectError(await post(h, VIDEO, VIDEO_BODY), status, code);
    expect(await h.tasks()).toEqual([]);
  });

  it("ends FAILED with output.code and output.message under fail_rate", async () => {
    const h = createHarness();
    await h.putFaults({ provider: "dashscope", fail_rate: 1, fail_code: "DataInspectionFailed", duration_ms: 100 });
    const id = await created(h, VIDEO, VIDEO_BODY);
    await h.advance(100);
    const failed = await getTask(h, id);
    expect(failed.output).toMatchObject({ task_status: "FAILED", code: "DataInspectionFailed", message: expect.any(String) });
    expect(failed.usage).toBeUndefined();
    expect(failed.output.video_url).toBeUndefined();
  });

  it("answers 200 UNKNOWN for a task it does not know", async () => {
    expect((await getTask(createHarness(), "0b5a2e4e-0000-4000-8000-000000000000")).output).toEqual({
      task_id: "0b5a2e4e-0000-4000-8000-000000000000",
      task_status: "UNKNOWN",
    });
  });

  it("cancels only while PENDING; the task then reads CANCELED for good", async () => {
    const h = createHarness();
    const cancel = (id: string) => h.request("POST", `/dashscope/api/v1/tasks/${id}/cancel`, { headers: AUTH });
    const id = await created(h, VIDEO, VIDEO_BODY);
    const response = await cancel(id);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ request_id: expect.stringMatching(UUID) });
    await h.advance(5000);
    expect((await getTask(h, id)).output).toMatchObject({ task_status: "CANCELED" });
    expect((await h.tasks())[0]?.status).toBe("cancelled");
    await expectError(await cancel(id), 400, "UnsupportedOperation");
    const running = await created(h, VIDEO, VIDEO_BODY);
    await h.advance(1000);
    await expectError(await cancel(running), 400, "UnsupportedOperation");
    await expectError(await cancel("no-such-task"), 400, "UnsupportedOperation");
  });

  it("answers status queries with 500 or 503 under status_error_rate", async () => {
    const h = createHarness();
    const id = await created(h, VIDEO, VIDEO_BODY);
    await h.putFaults({ provider: "dashscope", status_error_rate: 1, seed: 3 });
    const statuses = new Set<number>();
    for (let query = 0; query < 12; query += 1) {
      const response = await h.request("GET", `/dashscope/api/v1/tasks/${id}`, { headers: AUTH });
      statuses.add(response.status);
      await expectError(response, response.status, "InternalError");
    }
    expect([...statuses].sort()).toEqual([500, 503]);
  });
});
