import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { JobJson } from "./helpers";
import { gateway, getJob, image, otherKey, resetEmulator, setFaults, sha256Hex, waitForJob } from "./helpers";

afterEach(resetEmulator);

/** A request to the OpenAI-compatible surface, as an OpenAI SDK with `baseURL: …/openai/v1` sends it. */
function openai(path: string, init: RequestInit & { key?: string | null } = {}) {
  return gateway(`/openai/v1${path}`, init);
}

function postJson(path: string, body: Record<string, unknown>, init: RequestInit & { key?: string | null } = {}) {
  return openai(path, { method: "POST", body: JSON.stringify(body), ...init });
}

/** A valid 1×1 RGBA PNG. */
const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="), (char) => char.charCodeAt(0));

/** POSTs multipart/form-data the way the SDKs do (the runtime writes the boundary). */
async function postForm(fields: Record<string, string | Blob>, init: { headers?: Record<string, string>; filename?: string } = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof Blob) form.append(name, value, init.filename ?? "cat.png");
    else form.append(name, value);
  }
  const encoded = new Response(form);
  const headers = { ...init.headers, "content-type": encoded.headers.get("content-type")! };
  return openai("/videos", { method: "POST", body: await encoded.arrayBuffer(), headers });
}

interface Video {
  id: string;
  object: string;
  model: string;
  status: string;
  progress: number;
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
  prompt: string | null;
  seconds: string;
  size: string;
  error: { code: string; message: string } | null;
}

interface VideoDeleted {
  id: string;
  object: string;
  deleted: boolean;
  video: Video;
}

interface OpenAiProblem {
  status: number;
  code: string;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
  job_id?: string;
  error: { message: string; type: string; param: string | null; code: string };
}

async function expectProblem(response: Response, status: number, code: string): Promise<OpenAiProblem> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const problem = (await response.json()) as OpenAiProblem;
  expect(problem).toMatchObject({ status, code });
  // OpenAI's member, for SDKs that print body.error.message
  expect(problem.error.code).toBe(code);
  expect(problem.error.message).toContain(problem.detail);
  return problem;
}

const paths = (problem: OpenAiProblem) => (problem.errors ?? []).map((error) => error.path).sort();
const storedUploads = async () => (await env.MEDIA.list({ prefix: "uploads/" })).objects.length;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function createVideo(body: Record<string, unknown> = {}, key?: string): Promise<Video> {
  const response = await postJson("/videos", { prompt: "a cat plays piano", input_reference: image, ...body }, { key });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Video;
}

