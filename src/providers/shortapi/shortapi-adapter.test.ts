import { describe, expect, it } from "vitest";
import { i2vInputSchema } from "../../models/i2v";
import { stubContext } from "../provider-fetch-stub";
import { shortapiAdapter, shortapiHttpError, shortapiJobId, shortapiTask, shortapiVideoBody } from "./shortapi-adapter";

// Recorded shapes from ShortAPI's documentation, its samples and client code (providers.md §5.2–5.5).
const fixtures = {
  createdNested: { code: 0, data: { amount: "0.02", job_id: "job-nested-1" } },
  createdTopLevel: { code: 0, job_id: "job-top-1" },
  queued: { code: 0, data: { status: 0 } },
  processing: { code: 0, data: { status: 1 } },
  succeededTemplate: { code: 0, data: { status: 2, result: { images: [{ url: "https://cdn.shortapi.ai/i.png" }] } } },
  succeededVideos: { code: 0, data: { status: 2, result: { videos: [{ url: "https://cdn.shortapi.ai/v.mp4" }] } } },
  succeededUrl: { code: 0, data: { status: 2, result: { url: "https://cdn.shortapi.ai/u.mp4" } } },
  succeededVideoUrl: { code: 0, data: { status: 2, result: { video_url: "https://cdn.shortapi.ai/vu.mp4" } } },
  succeededString: { code: 0, data: { status: "succeeded", result: { videos: [{ url: "https://cdn.shortapi.ai/s.mp4" }] } } },
  succeededEmpty: { code: 0, data: { status: 2, result: {} } },
  failedNumeric: { code: 0, data: { status: 3, error: "content rejected" } },
  failedString: { code: 0, data: { status: "failed", message: "generation failed" } },
  queuedString: { code: 0, data: { status: "queued" } },
  processingString: { code: 0, data: { status: "processing" } },
  code401: { code: 401, message: "invalid api key" },
  code402: { code: 402, message: "insufficient balance" },
  codeBalance: { code: 10003, info: "Your balance is not enough" },
  code429: { code: 429, message: "too many requests" },
  code400: { code: 400, message: "args.duration must be between 2 and 15" },
  code500: { code: 500, message: "internal error" },
};

describe("ShortAPI request body", () => {
  it("puts every field under args, with the callback at the top level", () => {
    const input = i2vInputSchema.parse({ prompt: "p", negative_prompt: "n", first_frame: "https://a/1.png", last_frame: "https://a/2.png", driving_audio: "https://a/3.mp3", resolution: "1080p", duration: 8, prompt_extend: true });
    expect(shortapiVideoBody(input, "https://gw/cb")).toEqual({
      model: "alibaba/wan-2.7/image-to-video",
      args: {
        prompt: "p",
        negative_prompt: "n",
        resolution: "1080p",
        duration: 8,
        prompt_extend: true,
        first_frame_image: "https://a/1.png",
        last_frame_image: "https://a/2.png",
        driving_audio_url: "https://a/3.mp3",
      },
      callback_url: "https://gw/cb",
    });
  });

  it("sends a continuation as first_clip_video_url, and no callback when there is none", () => {
    expect(shortapiVideoBody(i2vInputSchema.parse({ first_clip: "https://a/c.mp4", last_frame: "https://a/e.png" }), null)).toEqual({
      model: "alibaba/wan-2.7/image-to-video",
      args: { resolution: "720p", duration: 5, prompt_extend: false, first_clip_video_url: "https://a/c.mp4", last_frame_image: "https://a/e.png" },
    });
  });
});

