import { describe, expect, it } from "vitest";
import { i2vInputSchema } from "../../models/i2v";
import type { AdapterContext } from "../provider-adapter";
import { evolinkAdapter, evolinkHttpError, evolinkTask, evolinkVideoBody } from "./evolink-adapter";

// Recorded shapes from EvoLink's documentation (providers.md §2.2–2.5).
const fixtures = {
  created: { created: 1757169743, id: "task-unified-1757169743-7cvnl5zw", model: "wan2.7-image-to-video", object: "video.generation.task", progress: 0, status: "pending", task_info: { can_cancel: true, estimated_time: 120 }, type: "video", usage: { billing_rule: "per_call", credits_reserved: 5, user_group: "default" } },
  pending: { id: "task-unified-1757169743-7cvnl5zw", object: "video.generation.task", created: 1757169743, model: "wan2.7-image-to-video", status: "pending", progress: 0, type: "video", task_info: { can_cancel: true, estimated_time: 165, video_duration: 5 } },
  processing: { id: "task-unified-1757169743-7cvnl5zw", object: "video.generation.task", status: "processing", progress: 65, type: "video", task_info: { can_cancel: true } },
  completed: { id: "task-unified-1757169743-7cvnl5zw", object: "video.generation.task", status: "completed", progress: 100, results: ["https://media.evolink.ai/v.mp4"], task_info: { can_cancel: false } },
  failed: { id: "task-unified-1757169743-7cvnl5zw", status: "failed", progress: 0, error: { code: "content_policy_violation", message: "blocked" } },
  failedRetryable: { id: "task-unified-1757169743-7cvnl5zw", status: "failed", error: { code: "service_error", message: "try later" } },
  http402: { error: { code: 402, message: "Insufficient quota", type: "insufficient_quota_error" } },
  http429: { error: { code: 429, message: "Too many requests", type: "rate_limit_error", fallback_suggestion: "retry after 60 seconds" } },
  http400String: { error: { code: "invalid_task_id", message: "Invalid task ID format, must start with 'task-unified-'", type: "invalid_request_error", param: "task_id" } },
  http503: { error: { code: 503, message: "busy", type: "service_unavailable_error" } },
};

describe("EvoLink request body", () => {
  it("translates every field to EvoLink's names", () => {
    const input = i2vInputSchema.parse({ prompt: "p", negative_prompt: "n", first_frame: "https://a/1.png", last_frame: "https://a/2.png", driving_audio: "https://a/3.mp3", resolution: "1080p", duration: 8, seed: 7, prompt_extend: true });
    expect(evolinkVideoBody(input, "https://gw/cb")).toEqual({
      model: "wan2.7-image-to-video",
      generation_mode: "first_last_frame",
      prompt: "p",
      negative_prompt: "n",
      image_start: "https://a/1.png",
      image_end: "https://a/2.png",
      audio_urls: ["https://a/3.mp3"],
      quality: "1080p",
      duration: 8,
      seed: 7,
      prompt_extend: true,
      callback_url: "https://gw/cb",
    });
  });

  it("sends a continuation clip as a one-element video_urls", () => {
    const body = evolinkVideoBody(i2vInputSchema.parse({ first_clip: "https://a/c.mp4", last_frame: "https://a/e.png" }), null);
    expect(body).toMatchObject({ generation_mode: "video_continuation", video_urls: ["https://a/c.mp4"], image_end: "https://a/e.png" });
    expect(body).not.toHaveProperty("callback_url");
    expect(body).not.toHaveProperty("image_start");
  });
});