describe("POST /openai/v1/videos", () => {
  it("creates a wan2.7-i2v job from JSON, mapping seconds, size and input_reference", async () => {
    const before = Math.floor(Date.now() / 1000);
    const video = await createVideo({ seconds: "8", size: "720x1280" });
    expect(video).toMatchObject({
      object: "video",
      model: "wan2.7-i2v",
      progress: expect.any(Number),
      completed_at: null,
      expires_at: null,
      prompt: "a cat plays piano",
      seconds: "8",
      size: "720x1280",
      error: null,
    });
    expect(["queued", "in_progress"]).toContain(video.status);
    expect(video.created_at).toBeGreaterThanOrEqual(before - 1);
    expect(video.created_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));

    // the same job, under its own id, on /v1/jobs
    const job = await getJob(video.id);
    expect(job.input).toMatchObject({ prompt: "a cat plays piano", first_frame: image, duration: 8, resolution: "720p", mode: "first_frame" });
    expect(job.metadata).toEqual({ openai_size: "720x1280" });
  });

  it("takes seconds as an integer and maps 1080p sizes", async () => {
    const video = await createVideo({ seconds: 12, size: "1920x1080" });
    expect(video).toMatchObject({ seconds: "12", size: "1920x1080" });
    expect((await getJob(video.id)).input).toMatchObject({ duration: 12, resolution: "1080p" });
  });

  it("uses the model's defaults when seconds and size are absent, and takes input_reference as {image_url}", async () => {
    const video = await createVideo({ input_reference: { image_url: image } });
    expect(video).toMatchObject({ seconds: "5", size: "1280x720" });
    expect((await getJob(video.id)).input).toMatchObject({ first_frame: image, duration: 5, resolution: "720p" });
  });

  it("stores a multipart input_reference as an upload and the video completes end to end", async () => {
    const response = await postForm({ prompt: "a cat from a file", seconds: "4", size: "1280x720", input_reference: new Blob([png], { type: "image/png" }) });
    expect(response.status, await response.clone().text()).toBe(200);
    const video = (await response.json()) as Video;
    expect(video).toMatchObject({ seconds: "4", size: "1280x720", prompt: "a cat from a file" });

    const job = await getJob(video.id);
    const firstFrame = job.input.first_frame as string;
    expect(firstFrame).toMatch(/^http:\/\/gateway\.test\/media\/uploads\/[0-9a-f]{16}\/[0-9a-z]{20}\/upload\.png$/);
    const served = await gateway(new URL(firstFrame).pathname, { key: null });
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);

    const done = await waitForJob(video.id);
    expect(done.status, JSON.stringify(done.error)).toBe("completed");
    const completed = (await (await openai(`/videos/${video.id}`)).json()) as Video;
    expect(completed).toMatchObject({ id: video.id, status: "completed", progress: 100, error: null });
    expect(completed.completed_at).toBeGreaterThanOrEqual(completed.created_at);
  });

  it("reads OpenAI's reference object and lists as the SDKs put them in a form (input_reference[image_url], provider[])", async () => {
    const response = await postForm({ "input_reference[image_url]": image, "provider[]": "shortapi", seconds: "4" });
    expect(response.status, await response.clone().text()).toBe(200);
    const job = await waitForJob(((await response.json()) as Video).id, (current) => current.provider !== null);
    expect(job.input).toMatchObject({ first_frame: image, duration: 4 });
    expect(job.provider).toBe("shortapi");

    const twice = await expectProblem(await postForm({ input_reference: image, "input_reference[image_url]": image }), 400, "invalid_request");
    expect(paths(twice)).toEqual(["input_reference[image_url]"]);
  });

  it("reads a file sent as application/octet-stream by its bytes", async () => {
    const response = await postForm({ input_reference: new Blob([png], { type: "application/octet-stream" }) }, { filename: "frame" });
    expect(response.status, await response.clone().text()).toBe(200);
    const job = await getJob(((await response.json()) as Video).id);
    expect(job.input.first_frame).toMatch(/\/upload\.png$/);
  });

  it("names every bad field at once in the request's own names, with OpenAI's error member", async () => {
    const response = await postJson("/videos", { model: "sora-2", seconds: "eight", size: "640x480", quality: "high" });
    const problem = await expectProblem(response, 400, "invalid_request");
    expect(paths(problem)).toEqual(["input_reference", "model", "quality", "seconds", "size"]);
    expect(problem.error.type).toBe("invalid_request_error");
    expect(problem.error.param).toBe(problem.errors![0]!.path);
    for (const field of ["seconds", "size", "input_reference", "model", "quality"]) expect(problem.error.message).toContain(`${field}:`);
  });

  it.each([
    [{ seconds: "20" }, ["seconds"], "at most 15"],
    [{ seconds: 1 }, ["seconds"], "at least 2"],
    [{ seconds: 4.5 }, ["seconds"], "whole number"],
    [{ size: "1024x1792" }, ["size"], "1280x720"],
    [{ input_reference: "ftp://example.com/cat.png" }, ["input_reference"], "http(s) URL"],
    [{ input_reference: { file_id: "file_123" } }, ["input_reference.file_id"], "not supported"],
    [{ seed: -1, watermark: "yes" }, ["seed", "watermark"], "at least 0"],
  ])("answers %j with a 400 naming %j", async (fields, expected, message) => {
    const problem = await expectProblem(await postJson("/videos", { input_reference: image, ...fields }), 400, "invalid_request");
    expect(paths(problem)).toEqual(expected);
    expect(problem.error.message).toContain(message);
  });

  it("refuses a bad multipart request before storing its file", async () => {
    const before = await storedUploads();
    const problem = await expectProblem(await postForm({ seconds: "30", size: "999x999", input_reference: new Blob([png], { type: "image/png" }) }), 400, "invalid_request");
    expect(paths(problem)).toEqual(["seconds", "size"]);
    expect(await storedUploads()).toBe(before);
  });

  it("refuses a multipart input_reference that is not an image with 415 naming it", async () => {
    const problem = await expectProblem(await postForm({ input_reference: new Blob(["just some text"], { type: "text/plain" }) }), 415, "unsupported_media_type");
    expect(paths(problem)).toEqual(["input_reference"]);
    expect(problem.error.param).toBe("input_reference");
  });

  it("refuses a file whose bytes are not its declared type, as /v1/uploads does", async () => {
    const problem = await expectProblem(await postForm({ input_reference: new Blob([png], { type: "image/jpeg" }) }), 415, "unsupported_media_type");
    expect(problem.detail).toBe("The bytes are image/png, but Content-Type says image/jpeg. Send the file with its real type.");
    expect(paths(problem)).toEqual(["input_reference"]);
  });

  it("replays an Idempotency-Key: one job, and a multipart retry stores its file once", async () => {
    const key = `openai-${crypto.randomUUID()}`;
    const first = await postJson("/videos", { input_reference: image, seconds: "4" }, { headers: { "idempotency-key": key } });
    const again = await postJson("/videos", { input_reference: image, seconds: "4" }, { headers: { "idempotency-key": key } });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(((await again.json()) as Video).id).toBe(((await first.json()) as Video).id);
    const changed = await postJson("/videos", { input_reference: image, seconds: "8" }, { headers: { "idempotency-key": key } });
    await expectProblem(changed, 422, "idempotency_mismatch");

    const formKey = `openai-${crypto.randomUUID()}`;
    const file = () => new Blob([png], { type: "image/png" });
    const one = await postForm({ input_reference: file() }, { headers: { "idempotency-key": formKey } });
    const uploads = await storedUploads();
    const two = await postForm({ input_reference: file() }, { headers: { "idempotency-key": formKey } });
    expect(two.status).toBe(200);
    expect(two.headers.get("idempotent-replayed")).toBe("true");
    expect(((await two.json()) as Video).id).toBe(((await one.json()) as Video).id);
    expect(await storedUploads()).toBe(uploads);
  });
});

