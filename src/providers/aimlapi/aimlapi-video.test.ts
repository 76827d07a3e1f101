import { describe, expect, it } from "vitest";
import { i2vInputSchema } from "../../models/i2v";
import { stubContext } from "../provider-fetch-stub";
import { aimlapiHttpError } from "./aimlapi-api";
import { aimlapiSpec } from "./aimlapi-spec";
import { aimlapiVideo, aimlapiVideoBody } from "./aimlapi-video";

/** What the adapter makes of a generation read answering `body`. */
async function read(body: unknown) {
  const result = await aimlapiVideo.getTask!(id, stubContext([{ status: 200, body }]));
  return result.ok ? result.value : result.error;
}

// Recorded shapes from AI/ML API's documentation and OpenAPI files (providers.md §4.2–4.6).
const id = "6_slPtsld56BC5D7MSfaH";
const fixtures = {
  created: { id, status: "queued" },
  queued: { id, status: "queued", video: null, error: null, meta: null },
  generating: { id, status: "generating", video: null, error: null, meta: null },
  completed: { id, status: "completed", video: { url: "https://cdn.aimlapi.com/generations/alligator/v.mp4" }, error: null, meta: { usage: { credits_used: 1260000, usd_spent: 0.63 } } },
  completedWithoutUrl: { id, status: "completed", video: null },
  error: { id, status: "error", video: null, error: { name: "GenerationError", message: "The generation failed" } },
  failed: { id, status: "failed", error: { name: "Error", message: "failed upstream" } },
  dreaming: { id, status: "dreaming" },
  waiting: { id, status: "waiting" },
  active: { id, status: "active" },
  http400: { message: "Body validation error", path: "/v2/video/generations", requestId: "r1", statusCode: 400, timestamp: "2026-11-24T12:00:00.000Z" },
  http401: { message: "Unauthorized", path: "/v2/video/generations", requestId: "r2", statusCode: 401, timestamp: "2026-11-24T12:00:00.000Z" },
  http403Credits: { message: "You've run out of credits. Please top up your balance or update your payment method to continue: https://aimlapi.com/app/billing/", path: "/v2/video/generations", requestId: "r3", statusCode: 403, timestamp: "2026-11-24T12:00:00.000Z" },
  http403: { message: "Forbidden", path: "/v2/video/generations", requestId: "r4", statusCode: 403, timestamp: "2026-11-24T12:00:00.000Z" },
  http429: { message: "Too Many Requests", path: "/v2/video/generations", requestId: "r5", statusCode: 429, timestamp: "2026-11-24T12:00:00.000Z" },
  http500: { message: "Internal server error", path: "/v2/video/generations", requestId: "r6", statusCode: 500, timestamp: "2026-11-24T12:00:00.000Z" },
};

describe("AI/ML API request body", () => {
  it("translates a first frame with driving audio and every option, expansion under both its names (A2)", () => {
    const input = i2vInputSchema.parse({ prompt: "p", negative_prompt: "n", first_frame: "https://a/1.png", driving_audio: "https://a/3.mp3", resolution: "1080p", duration: 10, seed: 7, prompt_extend: true });
    expect(aimlapiVideoBody(input)).toEqual({
      model: "alibaba/wan-2-7-i2v",
      prompt: "p",
      image_url: "https://a/1.png",
      audio_url: "https://a/3.mp3",
      resolution: "1080p",
      duration: 10,
      enable_prompt_expansion: true,
      enhance_prompt: true,
      negative_prompt: "n",
      seed: 7,
      watermark: false,
    });
  });

  it("declares no watermark (A4): AI/ML's is invisible, not Alibaba's visible mark", () => {
    expect(aimlapiVideo.capabilities.watermark).toBe(false);
  });

  it("sends an empty prompt when there is none, and our defaults rather than AI/ML's", () => {
    expect(aimlapiVideoBody(i2vInputSchema.parse({ first_frame: "https://a/1.png" }))).toEqual({
      model: "alibaba/wan-2-7-i2v",
      prompt: "",
      image_url: "https://a/1.png",
      resolution: "720p",
      duration: 5,
      enable_prompt_expansion: false,
      enhance_prompt: false,
      watermark: false,
    });
  });

  it("declares first frame only and durations 5/10/15", () => {
    expect(aimlapiVideo.capabilities.modes).toEqual(["first_frame"]);
    expect(aimlapiVideo.capabilities.durations).toEqual([5, 10, 15]);
  });
});

