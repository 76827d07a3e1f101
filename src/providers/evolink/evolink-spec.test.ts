import { describe, expect, it } from "vitest";
import { i2vInputSchema } from "../../models/i2v";
import type { AdapterContext } from "../provider-adapter";
import { stubContext } from "../provider-fetch-stub";
import { evolinkHttpError, evolinkSpec, evolinkVideoBody } from "./evolink-spec";

const evolink = evolinkSpec.models["wan2.7-i2v"]!;

/** What the adapter makes of a task read answering `body`. */
async function read(body: unknown) {
  const result = await evolink.getTask!("t", stubContext([{ status: 200, body }]));
  return result.ok ? result.value : result.error;
}

// Recorded shapes from EvoLink's documentation (providers.md §2.2–2.5).
const fixtures = {
  created: { created: 1757169743, id: "task-unified-1757169743-7cvnl5zw", model: "wan2.7-image-to-video", object: "video.generation.task", progress: 0, status: "pending", task_info: { can_cancel: true, estimated_time: 120 }, type: "video", usage: { billing_rule: "per_call", credits_reserved: 5, user_group: "default" } },
  pending: { id: "task-unified-1757169743-7cvnl5zw", object: "video.generation.task", created: 1757169743, model: "wan2.7-image-to-video", status: "pending", progress: 0, type: "video", task_info: { can_cancel: true, estimated_time: 165, video_duration: 5 } },
  processing: { id: "task-unified-1757169743-7cvnl5zw", object: "video.generation.task", status: "processing", progress: 65, type: "video", task_info: { can_cancel: true } },
  completed: { id: "task-unified-1757169743-7cvnl5zw", object: "video.generation.task", status: "completed", progress: 100, results: ["https://media.evolink.ai/v.mp4"], task_info: { can_cancel: false } },
  failed: { id: "task-unified-1757169743-7cvnl5zw", status: "failed" as const, progress: 0, error: { code: "content_policy_violation", message: "blocked" } },
  failedRetryable: { id: "task-unified-1757169743-7cvnl5zw", status: "failed" as const, error: { code: "service_error", message: "try later" } },
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
  ] as const)("maps %s", async (name, expected) => {
    expect(await read(fixtures[name])).toEqual(expected);
  });

  it("reads result_data[].video_url (E4), as EvoLink's own client does", async () => {
    expect(await read({ id: "x", status: "completed", result_data: [{ video_url: "https://media.evolink.ai/r.mp4", duration: 5 }] })).toMatchObject({ state: "completed", urls: ["https://media.evolink.ai/r.mp4"] });
    expect(await read({ id: "x", status: "completed", result_data: { video_url: "https://media.evolink.ai/o.mp4" } })).toMatchObject({ state: "completed", urls: ["https://media.evolink.ai/o.mp4"] });
  });

  it("keeps EvoLink's usage verbatim on a completed task", async () => {
    const usage = { credits_used: 12, cost: { usd: 0.17 } };
    expect(await read({ ...fixtures.completed, usage })).toMatchObject({ state: "completed", providerUsage: usage });
  });

  it.each([
    ["a policy failure as final", fixtures.failed, { kind: "content_policy", retryable: false, providerCode: "content_policy_violation" }],
    ["a service error as retryable", fixtures.failedRetryable, { kind: "generation_failed", retryable: true, providerCode: "service_error" }],
    // E1: a task cancelled at EvoLink bills nothing more; the job moves on.
    ["a cancelled task without an error as canceled", { id: "x", status: "cancelled" }, { kind: "canceled", retryable: true, providerCode: "request_cancelled" }],
    ["the American spelling the same way", { id: "x", status: "canceled" }, { kind: "canceled", retryable: true }],
    // E2: EvoLink's own upstream accounts, and codes nobody documents, are retryable.
    ["a channel_* code as a retryable generation failure", { id: "x", status: "failed", error: { code: "channel_quota_exhausted", message: "m" } }, { kind: "generation_failed", retryable: true, providerCode: "channel_quota_exhausted" }],
    ["an undocumented code as a retryable generation failure", { id: "x", status: "failed", error: { code: "something_new", message: "m" } }, { kind: "generation_failed", retryable: true }],
    ["a rule code as EvoLink refusing the input", { id: "x", status: "failed", error: { code: "invalid_audio", message: "m" } }, { kind: "rejected", retryable: false, providerCode: "invalid_audio" }],
    // E3: EvoLink refunds failed tasks; another provider's try is not billed twice.
    ["generation_failed_no_content as retryable", { id: "x", status: "failed", error: { code: "generation_failed_no_content", message: "m" } }, { kind: "generation_failed", retryable: true }],
  ] as const)("maps %s", async (_name, body, error) => {
    expect(await read(body)).toMatchObject({ state: "failed", error });
  });

  it("reads a status it does not know as unknown, never as terminal or running", async () => {
    expect(await read({ id: "x", status: "exploded", progress: 40 })).toEqual({ state: "unknown", progress: null, upstreamStatus: "exploded" });
  });

  it("reports a shape it cannot read, or a completion without a URL, as a protocol problem", async () => {
    expect(await read({ id: "x" })).toMatchObject({ kind: "protocol", retryable: true });
    expect(await read({ id: "x", status: "completed", results: [] })).toMatchObject({ state: "failed", error: { kind: "protocol" } });
  });
});

