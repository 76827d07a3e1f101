import { describe, expect, it } from "vitest";
import { i2vInputSchema } from "../../models/i2v";
import { stubContext } from "../provider-fetch-stub";
import { shortapiError, shortapiJobId, shortapiSpec, shortapiVideoBody } from "./shortapi-spec";

const shortapi = shortapiSpec.models["wan2.7-i2v"]!;
const options = { callbackUrl: null, idempotencyKey: "job_1.1" };

/** What the adapter makes of a query answering `body`. */
async function read(body: unknown) {
  const result = await shortapi.getTask!("job-1", stubContext([{ status: 200, body }]));
  return result.ok ? result.value : result.error;
}

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
  errorString: { code: 0, data: { status: "error" } },
  cancelledString: { code: 0, data: { status: "cancelled" } },
  succeededVideoObject: { code: 0, data: { status: "success", result: { video: { url: "https://cdn.shortapi.ai/vo.mp4" } } } },
  succeededResultList: { code: 0, data: { status: "completed", result: [{ url: "https://cdn.shortapi.ai/l.mp4" }] } },
  succeededOutput: { code: 0, data: { status: 2, output: "https://cdn.shortapi.ai/o.mp4" } },
  succeededWithCover: { code: 0, data: { status: 2, amount: "0.43", result: { videos: [{ url: "https://cdn.shortapi.ai/v.mp4" }], images: [{ url: "https://cdn.shortapi.ai/cover.png" }] } } },
  topLevelStatus: { code: 0, status: 1 },
  codeInvalidModel: { code: 10001, info: "invalid model" },
  codeBalanceChinese: { code: 10002, message: "余额不足" },
  codeNotFound: { code: 404, message: "job not found" },
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
    // S3: the other result shapes clients read.
    ["succeededVideoObject", { state: "completed", urls: ["https://cdn.shortapi.ai/vo.mp4"], upstreamStatus: "success" }],
    ["succeededResultList", { state: "completed", urls: ["https://cdn.shortapi.ai/l.mp4"], upstreamStatus: "completed" }],
    ["succeededOutput", { state: "completed", urls: ["https://cdn.shortapi.ai/o.mp4"], upstreamStatus: "2" }],
    ["succeededWithCover", { state: "completed", urls: ["https://cdn.shortapi.ai/v.mp4"], upstreamStatus: "2", providerUsage: { amount: "0.43" } }],
    ["topLevelStatus", { state: "running", progress: null, upstreamStatus: "1" }],
    // S1: 3 is not documented; read as failed it could double-bill a task still generating.
    ["failedNumeric", { state: "unknown", progress: null, upstreamStatus: "3" }],
  ] as const)("maps %s", async (name, expected) => {
    expect(await read(fixtures[name])).toEqual(expected);
  });

  it.each([
    ["failedString", { kind: "generation_failed", message: "generation failed", retryable: true }],
    ["errorString", { kind: "generation_failed", retryable: true }],
    ["cancelledString", { kind: "canceled", retryable: true }],
  ] as const)("maps the %s failure with whatever message there is", async (name, error) => {
    expect(await read(fixtures[name])).toMatchObject({ state: "failed", error });
  });

  it("treats success without a URL as a protocol failure, an unknown status as unknown, and no status as not understood", async () => {
    expect(await read(fixtures.succeededEmpty)).toMatchObject({ state: "failed", error: { kind: "protocol", retryable: true } });
    expect(await read({ code: 0, data: { status: 7 } })).toEqual({ state: "unknown", progress: null, upstreamStatus: "7" });
    expect(await read({ code: 0 })).toMatchObject({ kind: "protocol", retryable: true });
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
    // S2: a refusal at create moves the job to another provider; a balance in any language is credit.
    [200, "codeInvalidModel", { kind: "rejected", retryable: false, providerCode: "10001", message: "invalid model" }],
    [200, "codeBalanceChinese", { kind: "out_of_credit", retryable: true }],
  ] as const)("maps a create answered HTTP %i with %s", (status, name, expected) => {
    expect(shortapiError(status, new Headers(), fixtures[name], now, "create")).toMatchObject(expected);
  });

  it("maps a query's not-found code to not_found, and other unknown codes to a protocol problem (polled again)", () => {
    expect(shortapiError(200, new Headers(), fixtures.codeNotFound, now, "read")).toMatchObject({ kind: "not_found", retryable: true, providerCode: "404" });
    expect(shortapiError(200, new Headers(), fixtures.codeInvalidModel, now, "read")).toMatchObject({ kind: "protocol", retryable: true });
  });

  it("falls back to the HTTP status when there is no code", () => {
    expect(shortapiError(401, new Headers(), undefined, now, "create")).toMatchObject({ kind: "unauthorized", retryable: false });
    expect(shortapiError(503, new Headers(), undefined, now, "read")).toMatchObject({ kind: "unavailable", retryable: true });
  });
});

describe("ShortAPI adapter over an injected fetch", () => {
  it("creates with a Bearer key and reads the top-level job_id of the samples", async () => {
    const seen: Request[] = [];
    const input = i2vInputSchema.parse({ first_frame: "https://a/1.png", driving_audio: "https://a/3.mp3" });
    const result = await shortapi.submit(input, { callbackUrl: "https://gw/cb", idempotencyKey: "job_1.1" }, stubContext([{ status: 200, body: fixtures.createdTopLevel }], seen, "https://api.shortapi.ai"));
    expect(result).toEqual({ ok: true, value: { upstreamId: "job-top-1", task: { state: "pending", progress: null, upstreamStatus: "(none)" } } });
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
    const result = await shortapi.submit(i2vInputSchema.parse({ first_frame: "https://a/1.png" }), options, stubContext([{ status: 200, body: fixtures.code400 }]));
    expect(result).toMatchObject({ ok: false, error: { kind: "rejected", retryable: false, httpStatus: 200 } });
  });

  it("queries a job by id", async () => {
    const seen: Request[] = [];
    const result = await shortapi.getTask!("job-nested-1", stubContext([{ status: 200, body: fixtures.succeededVideos }], seen, "https://api.shortapi.ai"));
    expect(result).toMatchObject({ ok: true, value: { state: "completed", urls: ["https://cdn.shortapi.ai/v.mp4"] } });
    expect(seen[0]!.method).toBe("GET");
    expect(seen[0]!.url).toBe("https://api.shortapi.ai/api/v1/job/query?id=job-nested-1");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer test-key");
  });

  it("takes the job id of a callback from any of its locations", () => {
    expect(shortapiSpec.callbackTaskId!(fixtures.createdNested)).toBe("job-nested-1");
    expect(shortapiSpec.callbackTaskId!("garbage")).toBeNull();
  });
});
