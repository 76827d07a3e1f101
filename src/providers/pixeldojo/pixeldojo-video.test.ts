import { describe, expect, it } from "vitest";
import { i2vInputSchema } from "../../models/i2v";
import { stubContext } from "../provider-fetch-stub";
import { pixeldojoHttpError } from "./pixeldojo-api";
import { pixeldojoSpec } from "./pixeldojo-spec";
import { pixeldojoVideo, pixeldojoVideoBody } from "./pixeldojo-video";

/** What the adapter makes of a job read answering `body`. */
async function read(body: unknown) {
  const result = await pixeldojoVideo.getTask!("job_abc123", stubContext([{ status: 200, body }]));
  return result.ok ? result.value : result.error;
}

// Recorded shapes from PixelDojo's documentation, current and older (providers.md §3.2–3.6).
const fixtures = {
  created: { jobId: "job_abc123", status: "pending", statusUrl: "https://pixeldojo.ai/api/v1/jobs/job_abc123", creditCost: 13, creditsRemaining: 95 },
  processing: { jobId: "job_abc123", status: "processing" },
  completedOutputVideo: { jobId: "job_abc123", status: "completed", output: { video: "https://temp.pixeldojo.ai/v.mp4" }, creditCost: 13 },
  completedOutputImages: { jobId: "job_abc123", status: "completed", output: { images: ["https://temp.pixeldojo.ai/i.png"] }, creditCost: 2 },
  completedAssets: { jobId: "job_abc123", status: "completed", assets: [{ url: "https://temp.pixeldojo.ai/a.mp4", type: "video" }] },
  completedEmpty: { jobId: "job_abc123", status: "completed", output: {} },
  failedString: { jobId: "job_abc123", status: "failed", error: "Generation failed" },
  failedObject: { jobId: "job_abc123", status: "failed", error: { code: "invalid_request", message: "bad image" } },
  http401: { error: { code: "unauthorized", message: "Invalid or missing API key", status: 401 } },
  http402: { error: { code: "insufficient_credits", message: "Not enough credits", status: 402 } },
  http403Credits: { error: { code: "insufficient_credits", message: "Insufficient credits. Required: 13, Available: 2", status: 403 } },
  http400: { error: { code: "invalid_request", message: "Invalid parameters", status: 400 } },
  http404Model: { error: { code: "model_not_found", message: "Model ID not found", status: 404 } },
  http429: { error: { code: "rate_limited", message: "Too many requests", status: 429 } },
  http500: { error: { code: "internal_error", message: "Server error", status: 500 } },
};

describe("PixelDojo request body", () => {
  it("translates a first+last frame request to PixelDojo's names, with the webhook", () => {
    const input = i2vInputSchema.parse({ prompt: "p", negative_prompt: "n", first_frame: "https://a/1.png", last_frame: "https://a/2.png", resolution: "1080p", duration: 8, seed: 7, prompt_extend: true });
    expect(pixeldojoVideoBody(input, "https://gw/cb")).toEqual({
      mode: "image-to-video",
      prompt: "p",
      negative_prompt: "n",
      image_url: "https://a/1.png",
      last_frame_url: "https://a/2.png",
      resolution: "1080p",
      duration: 8,
      enable_prompt_expansion: true,
      seed: 7,
      webhook_url: "https://gw/cb",
    });
  });

  it("sends a continuation as video-extend with video_url", () => {
    const body = pixeldojoVideoBody(i2vInputSchema.parse({ first_clip: "https://a/c.mp4" }), null);
    expect(body).toEqual({ mode: "video-extend", video_url: "https://a/c.mp4", resolution: "720p", duration: 5, enable_prompt_expansion: false });
  });

  it("declares no driving audio, so routing never sends it here", () => {
    expect(pixeldojoVideo.capabilities.drivingAudio).toBe(false);
  });
});