describe("EvoLink task shapes", () => {
  it.each([
    ["created", { state: "pending", progress: 0, upstreamStatus: "pending" }],
    ["pending", { state: "pending", progress: 0, upstreamStatus: "pending" }],
    ["processing", { state: "running", progress: 65, upstreamStatus: "processing" }],
    ["completed", { state: "completed", urls: ["https://media.evolink.ai/v.mp4"], upstreamStatus: "completed" }],
  ] as const)("maps %s", (name, expected) => {
    expect(evolinkTask(fixtures[name])).toEqual(expected);
  });

  it("maps a policy failure as final and a service error as retryable", () => {
    expect(evolinkTask(fixtures.failed)).toMatchObject({ state: "failed", error: { kind: "content_policy", retryable: false, providerCode: "content_policy_violation" } });
    expect(evolinkTask(fixtures.failedRetryable)).toMatchObject({ state: "failed", error: { kind: "generation_failed", retryable: true, providerCode: "service_error" } });
  });

  it("rejects shapes it does not understand instead of guessing", () => {
    expect(evolinkTask({ status: "completed" })).toBeNull();
    expect(evolinkTask({ id: "x", status: "exploded" })).toBeNull();
    expect(evolinkTask({ id: "x", status: "completed", results: [] })).toMatchObject({ state: "failed", error: { kind: "protocol" } });
  });
});

describe("EvoLink errors", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  it("maps 402 insufficient_quota_error to out_of_credit", () => {
    expect(evolinkHttpError(402, new Headers(), fixtures.http402, now)).toMatchObject({ kind: "out_of_credit", retryable: true, providerCode: "insufficient_quota_error" });
  });
  it("reads the retry hint of a 429 from fallback_suggestion", () => {
    expect(evolinkHttpError(429, new Headers(), fixtures.http429, now)).toMatchObject({ kind: "rate_limited", retryable: true, retryAfterMs: 60_000 });
  });
  it("prefers a Retry-After header", () => {
    expect(evolinkHttpError(429, new Headers({ "retry-after": "3" }), fixtures.http429, now).retryAfterMs).toBe(3000);
  });
  it("accepts a string error code", () => {
    expect(evolinkHttpError(400, new Headers(), fixtures.http400String, now)).toMatchObject({ kind: "rejected", retryable: false });
  });
  it("maps 503 to a retryable unavailable", () => {
    expect(evolinkHttpError(503, new Headers(), fixtures.http503, now)).toMatchObject({ kind: "unavailable", retryable: true, httpStatus: 503 });
  });
});

describe("EvoLink adapter over an injected fetch", () => {
  function contextAnswering(status: number, body: unknown, seen: Request[] = []): AdapterContext {
    return {
      baseUrl: "https://api.evolink.test",
      apiKey: "sk-evo-test",
      now: () => 0,
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        seen.push(new Request(input as RequestInfo, init));
        return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
      }) as typeof fetch,
    };
  }

  it("creates with a Bearer key at /v1/videos/generations", async () => {
    const seen: Request[] = [];
    const result = await evolinkAdapter.submitVideo(i2vInputSchema.parse({ first_frame: "https://a/1.png" }), { callbackUrl: null }, contextAnswering(200, fixtures.created, seen));
    expect(result).toEqual({ ok: true, value: { upstreamId: "task-unified-1757169743-7cvnl5zw", task: { state: "pending", progress: 0, upstreamStatus: "pending" } } });
    expect(seen[0]!.url).toBe("https://api.evolink.test/v1/videos/generations");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer sk-evo-test");
  });

  it("reads a task at /v1/tasks/{id}", async () => {
    const seen: Request[] = [];
    const result = await evolinkAdapter.getTask("task-unified-1-x", contextAnswering(200, fixtures.completed, seen));
    expect(result).toMatchObject({ ok: true, value: { state: "completed" } });
    expect(seen[0]!.url).toBe("https://api.evolink.test/v1/tasks/task-unified-1-x");
  });

  it("turns a network failure into a retryable error value", async () => {
    const context: AdapterContext = { baseUrl: "https://x", apiKey: "k", now: () => 0, fetch: (async () => { throw new TypeError("connection reset"); }) as typeof fetch };
    expect(await evolinkAdapter.getTask("t", context)).toEqual({ ok: false, error: { kind: "unavailable", message: "the provider could not be reached", retryable: true } });
  });

  it("takes the task id of a callback from its body", () => {
    expect(evolinkAdapter.callbackTaskId!(fixtures.completed)).toBe("task-unified-1757169743-7cvnl5zw");
    expect(evolinkAdapter.callbackTaskId!("garbage")).toBeNull();
  });
});