describe("a video's life", () => {
  it("reports queued/in_progress, then completed, and serves the MP4 from R2", async () => {
    await setFaults({ duration_ms: 1500 });
    const video = await createVideo();
    await waitForJob(video.id, (job) => job.status === "running");
    const running = (await (await openai(`/videos/${video.id}`)).json()) as Video;
    expect(running.status).toBe("in_progress");
    expect(running.progress).toBeGreaterThanOrEqual(0);
    expect(running.progress).toBeLessThan(100);
    expect(Number.isInteger(running.progress)).toBe(true);

    const early = await expectProblem(await openai(`/videos/${video.id}/content`), 404, "not_found");
    expect(early.detail).toContain("in_progress");

    const job = await waitForJob(video.id);
    expect(job.status).toBe("completed");
    const content = await openai(`/videos/${video.id}/content`);
    expect(content.status).toBe(200);
    expect(content.headers.get("content-type")).toBe("video/mp4");
    const bytes = new Uint8Array(await content.arrayBuffer());
    expect(content.headers.get("content-length")).toBe(String(bytes.length));
    const stored = await env.MEDIA.get(new URL(job.outputs[0]!.url).pathname.slice("/media/".length));
    expect(bytes).toEqual(new Uint8Array(await stored!.arrayBuffer()));
    expect(await sha256Hex(bytes)).toBe(job.outputs[0]!.sha256);
    expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe("ftyp");

    const sdkDownload = await openai(`/videos/${video.id}/content?variant=video`, { headers: { accept: "application/binary" } });
    expect(sdkDownload.status).toBe(200);
    await sdkDownload.arrayBuffer();
    const thumbnail = await expectProblem(await openai(`/videos/${video.id}/content?variant=thumbnail`), 400, "invalid_request");
    expect(paths(thumbnail)).toEqual(["variant"]);
  });

  it("DELETE cancels a video in progress: failed with error code canceled; a finished one is answered as it is", async () => {
    await setFaults({ duration_ms: 30_000 });
    const video = await createVideo();
    const response = await openai(`/videos/${video.id}`, { method: "DELETE" });
    expect(response.status).toBe(200);
    // OpenAI's deletion object (nothing is deleted: deleted is false), and the video as it now is
    const deleted = (await response.json()) as VideoDeleted;
    expect(deleted).toMatchObject({ id: video.id, object: "video.deleted", deleted: false });
    expect(deleted.video).toMatchObject({ id: video.id, object: "video", status: "failed", completed_at: null });
    expect(deleted.video.error).toEqual({ code: "canceled", message: expect.any(String) });
    expect((await getJob(video.id)).status).toBe("canceled");

    const again = await openai(`/videos/${video.id}`, { method: "DELETE" });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: video.id, object: "video.deleted", deleted: false, video: { status: "failed", error: { code: "canceled" } } });
    await expectProblem(await openai(`/videos/${video.id}/content`), 404, "not_found");
  });

  it("a failed job is a failed video with the job's error", async () => {
    await setFaults({ provider: "dashscope", fail_rate: 1, fail_code: "DataInspectionFailed", duration_ms: 100 });
    const video = await createVideo({ provider: "dashscope" });
    const job = await waitForJob(video.id);
    expect(job.status).toBe("failed");
    const failed = (await (await openai(`/videos/${video.id}`)).json()) as Video;
    expect(failed).toMatchObject({ status: "failed", completed_at: null, error: { code: job.error!.code, message: job.error!.message } });
  });
});

