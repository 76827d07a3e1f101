import { describe, expect, it } from "vitest";
import type { JobView } from "../jobs/job-view";
import { openAiError } from "./openai-error";
import { imageJobRequest, imageSize } from "./openai-image";
import { toOpenAiVideo, videoFieldOf, videoJobRequest } from "./openai-video";

const image = "https://cdn.example.com/cat.png";

function job(overrides: Partial<JobView> = {}): JobView {
  return {
    id: "job_01jd3k5x7z9q2m4n6p8r0s2t4v",
    object: "job",
    model: "wan2.7-i2v",
    status: "running",
    progress: 40,
    created_at: "2026-11-24T12:00:00.500Z",
    updated_at: "2026-11-24T12:00:05.000Z",
    completed_at: null,
    input: { first_frame: image, mode: "first_frame", resolution: "720p", duration: 5, prompt_extend: false, watermark: false },
    metadata: {},
    provider: "evolink",
    attempts: [],
    outputs: [],
    error: null,
    usage: { billed_seconds: null, images: null, estimated_cost_usd: null },
    urls: { self: "", events: "", cancel: "" },
    expires_at: null,
    ...overrides,
  } as JobView;
}

describe("toOpenAiVideo", () => {
  it.each([
    ["queued", 0, "queued", 0, null],
    ["running", 40, "in_progress", 40, null],
    ["running", null, "in_progress", 0, null],
    ["running", 33.6, "in_progress", 34, null],
    ["completed", 100, "completed", 100, null],
    ["canceled", 40, "failed", 40, "canceled"],
  ] as const)("maps status %s (progress %s) to %s (%s)", (status, progress, expected, expectedProgress, errorCode) => {
    const completed_at = status === "completed" || status === "canceled" ? "2026-11-24T12:01:00.000Z" : null;
    const video = toOpenAiVideo(job({ status, progress, completed_at }));
    expect(video).toMatchObject({ status: expected, progress: expectedProgress, created_at: 1795521600, expires_at: null });
    expect(video.error?.code ?? null).toBe(errorCode);
    // completed_at only for a completed video, in Unix seconds
    expect(video.completed_at).toBe(status === "completed" ? 1795521660 : null);
  });

  it("says when a retention deletes the video (Unix seconds), null when it is kept", () => {
    expect(toOpenAiVideo(job({ expires_at: "2026-11-25T12:00:00.500Z" })).expires_at).toBe(1795608000);
    expect(toOpenAiVideo(job()).expires_at).toBeNull();
  });

  it("reports the failed job's error and the requested size, or the tier's landscape size", () => {
    const failed = toOpenAiVideo(job({ status: "failed", error: { code: "content_policy", message: "refused", retryable: false } }));
    expect(failed.error).toEqual({ code: "content_policy", message: "refused" });
    expect(toOpenAiVideo(job({ metadata: { openai_size: "720x1280" } })).size).toBe("720x1280");
    // a recorded size that disagrees with the input is not believed
    expect(toOpenAiVideo(job({ metadata: { openai_size: "1080x1920" } })).size).toBe("1280x720");
    expect(toOpenAiVideo(job()).seconds).toBe("5");
  });
});

describe("videoJobRequest", () => {
  it("maps OpenAI's fields onto the i2v input and reads multipart text back into types", () => {
    const { body, errors } = videoJobRequest({ prompt: "p", seconds: "8", size: "1080x1920", input_reference: image, seed: "42", watermark: "true" }, true);
    expect(errors).toEqual([]);
    expect(body).toEqual({ model: "wan2.7-i2v", input: { prompt: "p", duration: 8, resolution: "1080p", first_frame: image, seed: 42, watermark: true }, metadata: { openai_size: "1080x1920" } });
  });

  it.each<[Record<string, unknown>, Array<{ path: string; message: string }>]>([
    [{ seconds: "8" }, []],
    [{ seconds: 12 }, []],
    [{ seconds: "20" }, [{ path: "seconds", message: "at most 15" }]],
    [{ seconds: 1 }, [{ path: "seconds", message: "at least 2" }]],
    [{ seconds: 4.5 }, [{ path: "seconds", message: 'must be a whole number of seconds from 2 to 15, like "8"' }]],
    [{ input_reference: "" }, [{ path: "input_reference", message: "required: wan2.7-i2v starts from this image (a file in multipart/form-data, or its URL)" }]],
    [{ input_reference: { file_id: "file_1" } }, [{ path: "input_reference.file_id", message: expect.stringContaining("not supported") }]],
    [{ quality: "high" }, [{ path: "quality", message: expect.stringMatching(/^unknown field; supported: model, prompt, seconds, size, input_reference, /) }]],
  ])("judges %j by the request schema, with the model's limits and messages", (fields, errors) => {
    expect(videoJobRequest({ input_reference: image, ...fields }, false).errors).toEqual(errors);
  });

  it.each([
    ["input.duration", "seconds"],
    ["input.resolution", "size"],
    ["input.first_frame", "input_reference"],
    ["input.seed", "seed"],
    ["provider", "provider"],
  ])("names %s as %s", (path, field) => expect(videoFieldOf(path)).toBe(field));
});

describe("imageJobRequest", () => {
  it.each([
    ["1024x1024", "1024*1024"],
    ["1536*1024", "1536*1024"],
    ["2K", "2K"],
    ["auto", undefined],
    ["large", null],
  ])("maps size %s to %s", (size, expected) => expect(imageSize(size)).toBe(expected));

  it("defaults to url and the model, ignores user, and names unknown fields", () => {
    expect(imageJobRequest({ prompt: "p", user: "u-1" })).toEqual({ body: { model: "wan2.7-image-pro", input: { prompt: "p" } }, responseFormat: "url", errors: [] });
    expect(imageJobRequest({ prompt: "p", quality: "hd" }).errors.map((error) => error.path)).toEqual(["quality"]);
  });
});

describe("openAiError", () => {
  it("carries the detail, every field error, the first field as param and the code", () => {
    const document = { type: "t", title: "Invalid request", status: 400, code: "invalid_request" as const, detail: "The request has 2 invalid fields.", errors: [{ path: "seconds", message: "at most 15" }, { path: "size", message: "bad" }] };
    expect(openAiError(document)).toEqual({ message: "The request has 2 invalid fields. seconds: at most 15; size: bad", type: "invalid_request_error", param: "seconds", code: "invalid_request" });
    expect(openAiError({ ...document, status: 504, code: "upstream_timeout", errors: undefined })).toMatchObject({ type: "server_error", param: null });
  });
});
