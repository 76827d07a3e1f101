/**
 * @module documented-vocabularies.test
 * The providers' documented statuses and result shapes the fault plan can select
 * (../shared/provider-audit.md, ../shared/provider-fixtures/): EvoLink `cancelled` and
 * `result_data`, DashScope SUSPENDED / CANCELED / UNKNOWN, AI/ML `waiting` → `active`,
 * PixelDojo's documented vocabulary, `output.image` and string progress, ShortAPI
 * `result.images[]` and its not-found code.
 */
import { describe, expect, it } from "vitest";
import { START, VALID_VIDEO_BODY, createHarness, createdTaskId, type Harness } from "./test-harness";

type Json = Record<string, unknown>;
const auth = { authorization: "Bearer k" };
const json = async (response: Response | Promise<Response>) => (await (await response).json()) as Json;

const dashscope = {
  create: (h: Harness) =>
    h.request("POST", "/dashscope/api/v1/services/aigc/video-generation/video-synthesis", {
      body: { model: "wan2.7-i2v", input: { media: [{ type: "first_frame", url: "https://x/a.png" }] } },
      headers: { ...auth, "x-dashscope-async": "enable" },
    }),
  status: async (h: Harness, id: string) => ((await json(h.request("GET", `/dashscope/api/v1/tasks/${id}`, { headers: auth }))).output as Json).task_status,
};

describe("EvoLink", () => {
  it("reports cancelled under cancel_rate (terminal, no error), and calls back with it", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "evolink", cancel_rate: 1, duration_ms: 4000 });
    const id = await createdTaskId(harness, { ...VALID_VIDEO_BODY, callback_url: "https://gw.test/cb" });
    await harness.advance(1999);
    expect(await json(harness.getTask(id))).toMatchObject({ status: "processing" });
    await harness.advance(1);
    const cancelled = await json(harness.getTask(id));
    expect(cancelled).toMatchObject({ id, status: "cancelled", progress: 0 });
    expect(cancelled).not.toHaveProperty("error");
    expect(cancelled).not.toHaveProperty("results");
    await harness.runTimers();
    expect(harness.callbacks.map((callback) => callback.body)).toEqual([cancelled]);
    expect(harness.callbacks[0]?.at).toBe(START + 2000);
    expect(await harness.tasks()).toEqual([expect.objectContaining({ id, status: "cancelled", output_urls: [] })]);
  });

  it("puts URLs under result_data[].video_url instead of results[] with result_shape result_data", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "evolink", result_shape: "result_data" });
    const id = await createdTaskId(harness);
    await harness.advance(2000);
    const task = await json(harness.getTask(id));
    expect(task).not.toHaveProperty("results");
    expect(task.result_data).toEqual([{ video_url: expect.stringContaining(`/files/evolink/${id}/0.mp4`) }]);
  });

  it("answers 404 for a task it forgot under forget_rate, and sends no callback", async () => {
    const harness = createHarness();
    await harness.putFaults({ forget_rate: 1 });
    const id = await createdTaskId(harness, { ...VALID_VIDEO_BODY, callback_url: "https://gw.test/cb" });
    expect((await harness.getTask(id)).status).toBe(200);
    await harness.advance(1000);
    expect((await harness.getTask(id)).status).toBe(404);
    await harness.runTimers();
    expect(harness.callbacks).toEqual([]);
    expect(await harness.tasks()).toEqual([expect.objectContaining({ id, status: "forgotten" })]);
  });
});

describe("DashScope", () => {
  it("goes PENDING → SUSPENDED → RUNNING → SUCCEEDED under suspend_ms, ending that much later", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "dashscope", suspend_ms: 10_000 });
    const { output } = (await json(dashscope.create(harness))) as { output: { task_id: string } };
    const seen: unknown[] = [];
    for (const at of [0, 500, 5000, 10_499, 10_500, 11_999, 12_000]) {
      await harness.advance(START + at - harness.now());
      seen.push(await dashscope.status(harness, output.task_id));
    }
    expect(seen).toEqual(["PENDING", "SUSPENDED", "SUSPENDED", "SUSPENDED", "RUNNING", "RUNNING", "SUCCEEDED"]);
  });

  it("suspends only the share of tasks suspend_rate picks, reproducibly with a seed", async () => {
    const run = async () => {
      const harness = createHarness();
      await harness.putFaults({ provider: "dashscope", suspend_ms: 10_000, suspend_rate: 0.5, seed: 11 });
      const ids: string[] = [];
      for (let index = 0; index < 12; index += 1) ids.push(((await json(dashscope.create(harness))).output as { task_id: string }).task_id);
      await harness.advance(1000);
      return Promise.all(ids.map((id) => dashscope.status(harness, id)));
    };
    const first = await run();
    expect(new Set(first)).toEqual(new Set(["SUSPENDED", "RUNNING"]));
    expect(await run()).toEqual(first);
  });

  it("reports CANCELED under cancel_rate and UNKNOWN under forget_rate (HTTP 200)", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "dashscope", cancel_rate: 1 });
    const cancelled = ((await json(dashscope.create(harness))).output as { task_id: string }).task_id;
    await harness.putFaults({ provider: "dashscope", forget_rate: 1 });
    const forgotten = ((await json(dashscope.create(harness))).output as { task_id: string }).task_id;
    await harness.advance(1000);
    expect(await dashscope.status(harness, cancelled)).toBe("CANCELED");
    const unknown = await harness.request("GET", `/dashscope/api/v1/tasks/${forgotten}`, { headers: auth });
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ output: { task_id: forgotten, task_status: "UNKNOWN" } });
  });

  it("reports UNKNOWN for a task whose query is older than 24 h", async () => {
    const harness = createHarness();
    const id = ((await json(dashscope.create(harness))).output as { task_id: string }).task_id;
    await harness.advance(24 * 3_600_000 - 1);
    expect(await dashscope.status(harness, id)).toBe("SUCCEEDED");
    await harness.advance(1);
    expect(await dashscope.status(harness, id)).toBe("UNKNOWN");
  });
});

