import { describe, expect, it } from "vitest";
import { PUBLIC_URL, createHarness, download, isPng } from "../../../emulator/test-harness";
import { imageProInputSchema } from "../../models/image-pro";
import { unsupportedImageFeatures } from "../../routing/eligibility";
import type { AdapterContext } from "../provider-adapter";
import { stubContext } from "../provider-fetch-stub";
import { aimlapiImage, aimlapiImageBody, aimlapiImageSize } from "./aimlapi-image";

const options = { callbackUrl: null, idempotencyKey: "job_1.1" };

/** What the adapter makes of a synchronous answer `body`. */
async function answer(body: unknown) {
  const result = await aimlapiImage.submit(parse({ size: "1K" }), options, stubContext([{ status: 200, body }]));
  return result.ok ? result.value.task : result.error;
}

// Recorded shapes from AI/ML API's wan2-7-image-pro OpenAPI file and error pages (providers.md §4.4, §4.6).
const cdn = "https://cdn.aimlapi.com/generations/hippopotamus/image.png?Expires=1";
const fixtures = {
  url: { data: [{ url: cdn }], meta: { usage: { credits_used: 204750, usd_spent: 0.0975 } } },
  urlWithId: { id: "gen_123", data: [{ url: cdn }], meta: { usage: { credits_used: 204750, usd_spent: 0.0975 } } },
  b64Only: { data: [{ b64_json: "iVBORw0KGgo=" }], meta: { usage: { credits_used: 204750, usd_spent: 0.0975 } } },
  empty: { data: [], meta: null },
  http403Credits: { message: "You've run out of credits. Please top up your balance.", path: "/v1/images/generations", requestId: "r1", statusCode: 403, timestamp: "2026-11-24T12:00:00.000Z" },
  http400: { message: "Body validation error", path: "/v1/images/generations", requestId: "r2", statusCode: 400, timestamp: "2026-11-24T12:00:00.000Z" },
  http429: { message: "Too Many Requests", path: "/v1/images/generations", requestId: "r3", statusCode: 429, timestamp: "2026-11-24T12:00:00.000Z" },
};

const parse = (input: Record<string, unknown>) => imageProInputSchema.parse({ prompt: "a fox", ...input });

describe("AI/ML API image sizes", () => {
  it.each([
    ["1K", "square_hd"],
    ["2K", null],
    ["4K", null],
    ["1280*768", { width: 1280, height: 768 }],
    ["1440*1440", { width: 1440, height: 1440 }],
    ["1472*1024", null],
    ["1000*768", null],
    ["2048*1024", null],
    ["bogus", null],
  ] as const)("maps %s to %j", (size, expected) => {
    expect(aimlapiImageSize(size)).toEqual(expected);
  });

  // The wording is routing's; what matters here is that these capabilities exclude the request.
  it.each([
    [{ size: "1K" }, null],
    [{ size: "1024*768" }, null],
    [{}, /size 2K/],
    [{ size: "1000*768" }, /size 1000\*768/],
    [{ n: 2, size: "1K" }, /\bn 2\b/],
    [{ prompt: "x".repeat(2001), size: "1K" }, /2000 characters/],
    [{ images: ["https://a/1.png", "https://a/2.png", "https://a/3.png", "https://a/4.png"], size: "1K" }, /3 input images/],
    [{ thinking_mode: true, size: "1K" }, /thinking_mode/],
    [{ watermark: true, size: "1K" }, /watermark/],
    // A4: square_hd is always square; an edit at 1K would lose its input's shape.
    [{ images: ["https://a/1.png"], size: "1K" }, /always square/],
    [{ images: ["https://a/1.png"], size: "1024*768" }, null],
  ])("lets routing exclude what it cannot do: %j", (input, reason) => {
    const reasons = unsupportedImageFeatures(aimlapiImage.capabilities, parse(input));
    if (reason === null) expect(reasons).toEqual([]);
    else expect(reasons).toEqual(expect.arrayContaining([expect.stringMatching(reason)]));
  });
});