describe("PixelDojo job shapes", () => {
  it.each([
    ["created", { state: "pending", progress: null, upstreamStatus: "pending" }],
    // P3: only pending, completed and failed are documented; "processing" is a guess, not running.
    ["processing", { state: "unknown", progress: null, upstreamStatus: "processing" }],
    ["completedOutputVideo", { state: "completed", urls: ["https://temp.pixeldojo.ai/v.mp4"], upstreamStatus: "completed", providerUsage: { creditCost: 13 } }],
    ["completedOutputImages", { state: "completed", urls: ["https://temp.pixeldojo.ai/i.png"], upstreamStatus: "completed", providerUsage: { creditCost: 2 } }],
    ["completedAssets", { state: "completed", urls: ["https://temp.pixeldojo.ai/a.mp4"], upstreamStatus: "completed" }],
  ] as const)("maps %s", async (name, expected) => {
    expect(await read(fixtures[name])).toEqual(expected);
  });

  it.each([
    // P5: one field of an unexpected type never hides the status.
    ["a string progress", { jobId: "j", status: "pending", progress: "45%" }, { state: "pending", progress: 45, upstreamStatus: "pending" }],
    ["output.video as {url}", { jobId: "j", status: "completed", output: { video: { url: "https://temp.pixeldojo.ai/o.mp4" } } }, { state: "completed", urls: ["https://temp.pixeldojo.ai/o.mp4"], upstreamStatus: "completed" }],
    ["output.video as a list", { jobId: "j", status: "completed", output: { video: ["https://temp.pixeldojo.ai/l.mp4"] } }, { state: "completed", urls: ["https://temp.pixeldojo.ai/l.mp4"], upstreamStatus: "completed" }],
    ["output.image (singular)", { jobId: "j", status: "completed", output: { image: "https://temp.pixeldojo.ai/s.png" } }, { state: "completed", urls: ["https://temp.pixeldojo.ai/s.png"], upstreamStatus: "completed" }],
    ["an undocumented cancelled status", { jobId: "j", status: "cancelled" }, { state: "unknown", progress: null, upstreamStatus: "cancelled" }],
  ] as const)("reads %s", async (_name, body, expected) => {
    expect(await read(body)).toEqual(expected);
  });

  it("maps failures whose error is a string or an object", async () => {
    expect(await read(fixtures.failedString)).toMatchObject({ state: "failed", error: { kind: "generation_failed", message: "Generation failed", retryable: true } });
    expect(await read(fixtures.failedObject)).toMatchObject({ state: "failed", error: { kind: "rejected", message: "bad image", retryable: false, providerCode: "invalid_request" } });
  });

  it("treats a completion without a URL as a protocol failure, and a job without a status as not understood", async () => {
    expect(await read(fixtures.completedEmpty)).toMatchObject({ state: "failed", error: { kind: "protocol", retryable: true } });
    expect(await read({ jobId: "job_x" })).toMatchObject({ kind: "protocol", retryable: true });
  });
});

describe("PixelDojo errors", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  it.each([
    [401, "http401", { kind: "unauthorized", retryable: false }],
    [402, "http402", { kind: "out_of_credit", retryable: true, providerCode: "insufficient_credits" }],
    [403, "http403Credits", { kind: "out_of_credit", retryable: true, providerCode: "insufficient_credits" }],
    [400, "http400", { kind: "rejected", retryable: false }],
    [404, "http404Model", { kind: "rejected", retryable: false, providerCode: "model_not_found" }],
    [429, "http429", { kind: "rate_limited", retryable: true }],
    [500, "http500", { kind: "unavailable", retryable: true }],
  ] as const)("maps HTTP %i %s", (status, name, expected) => {
    expect(pixeldojoHttpError(status, new Headers(), fixtures[name], now)).toMatchObject(expected);
  });

  it("reads the wait of a 429 from Retry-After, else from X-RateLimit-Reset", () => {
    expect(pixeldojoHttpError(429, new Headers({ "retry-after": "3" }), fixtures.http429, now).retryAfterMs).toBe(3000);
    expect(pixeldojoHttpError(429, new Headers({ "x-ratelimit-reset": String(now / 1000 + 20) }), fixtures.http429, now).retryAfterMs).toBe(20_000);
    expect(pixeldojoHttpError(429, new Headers({ "x-ratelimit-reset": "30" }), fixtures.http429, now).retryAfterMs).toBe(30_000);
  });
});

describe("PixelDojo adapter over an injected fetch", () => {
  it("runs the model with a Bearer key and accepts a 202", async () => {
    const seen: Request[] = [];
    const input = i2vInputSchema.parse({ first_frame: "https://a/1.png", prompt: "waves" });
    const result = await pixeldojoVideo.submit(input, { callbackUrl: "https://gw/cb", idempotencyKey: "job_1.1" }, stubContext([{ status: 202, body: fixtures.created }], seen, "https://pixeldojo.ai"));
    expect(result).toEqual({ ok: true, value: { upstreamId: "job_abc123", task: { state: "pending", progress: null, upstreamStatus: "pending" }, providerUsage: { creditCost: 13 } } });
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.url).toBe("https://pixeldojo.ai/api/v1/models/wan-2.7-i2v/run");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer test-key");
    expect(await seen[0]!.json()).toEqual({ mode: "image-to-video", prompt: "waves", image_url: "https://a/1.png", resolution: "720p", duration: 5, enable_prompt_expansion: false, webhook_url: "https://gw/cb" });
  });

  it("reads a job at /api/v1/jobs/{jobId}", async () => {
    const seen: Request[] = [];
    const result = await pixeldojoVideo.getTask!("job_abc123", stubContext([{ status: 200, body: fixtures.completedOutputVideo }], seen, "https://pixeldojo.ai"));
    expect(result).toMatchObject({ ok: true, value: { state: "completed", urls: ["https://temp.pixeldojo.ai/v.mp4"] } });
    expect(seen[0]!.method).toBe("GET");
    expect(seen[0]!.url).toBe("https://pixeldojo.ai/api/v1/jobs/job_abc123");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer test-key");
  });

  it("takes the job id of a webhook from its body", () => {
    expect(pixeldojoSpec.callbackTaskId!(fixtures.completedOutputVideo)).toBe("job_abc123");
    expect(pixeldojoSpec.callbackTaskId!({ id: 1 })).toBeNull();
  });
});