describe("GET /openai/v1/videos", () => {
  it("lists videos newest first in OpenAI's list shape, skipping image jobs, paging with after", async () => {
    const oldest = await createVideo();
    await pause(5);
    const imageJob = await gateway("/v1/jobs", { method: "POST", body: JSON.stringify({ model: "wan2.7-image-pro", input: { prompt: "not a video", size: "1K" } }) });
    const imageId = ((await imageJob.json()) as JobJson).id;
    await pause(5);
    const middle = await createVideo();
    await pause(5);
    const newest = await createVideo();

    const first = await openai("/videos?limit=2");
    expect(first.status).toBe(200);
    const page = (await first.json()) as { object: string; data: Video[]; first_id: string; last_id: string; has_more: boolean };
    expect(page).toMatchObject({ object: "list", first_id: newest.id, last_id: middle.id, has_more: true });
    expect(page.data.map((video) => video.id)).toEqual([newest.id, middle.id]);
    expect(page.data[0]).toMatchObject({ object: "video", model: "wan2.7-i2v" });

    const next = (await (await openai(`/videos?limit=2&after=${page.last_id}`)).json()) as typeof page;
    expect(next.data[0]!.id).toBe(oldest.id);
    expect(next.data.map((video) => video.id)).not.toContain(imageId);

    const all = (await (await openai("/videos?limit=100")).json()) as typeof page;
    expect(all.data.map((video) => video.id)).not.toContain(imageId);
    expect(all.data.every((video) => video.object === "video")).toBe(true);
  });

  it("names a bad limit, order or after", async () => {
    const problem = await expectProblem(await openai("/videos?limit=0&order=asc&after=job_nope"), 400, "invalid_request");
    expect(paths(problem)).toEqual(["after", "limit", "order"]);
  });
});

describe("tenants", () => {
  it("another tenant's video is a plain 404 everywhere, and never listed", async () => {
    const video = await createVideo();
    for (const [path, method] of [[`/videos/${video.id}`, "GET"], [`/videos/${video.id}`, "DELETE"], [`/videos/${video.id}/content`, "GET"]] as const) {
      const problem = await expectProblem(await openai(path, { method, key: otherKey }), 404, "not_found");
      expect(problem.detail).toBe(`No video ${video.id} exists for this API key.`);
    }
    const theirs = (await (await openai("/videos?limit=100", { key: otherKey })).json()) as { data: Video[] };
    expect(theirs.data.map((item) => item.id)).not.toContain(video.id);
    expect((await getJob(video.id)).status).not.toBe("canceled");
  });

  it("an image job is not a video", async () => {
    const response = await gateway("/v1/jobs", { method: "POST", body: JSON.stringify({ model: "wan2.7-image-pro", input: { prompt: "a fox", size: "1K" } }) });
    const { id } = (await response.json()) as JobJson;
    await expectProblem(await openai(`/videos/${id}`), 404, "not_found");
  });

  it("needs the same API key as /v1, and says so in OpenAI's shape", async () => {
    const problem = await expectProblem(await openai("/videos", { key: null }), 401, "unauthorized");
    expect(problem.error).toMatchObject({ type: "authentication_error", param: null });
    const wrong = await expectProblem(await openai("/videos", { key: "sk-not-a-wan-edge-key" }), 401, "unauthorized");
    expect(wrong.error.message).toBe("The API key is not valid.");
    const unknown = await expectProblem(await openai("/embeddings", { method: "POST", body: "{}" }), 404, "not_found");
    expect(unknown.error.type).toBe("invalid_request_error");
  });
});