describe("AI/ML API image request body", () => {
  it("sends text-to-image with our defaults, prompt enhancement off", () => {
    expect(aimlapiImageBody(parse({ size: "1K" }))).toEqual({ model: "alibaba/wan-2-7-image-pro", prompt: "a fox", image_size: "square_hd", enhance_prompt: false, watermark: false });
  });

  it("sends input images, explicit sides and the seed, and never its invisible watermark", () => {
    expect(aimlapiImageBody(parse({ size: "1024*768", images: ["https://a/1.png"], seed: 5 }))).toEqual({
      model: "alibaba/wan-2-7-image-pro",
      prompt: "a fox",
      image_size: { width: 1024, height: 768 },
      enhance_prompt: false,
      watermark: false,
      image_urls: ["https://a/1.png"],
      seed: 5,
    });
  });

  it("builds no body for a size AI/ML cannot express", () => {
    expect(aimlapiImageBody(parse({ size: "2K" }))).toBeNull();
  });
});

describe("AI/ML API image answers", () => {
  it("turns an answer with URLs into a completed task, with AI/ML's usage verbatim", async () => {
    expect(await answer(fixtures.url)).toEqual({ state: "completed", urls: [cdn], upstreamStatus: "completed", providerUsage: fixtures.url.meta.usage });
  });

  it.each(["b64Only", "empty"] as const)("treats %s as a retryable protocol failure", async (name) => {
    expect(await answer(fixtures[name])).toMatchObject({ state: "failed", error: { kind: "protocol", retryable: true } });
  });

  it("reports shapes it does not understand", async () => {
    expect(await answer({ images: [cdn] })).toMatchObject({ kind: "protocol", retryable: true, httpStatus: 200 });
  });
});

describe("AI/ML API image adapter over an injected fetch", () => {
  it("posts synchronously and answers with a completed task under a synthetic id", async () => {
    const seen: Request[] = [];
    const input = parse({ size: "1K" });
    const result = await aimlapiImage.submit(input, { callbackUrl: "https://gw/cb", idempotencyKey: "job_1.1" }, stubContext([{ status: 200, body: fixtures.url }], seen, "https://api.aimlapi.com"));
    expect(result).toEqual({ ok: true, value: { upstreamId: expect.stringMatching(/^aimlapi-sync-[0-9a-z]{20}$/), task: { state: "completed", urls: [cdn], upstreamStatus: "completed", providerUsage: fixtures.url.meta.usage } } });
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.url).toBe("https://api.aimlapi.com/v1/images/generations");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer test-key");
    expect(await seen[0]!.json()).toEqual(aimlapiImageBody(input));
    expect(aimlapiImage.getTask).toBeUndefined();
  });

  it("keeps the answer's id when there is one", async () => {
    const result = await aimlapiImage.submit(parse({ size: "1K" }), options, stubContext([{ status: 200, body: fixtures.urlWithId }]));
    expect(result).toMatchObject({ ok: true, value: { upstreamId: "gen_123" } });
  });

  it.each([
    [403, "http403Credits", { kind: "out_of_credit", retryable: true }],
    [400, "http400", { kind: "rejected", retryable: false }],
    [429, "http429", { kind: "rate_limited", retryable: true }],
  ] as const)("maps HTTP %i %s", async (status, name, error) => {
    const result = await aimlapiImage.submit(parse({ size: "1K" }), options, stubContext([{ status, body: fixtures[name] }]));
    expect(result).toMatchObject({ ok: false, error });
  });

  it("refuses a size it cannot express without calling AI/ML", async () => {
    const seen: Request[] = [];
    const result = await aimlapiImage.submit(parse({ size: "2K" }), options, stubContext([{ status: 200, body: fixtures.url }], seen));
    expect(result).toMatchObject({ ok: false, error: { kind: "rejected" } });
    expect(seen).toHaveLength(0);
  });
});

describe("AI/ML API image adapter against the emulator", () => {
  it("answers the synchronous call with a PNG URL once the generation is done", async () => {
    const harness = createHarness();
    const context: AdapterContext = {
      baseUrl: `${PUBLIC_URL}/aimlapi`,
      apiKey: "aiml-test",
      now: harness.now,
      fetch: ((input: RequestInfo | URL, init?: RequestInit) => harness.emulator.fetch(new Request(input, init), { waitUntil() {} })) as typeof fetch,
    };
    const input = parse({ size: "1024*768", images: ["https://example.com/cat.png"], seed: 3 });
    const result = await harness.drive(aimlapiImage.submit(input, options, context));
    if (!result.ok || result.value.task.state !== "completed") throw new Error(`not completed: ${JSON.stringify(result)}`);
    expect(result.value.task.urls).toHaveLength(1);
    expect(isPng((await download(harness, result.value.task.urls[0]!)).bytes)).toBe(true);
  });
});