describe("EvoLink errors", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  it("maps 402 insufficient_quota_error to out_of_credit", () => {
    expect(evolinkHttpError(402, new Headers(), fixtures.http402, now)).toMatchObject({ kind: "out_of_credit", retryable: true, providerCode: "insufficient_quota_error" });
  });
  it.each([
    ["key_quota_exhausted", 402, { kind: "out_of_credit", retryable: true }],
    ["key_disabled", 402, { kind: "unauthorized", retryable: false }],
    ["key_model_not_allowed", 402, { kind: "rejected", retryable: false }],
    ["model_unavailable", 503, { kind: "unavailable", retryable: true }],
    ["paid_outcome_unknown", 409, { kind: "timeout", retryable: true }],
  ] as const)("maps the error code %s by its meaning", (code, status, expected) => {
    expect(evolinkHttpError(status, new Headers(), { error: { code, message: "m" } }, now)).toMatchObject({ ...expected, providerCode: code });
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

  it("creates with a Bearer key and the attempt's Idempotency-Key at /v1/videos/generations", async () => {
    const seen: Request[] = [];
    const result = await evolink.submit(i2vInputSchema.parse({ first_frame: "https://a/1.png" }), { callbackUrl: null, idempotencyKey: "job_1.1" }, contextAnswering(200, fixtures.created, seen));
    expect(result).toEqual({ ok: true, value: { upstreamId: "task-unified-1757169743-7cvnl5zw", task: { state: "pending", progress: 0, upstreamStatus: "pending" }, providerUsage: fixtures.created.usage } });
    expect(seen[0]!.url).toBe("https://api.evolink.test/v1/videos/generations");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer sk-evo-test");
    expect(seen[0]!.headers.get("idempotency-key")).toBe("job_1.1");
  });

  it("keeps a created task whose status it does not know (E5): it has an id, so it is ours", async () => {
    const result = await evolink.submit(i2vInputSchema.parse({ first_frame: "https://a/1.png" }), { callbackUrl: null, idempotencyKey: "k" }, contextAnswering(200, { id: "task-unified-9", status: "queued_for_review" }));
    expect(result).toEqual({ ok: true, value: { upstreamId: "task-unified-9", task: { state: "unknown", progress: null, upstreamStatus: "queued_for_review" } } });
  });

  it("reads a task at /v1/tasks/{id}", async () => {
    const seen: Request[] = [];
    const result = await evolink.getTask!("task-unified-1-x", contextAnswering(200, fixtures.completed, seen));
    expect(result).toMatchObject({ ok: true, value: { state: "completed" } });
    expect(seen[0]!.url).toBe("https://api.evolink.test/v1/tasks/task-unified-1-x");
  });

  it("turns a network failure into a retryable error value", async () => {
    const context: AdapterContext = { baseUrl: "https://x", apiKey: "k", now: () => 0, fetch: (async () => { throw new TypeError("connection reset"); }) as typeof fetch };
    expect(await evolink.getTask!("t", context)).toEqual({ ok: false, error: { kind: "unavailable", message: "the provider could not be reached", retryable: true } });
  });

  it("takes the task id of a callback from its body", () => {
    expect(evolinkSpec.callbackTaskId!(fixtures.completed)).toBe("task-unified-1757169743-7cvnl5zw");
    expect(evolinkSpec.callbackTaskId!("garbage")).toBeNull();
  });
});