describe("POST /openai/v1/images/generations", () => {
  it("waits for the job and answers URLs; W x H becomes the model's W*H", async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await postJson("/images/generations", { model: "wan2.7-image-pro", prompt: "a red fox in snow", size: "1024x1024" });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as { created: number; data: Array<{ url: string }> };
    expect(body.created).toBeGreaterThanOrEqual(before - 1);
    expect(body.data).toHaveLength(1);
    expect(Object.keys(body.data[0]!)).toEqual(["url"]);
    const media = await gateway(new URL(body.data[0]!.url).pathname, { key: null });
    expect(media.headers.get("content-type")).toBe("image/png");

    const latest = (await (await gateway("/v1/jobs?limit=1")).json()) as { data: JobJson[] };
    expect(latest.data[0]!.outputs[0]!.url).toBe(body.data[0]!.url);
    expect(latest.data[0]!.input).toMatchObject({ prompt: "a red fox in snow", size: "1024*1024", n: 1 });
  });

  it("answers b64_json that decodes to the same bytes as the job's media URLs, passing extension fields into the input", async () => {
    const response = await postJson("/images/generations", { model: "wan2.7-image-pro", prompt: "two foxes", n: 2, size: "1K", response_format: "b64_json", seed: 7, watermark: true });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as { created: number; data: Array<{ b64_json: string }> };
    expect(body.data).toHaveLength(2);
    const job = ((await (await gateway("/v1/jobs?limit=1")).json()) as { data: JobJson[] }).data[0]!;
    expect(job.input).toMatchObject({ n: 2, size: "1K", seed: 7, watermark: true });
    for (const [index, item] of body.data.entries()) {
      const decoded = Uint8Array.from(atob(item.b64_json), (char) => char.charCodeAt(0));
      const media = new Uint8Array(await (await gateway(new URL(job.outputs[index]!.url).pathname, { key: null })).arrayBuffer());
      expect(decoded).toEqual(media);
    }
  });

  it.each([
    [{ prompt: "x", size: "banana" }, ["size"]],
    [{ prompt: "x", size: "256x256" }, ["size"]],
    [{ prompt: "x", response_format: "xml" }, ["response_format"]],
    [{ model: "dall-e-3", prompt: "x" }, ["model"]],
    [{ size: "1K" }, ["prompt"]],
    [{ prompt: "x", n: 5 }, ["n"]],
    [{ prompt: "x", style: "vivid", seed: "7" }, ["seed", "style"]],
  ])("answers %j with a 400 naming %j", async (fields, expected) => {
    const problem = await expectProblem(await postJson("/images/generations", { model: "wan2.7-image-pro", ...fields }), 400, "invalid_request");
    expect(paths(problem)).toEqual(expected);
    expect(problem.error.param).toBe(problem.errors![0]!.path);
  });

  it("answers 504 with the job id when the job is not done in time, and tells the SDK not to retry", async () => {
    await setFaults({ duration_ms: 10_000 });
    const response = await postJson("/images/generations", { prompt: "a slow fox", size: "1K" }, { headers: { prefer: "wait=1" } });
    const problem = await expectProblem(response, 504, "upstream_timeout");
    expect(problem.job_id).toMatch(/^job_/);
    expect(response.headers.get("x-should-retry")).toBe("false");
    expect(response.headers.get("location")).toBe(`http://gateway.test/v1/jobs/${problem.job_id}`);
    expect(problem.error.message).toContain(problem.job_id);
    expect(problem.error.type).toBe("server_error");
    const job = await getJob(problem.job_id!);
    expect(["queued", "running"]).toContain(job.status);
    await gateway(`/v1/jobs/${job.id}/cancel`, { method: "POST" });
  });

  it("answers 502 with the job's error when the job fails", async () => {
    await setFaults({ provider: "dashscope", fail_rate: 1, fail_code: "DataInspectionFailed", duration_ms: 100 });
    const response = await postJson("/images/generations", { prompt: "a forbidden fox", size: "1K", provider: "dashscope" });
    const problem = await expectProblem(response, 502, "upstream_error");
    const job = await getJob(problem.job_id!);
    expect(job.status).toBe("failed");
    expect(problem.detail).toContain(job.error!.message);
    expect(response.headers.get("x-should-retry")).toBe(String(job.error!.retryable));
  });
});
