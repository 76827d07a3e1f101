import { describe, expect, it } from "vitest";
import { i2vInputSchema } from "../../models/i2v";
import { stubContext } from "../provider-fetch-stub";
import { dashscopeHttpError } from "./dashscope-api";
import { dashscopeSpec } from "./dashscope-spec";
import { dashscopeVideo, dashscopeVideoBody } from "./dashscope-video";

/** What the adapter makes of a task read answering `body`. */
async function read(body: unknown) {
  const result = await dashscopeVideo.getTask!("t", stubContext([{ status: 200, body }]));
  return result.ok ? result.value : result.error;
}

// Recorded shapes from Alibaba's documentation (providers.md §1.2–1.5).
const taskId = "0385dc79-5ff8-4d82-bcb6-xxxxxx";
const fixtures = {
  created: { request_id: "4909100c-7b5a-9f92-bfe5-xxxxxx", output: { task_id: taskId, task_status: "PENDING" } },
  pending: { request_id: "r1", output: { task_id: taskId, task_status: "PENDING", submit_time: "2025-09-25 11:07:28.590" } },
  running: { request_id: "r2", output: { task_id: taskId, task_status: "RUNNING", submit_time: "2025-09-25 11:07:28.590", scheduled_time: "2025-09-25 11:07:35.349" } },
  succeeded: {
    request_id: "r3",
    output: { task_id: taskId, task_status: "SUCCEEDED", submit_time: "2025-09-25 11:07:28.590", scheduled_time: "2025-09-25 11:07:35.349", end_time: "2025-09-25 11:17:11.650", orig_prompt: "a cat", video_url: "https://dashscope-result-sh.oss-accelerate.aliyuncs.com/xxx.mp4?Expires=1" },
    usage: { duration: 15, input_video_duration: 0, output_video_duration: 15, video_count: 1, SR: 720 },
  },
  succeededOutputDurationOnly: { request_id: "r4", output: { task_id: taskId, task_status: "SUCCEEDED", video_url: "https://oss/v.mp4" }, usage: { output_video_duration: 8, video_count: 1 } },
  failedPolicy: { request_id: "r5", output: { task_id: taskId, task_status: "FAILED", code: "DataInspectionFailed", message: "Output data may contain inappropriate content." } },
  failedParameter: { request_id: "r6", output: { task_id: taskId, task_status: "FAILED", code: "InvalidParameter", message: "The image-to-video model must provide an image" } },
  failedInternal: { request_id: "r7", output: { task_id: taskId, task_status: "FAILED", code: "InternalError.Algo", message: "algorithm error" } },
  failedOther: { request_id: "r8", output: { task_id: taskId, task_status: "FAILED", code: "SomethingNew", message: "?" } },
  failedContentCodeElsewhere: { request_id: "r8b", output: { task_id: taskId, task_status: "FAILED", code: "InvalidParameter.DataInspection", message: "?" } },
  canceled: { request_id: "r9", output: { task_id: taskId, task_status: "CANCELED" } },
  unknown: { request_id: "r10", output: { task_id: taskId, task_status: "UNKNOWN" } },
  http400Arrearage: { code: "Arrearage", message: "Access denied, please make sure your account is in good standing.", request_id: "e1" },
  http400Inspection: { code: "DataInspectionFailed", message: "Input data may contain inappropriate content.", request_id: "e2" },
  http400Parameter: { code: "InvalidParameter", message: "url error, please check url!", request_id: "e3" },
  http401: { code: "InvalidApiKey", message: "Invalid API-key provided.", request_id: "e4" },
  http403: { code: "AccessDenied.Unpurchased", message: "Access to model denied.", request_id: "e5" },
  http429: { code: "Throttling.RateQuota", message: "Requests rate limit exceeded, please try again later.", request_id: "e6" },
  http400ArrearageSdkKeys: { error_code: "Arrearage", error_message: "in arrears", request_id: "e9" },
  http400ModelNotExist: { code: "InvalidParameter", message: "Model not exist.", request_id: "e10" },
  http500: { code: "InternalError", message: "An internal error has occured, please try again later.", request_id: "e7" },
  // Assumed shape of a refused cancel (the task is no longer PENDING).
  cancelRefused: { code: "UnsupportedOperation", message: "Failed to cancel the task, please confirm if the task is in PENDING status.", request_id: "e8" },
};