describe("AI/ML API", () => {
  const create = (h: Harness) =>
    h.request("POST", "/aimlapi/v2/video/generations", { body: { model: "alibaba/wan-2-7-i2v", prompt: "p", image_url: "https://x/a.png", duration: 5 }, headers: auth });
  const status = async (h: Harness, id: string) => (await json(h.request("GET", `/aimlapi/v2/video/generations?generation_id=${id}`, { headers: auth }))).status;

  it("polls through waiting then active with status_vocabulary universal", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "aimlapi", status_vocabulary: "universal" });
    const created = await json(create(harness));
    expect(created.status).toBe("waiting");
    const seen = [await status(harness, created.id as string)];
    await harness.advance(1000);
    seen.push(await status(harness, created.id as string));
    await harness.advance(1000);
    seen.push(await status(harness, created.id as string));
    expect(seen).toEqual(["waiting", "active", "completed"]);
  });

  it("keeps the wan2.7 schema's queued / generating by default", async () => {
    const harness = createHarness();
    const created = await json(create(harness));
    await harness.advance(1000);
    expect([created.status, await status(harness, created.id as string)]).toEqual(["queued", "generating"]);
  });
});

describe("PixelDojo", () => {
  const run = (h: Harness, model: string, body: Json) => h.request("POST", `/pixeldojo/api/v1/models/${model}/run`, { body, headers: auth });
  const job = (h: Harness, id: string) => json(h.request("GET", `/pixeldojo/api/v1/jobs/${id}`, { headers: auth }));

  it("uses only pending / completed with status_vocabulary documented, with string progress", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "pixeldojo", status_vocabulary: "documented", progress_format: "string" });
    const { jobId } = await json(run(harness, "wan-2.7-i2v", { image_url: "https://x/a.png" }));
    await harness.advance(1000);
    expect(await job(harness, jobId as string)).toMatchObject({ status: "pending", progress: "50%" });
    await harness.advance(1000);
    expect(await job(harness, jobId as string)).toMatchObject({ status: "completed" });
  });

  it("reports numeric progress with progress_format number and none by default", async () => {
    const harness = createHarness();
    const { jobId } = await json(run(harness, "wan-2.7-i2v", { image_url: "https://x/a.png" }));
    await harness.advance(1000);
    expect(await job(harness, jobId as string)).not.toHaveProperty("progress");
    await harness.putFaults({ provider: "pixeldojo", progress_format: "number" });
    expect(await job(harness, jobId as string)).toMatchObject({ status: "processing", progress: 50 });
  });

  it.each([
    ["output_image", { image: expect.stringContaining(".png") }, false],
    ["output", { images: [expect.stringContaining(".png")] }, false],
    ["output_assets", { images: [expect.stringContaining(".png")] }, true],
  ])("serves image results as result_shape %s says", async (shape, output, assets) => {
    const harness = createHarness();
    await harness.putFaults({ provider: "pixeldojo", result_shape: shape });
    const { jobId } = await json(run(harness, "wan-2.7-image-pro", { prompt: "a fox", size: "1K" }));
    await harness.advance(2000);
    const done = await job(harness, jobId as string);
    expect(done.output).toEqual(output);
    expect("assets" in done).toBe(assets);
  });
});

describe("ShortAPI", () => {
  it("puts the video under result.images[].url with result_shape images, as its page shows", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "shortapi", result_shape: "images" });
    const created = await json(
      harness.request("POST", "/shortapi/api/v1/job/create", { body: { model: "alibaba/wan-2.7/image-to-video", args: { first_frame_image: "https://x/a.png" } }, headers: auth }),
    );
    const id = (created.data as Json).job_id as string;
    await harness.advance(2000);
    const done = await json(harness.request("GET", `/shortapi/api/v1/job/query?id=${id}`, { headers: auth }));
    expect(done).toEqual({ code: 0, data: { job_id: id, status: 2, result: { images: [{ url: expect.stringContaining(".mp4") }] } } });
  });

  it("answers a job it forgot with its not-found code in the body", async () => {
    const harness = createHarness();
    await harness.putFaults({ provider: "shortapi", forget_rate: 1 });
    const created = await json(
      harness.request("POST", "/shortapi/api/v1/job/create", { body: { model: "alibaba/wan-2.7/image-to-video", args: { first_frame_image: "https://x/a.png" } }, headers: auth }),
    );
    await harness.advance(1000);
    const lost = await harness.request("GET", `/shortapi/api/v1/job/query?id=${(created.data as Json).job_id}`, { headers: auth });
    expect(lost.status).toBe(200);
    expect(await lost.json()).toEqual({ code: 404, info: "job not found" });
  });
});