describe("ShortAPI job shapes", () => {
  it("finds the job id in data.job_id or at the top level", () => {
    expect(shortapiJobId(fixtures.createdNested)).toBe("job-nested-1");
    expect(shortapiJobId(fixtures.createdTopLevel)).toBe("job-top-1");
    expect(shortapiJobId({ id: "cb-1", status: 2 })).toBe("cb-1");
    expect(shortapiJobId({ code: 0, data: {} })).toBeNull();
  });

  it.each([
    ["queued", { state: "pending", progress: null, upstreamStatus: "0" }],
    ["processing", { state: "running", progress: null, upstreamStatus: "1" }],
    ["queuedString", { state: "pending", progress: null, upstreamStatus: "queued" }],
    ["processingString", { state: "running", progress: null, upstreamStatus: "processing" }],
    ["succeededTemplate", { state: "completed", urls: ["https://cdn.shortapi.ai/i.png"], upstreamStatus: "2" }],
    ["succeededVideos", { state: "completed", urls: ["https://cdn.shortapi.ai/v.mp4"], upstreamStatus: "2" }],
    ["succeededUrl", { state: "completed", urls: ["https://cdn.shortapi.ai/u.mp4"], upstreamStatus: "2" }],
    ["succeededVideoUrl", { state: "completed", urls: ["https://cdn.shortapi.ai/vu.mp4"], upstreamStatus: "2" }],
    ["succeededString", { state: "completed", urls: ["https://cdn.shortapi.ai/s.mp4"], upstreamStatus: "succeeded" }],
  ] as const)("maps %s", (name, expected) => {
    expect(shortapiTask(fixtures[name])).toEqual(expected);
  });

  it("maps failures with whatever message there is", () => {
    expect(shortapiTask(fixtures.failedNumeric)).toMatchObject({ state: "failed", upstreamStatus: "3", error: { kind: "generation_failed", message: "content rejected", retryable: true } });
    expect(shortapiTask(fixtures.failedString)).toMatchObject({ state: "failed", error: { message: "generation failed" } });
  });

  it("treats success without a URL as a protocol failure and unknown statuses as not understood", () => {
    expect(shortapiTask(fixtures.succeededEmpty)).toMatchObject({ state: "failed", error: { kind: "protocol", retryable: true } });
    expect(shortapiTask({ code: 0, data: { status: 7 } })).toBeNull();
    expect(shortapiTask({ code: 0 })).toBeNull();
  });
});

describe("ShortAPI errors", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  it.each([
    [200, "code401", { kind: "unauthorized", retryable: false, providerCode: "401" }],
    [200, "code402", { kind: "out_of_credit", retryable: true, providerCode: "402" }],
    [200, "codeBalance", { kind: "out_of_credit", retryable: true, message: "Your balance is not enough" }],
    [200, "code429", { kind: "rate_limited", retryable: true }],
    [200, "code400", { kind: "rejected", retryable: false }],
    [200, "code500", { kind: "unavailable", retryable: true }],
    [502, "code400", { kind: "unavailable", retryable: true, httpStatus: 502 }],
  ] as const)("maps HTTP %i with %s", (status, name, expected) => {
    expect(shortapiHttpError(status, new Headers(), fixtures[name], now)).toMatchObject(expected);
  });

  it("falls back to the HTTP status when there is no code", () => {
    expect(shortapiHttpError(401, new Headers(), undefined, now)).toMatchObject({ kind: "unauthorized", retryable: false });
    expect(shortapiHttpError(503, new Headers(), undefined, now)).toMatchObject({ kind: "unavailable", retryable: true });
  });
});

describe("ShortAPI adapter over an injected fetch", () => {
  it("creates with a Bearer key and reads the top-level job_id of the samples", async () => {
    const seen: Request[] = [];
    const input = i2vInputSchema.parse({ first_frame: "https://a/1.png", driving_audio: "https://a/3.mp3" });
    const result = await shortapiAdapter.submitVideo(input, { callbackUrl: "https://gw/cb" }, stubContext([{ status: 200, body: fixtures.createdTopLevel }], seen, "https://api.shortapi.ai"));
    expect(result).toEqual({ ok: true, value: { upstreamId: "job-top-1", task: { state: "pending", progress: null, upstreamStatus: "created" } } });
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.url).toBe("https://api.shortapi.ai/api/v1/job/create");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer test-key");
    expect(await seen[0]!.json()).toEqual({
      model: "alibaba/wan-2.7/image-to-video",
      args: { resolution: "720p", duration: 5, prompt_extend: false, first_frame_image: "https://a/1.png", driving_audio_url: "https://a/3.mp3" },
      callback_url: "https://gw/cb",
    });
  });

  it("treats a non-zero code under HTTP 200 as an error", async () => {
    const result = await shortapiAdapter.submitVideo(i2vInputSchema.parse({ first_frame: "https://a/1.png" }), { callbackUrl: null }, stubContext([{ status: 200, body: fixtures.code400 }]));
    expect(result).toMatchObject({ ok: false, error: { kind: "rejected", retryable: false, httpStatus: 200 } });
  });

  it("queries a job by id", async () => {
    const seen: Request[] = [];
    const result = await shortapiAdapter.getTask("job-nested-1", stubContext([{ status: 200, body: fixtures.succeededVideos }], seen, "https://api.shortapi.ai"));
    expect(result).toMatchObject({ ok: true, value: { state: "completed", urls: ["https://cdn.shortapi.ai/v.mp4"] } });
    expect(seen[0]!.method).toBe("GET");
    expect(seen[0]!.url).toBe("https://api.shortapi.ai/api/v1/job/query?id=job-nested-1");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer test-key");
  });

  it("takes the job id of a callback from any of its locations", () => {
    expect(shortapiAdapter.callbackTaskId!(fixtures.createdNested)).toBe("job-nested-1");
    expect(shortapiAdapter.callbackTaskId!("garbage")).toBeNull();
  });
});