describe("DashScope request body", () => {
  it("puts every material in media[] and sends all parameters explicitly, resolution in uppercase", () => {
    const input = i2vInputSchema.parse({ prompt: "p", negative_prompt: "n", first_frame: "https://a/1.png", last_frame: "https://a/2.png", driving_audio: "https://a/3.mp3", resolution: "1080p", duration: 8, seed: 0, prompt_extend: true, watermark: true });
    expect(dashscopeVideoBody(input)).toEqual({
      model: "wan2.7-i2v",
      input: {
        prompt: "p",
        negative_prompt: "n",
        media: [
          { type: "first_frame", url: "https://a/1.png" },
          { type: "last_frame", url: "https://a/2.png" },
          { type: "driving_audio", url: "https://a/3.mp3" },
        ],
      },
      parameters: { resolution: "1080P", duration: 8, prompt_extend: true, watermark: true, seed: 0 },
    });
  });

  it("sends a continuation as first_clip (+ last_frame) and our defaults, not DashScope's", () => {
    const body = dashscopeVideoBody(i2vInputSchema.parse({ first_clip: "https://a/c.mp4", last_frame: "https://a/e.png" }));
    expect(body).toEqual({
      model: "wan2.7-i2v",
      input: { media: [{ type: "last_frame", url: "https://a/e.png" }, { type: "first_clip", url: "https://a/c.mp4" }] },
      parameters: { resolution: "720P", duration: 5, prompt_extend: false, watermark: false },
    });
  });
});

describe("DashScope task shapes", () => {
  it.each([
    ["created", { state: "pending", progress: null, upstreamStatus: "PENDING" }],
    ["pending", { state: "pending", progress: null, upstreamStatus: "PENDING" }],
    ["running", { state: "running", progress: null, upstreamStatus: "RUNNING" }],
    ["succeeded", { state: "completed", urls: ["https://dashscope-result-sh.oss-accelerate.aliyuncs.com/xxx.mp4?Expires=1"], upstreamStatus: "SUCCEEDED", billedSeconds: 15, providerUsage: fixtures.succeeded.usage }],
    ["succeededOutputDurationOnly", { state: "completed", urls: ["https://oss/v.mp4"], upstreamStatus: "SUCCEEDED", billedSeconds: 8, providerUsage: fixtures.succeededOutputDurationOnly.usage }],
  ] as const)("maps %s", async (name, expected) => {
    expect(await read(fixtures[name])).toEqual(expected);
  });


  it.each([
    ["failedPolicy", { kind: "content_policy", retryable: false, providerCode: "DataInspectionFailed" }],
    ["failedParameter", { kind: "rejected", retryable: false, providerCode: "InvalidParameter" }],
    ["failedInternal", { kind: "generation_failed", retryable: true, providerCode: "InternalError.Algo" }],
    ["failedOther", { kind: "generation_failed", retryable: true, providerCode: "SomethingNew" }],
    ["failedContentCodeElsewhere", { kind: "content_policy", retryable: false, providerCode: "InvalidParameter.DataInspection" }],
    // A task DashScope canceled or forgot bills nothing more: the job fails over (D2).
    ["canceled", { kind: "canceled", retryable: true }],
    ["unknown", { kind: "not_found", retryable: true }],
  ] as const)("maps %s to a failure", async (name, error) => {
    expect(await read(fixtures[name])).toMatchObject({ state: "failed", error });
  });

  it("waits on a SUSPENDED task (D1): it may resume and bill", async () => {
    expect(await read({ output: { task_id: taskId, task_status: "SUSPENDED" } })).toEqual({ state: "paused", progress: null, upstreamStatus: "SUSPENDED" });
  });

  it("reads a status it does not know as unknown, never as terminal or running", async () => {
    expect(await read({ output: { task_id: "x", task_status: "EXPLODED" } })).toEqual({ state: "unknown", progress: null, upstreamStatus: "EXPLODED" });
  });

  it("reports an answer without a task, or a success without a URL, as a protocol problem", async () => {
    expect(await read({ output: { task_status: "SUCCEEDED" } })).toMatchObject({ kind: "protocol", retryable: true, httpStatus: 200 });
    expect(await read({ output: { task_id: "x", task_status: "SUCCEEDED" } })).toMatchObject({ state: "failed", error: { kind: "protocol", retryable: true } });
  });
});