describe("AI/ML API generation shapes", () => {
  it.each([
    ["created", { state: "pending", progress: null, upstreamStatus: "queued" }],
    ["queued", { state: "pending", progress: null, upstreamStatus: "queued" }],
    ["generating", { state: "running", progress: null, upstreamStatus: "generating" }],
    ["completed", { state: "completed", urls: ["https://cdn.aimlapi.com/generations/alligator/v.mp4"], upstreamStatus: "completed", providerUsage: { credits_used: 1260000, usd_spent: 0.63 } }],
    // A1: the same endpoint's in-progress statuses for other models.
    ["waiting", { state: "pending", progress: null, upstreamStatus: "waiting" }],
    ["active", { state: "running", progress: null, upstreamStatus: "active" }],
    // Never terminal: a generation AI/ML may still be making (and billing) is not abandoned.
    ["dreaming", { state: "unknown", progress: null, upstreamStatus: "dreaming" }],
  ] as const)("maps %s", async (name, expected) => {
    expect(await read(fixtures[name])).toEqual(expected);
  });

  it.each([
    ["error", { kind: "generation_failed", retryable: true, providerCode: "GenerationError", message: "The generation failed" }],
    ["failed", { kind: "generation_failed", retryable: true }],
    ["completedWithoutUrl", { kind: "protocol", retryable: true }],
  ] as const)("maps %s to a failure", async (name, error) => {
    expect(await read(fixtures[name])).toMatchObject({ state: "failed", error });
  });

  it("reports a body without a status as not understood", async () => {
    expect(await read({ id })).toMatchObject({ kind: "protocol", retryable: true });
  });
});

describe("AI/ML API errors", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  it.each([
    [400, "http400", { kind: "rejected", retryable: false }],
    [401, "http401", { kind: "unauthorized", retryable: false }],
    [403, "http403Credits", { kind: "out_of_credit", retryable: true, httpStatus: 403 }],
    [403, "http403", { kind: "unauthorized", retryable: false }],
    [429, "http429", { kind: "rate_limited", retryable: true }],
    [500, "http500", { kind: "unavailable", retryable: true }],
  ] as const)("maps HTTP %i %s", (status, name, expected) => {
    expect(aimlapiHttpError(status, new Headers(), fixtures[name], now)).toMatchObject(expected);
  });

  it("joins a list of validation messages", () => {
    expect(aimlapiHttpError(400, new Headers(), { message: ["duration must be one of 5, 10, 15", "image_url is required"], statusCode: 400 }, now).message).toBe("duration must be one of 5, 10, 15; image_url is required");
  });
});

describe("AI/ML API adapter over an injected fetch", () => {
  it("creates at /v2/video/generations with a Bearer key", async () => {
    const seen: Request[] = [];
    const input = i2vInputSchema.parse({ first_frame: "https://a/1.png", prompt: "a cat", duration: 15 });
    const result = await aimlapiVideo.submit(input, { callbackUrl: null, idempotencyKey: "job_1.1" }, stubContext([{ status: 201, body: fixtures.created }], seen, "https://api.aimlapi.com"));
    expect(result).toEqual({ ok: true, value: { upstreamId: id, task: { state: "pending", progress: null, upstreamStatus: "queued" } } });
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.url).toBe("https://api.aimlapi.com/v2/video/generations");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer test-key");
    expect(await seen[0]!.json()).toEqual({ model: "alibaba/wan-2-7-i2v", prompt: "a cat", image_url: "https://a/1.png", resolution: "720p", duration: 15, enable_prompt_expansion: false, enhance_prompt: false, watermark: false });
  });

  it("reads a generation by query parameter", async () => {
    const seen: Request[] = [];
    const result = await aimlapiVideo.getTask!(id, stubContext([{ status: 200, body: fixtures.completed }], seen, "https://api.aimlapi.com"));
    expect(result).toMatchObject({ ok: true, value: { state: "completed" } });
    expect(seen[0]!.method).toBe("GET");
    expect(seen[0]!.url).toBe(`https://api.aimlapi.com/v2/video/generations?generation_id=${id}`);
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer test-key");
  });

  it("has no callback reader: AI/ML API is poll-only", () => {
    expect(aimlapiSpec.callbackTaskId).toBeUndefined();
  });
});