describe("DashScope errors", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  it.each([
    [400, "http400Arrearage", { kind: "out_of_credit", retryable: true, providerCode: "Arrearage" }],
    [400, "http400Inspection", { kind: "content_policy", retryable: false }],
    [400, "http400Parameter", { kind: "rejected", retryable: false }],
    [401, "http401", { kind: "unauthorized", retryable: false }],
    [403, "http403", { kind: "unauthorized", retryable: false, providerCode: "AccessDenied.Unpurchased" }],
    [429, "http429", { kind: "rate_limited", retryable: true }],
    [500, "http500", { kind: "unavailable", retryable: true, httpStatus: 500 }],
    // D3: the current SDK also reads these keys.
    [400, "http400ArrearageSdkKeys", { kind: "out_of_credit", retryable: true, providerCode: "Arrearage", message: "in arrears" }],
    // D4: a model or region DashScope does not have is its refusal, not bad input.
    [400, "http400ModelNotExist", { kind: "rejected", retryable: false, providerCode: "InvalidParameter" }],
  ] as const)("maps HTTP %i %s", (status, name, expected) => {
    expect(dashscopeHttpError(status, new Headers(), fixtures[name], now)).toMatchObject(expected);
  });
});

describe("DashScope adapter over an injected fetch", () => {
  it("creates asynchronously with a Bearer key and X-DashScope-Async", async () => {
    const seen: Request[] = [];
    const input = i2vInputSchema.parse({ first_frame: "https://a/1.png", driving_audio: "https://a/3.mp3" });
    const result = await dashscopeVideo.submit(input, { callbackUrl: "https://gw/cb", idempotencyKey: "job_1.1" }, stubContext([{ status: 200, body: fixtures.created }], seen, "https://dashscope-intl.aliyuncs.com"));
    expect(result).toEqual({ ok: true, value: { upstreamId: taskId, task: { state: "pending", progress: null, upstreamStatus: "PENDING" } } });
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.url).toBe("https://dashscope-intl.aliyuncs.com/api/v1/services/aigc/video-generation/video-synthesis");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer test-key");
    expect(seen[0]!.headers.get("x-dashscope-async")).toBe("enable");
    // Poll-only, no idempotent create: neither the callback URL nor the key is sent.
    expect(await seen[0]!.json()).toEqual(dashscopeVideoBody(input));
    expect(seen[0]!.headers.get("idempotency-key")).toBeNull();
  });

  it("takes a workspace domain, or a base URL given with Alibaba's /api/v1 suffix (D5)", async () => {
    for (const base of ["https://ws-1a2b.ap-southeast-1.maas.aliyuncs.com", "https://dashscope-us.aliyuncs.com/api/v1"]) {
      const seen: Request[] = [];
      await dashscopeVideo.getTask!(taskId, stubContext([{ status: 200, body: fixtures.running }], seen, base));
      expect(seen[0]!.url).toBe(`${base.replace(/\/api\/v1$/, "")}/api/v1/tasks/${taskId}`);
    }
  });

  it("reads a task at /api/v1/tasks/{id}", async () => {
    const seen: Request[] = [];
    const result = await dashscopeVideo.getTask!(taskId, stubContext([{ status: 200, body: fixtures.succeeded }], seen));
    expect(result).toMatchObject({ ok: true, value: { state: "completed", billedSeconds: 15 } });
    expect(seen[0]!.method).toBe("GET");
    expect(seen[0]!.url).toBe(`https://provider.test/api/v1/tasks/${taskId}`);
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer test-key");
  });

  it("cancels a pending task, and returns a refusal as an error value", async () => {
    const seen: Request[] = [];
    expect(await dashscopeVideo.cancel!(taskId, stubContext([{ status: 200, body: { request_id: "c1" } }], seen))).toEqual({ ok: true, value: undefined });
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.url).toBe(`https://provider.test/api/v1/tasks/${taskId}/cancel`);
    const refused = await dashscopeVideo.cancel!(taskId, stubContext([{ status: 400, body: fixtures.cancelRefused }]));
    expect(refused).toMatchObject({ ok: false, error: { kind: "rejected", retryable: false, providerCode: "UnsupportedOperation" } });
  });

  it("passes a Retry-After of a 429 through", async () => {
    const result = await dashscopeVideo.getTask!(taskId, stubContext([{ status: 429, body: fixtures.http429, headers: { "retry-after": "7" } }]));
    expect(result).toMatchObject({ ok: false, error: { kind: "rate_limited", retryAfterMs: 7000 } });
  });

  it("has no callback reader: DashScope is poll-only", () => {
    expect(dashscopeSpec.callbackTaskId).toBeUndefined();
    expect(dashscopeVideo.capabilities.callbacks).toBe(false);
  });
});
