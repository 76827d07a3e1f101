import { describe, expect, it } from "vitest";
import { PUBLIC_URL, createHarness, download, isPng } from "../../../emulator/test-harness";
import { imageProInputSchema } from "../../models/image-pro";
import type { AdapterContext } from "../provider-adapter";
import { stubContext } from "../provider-fetch-stub";
import { pixeldojoImage, pixeldojoImageBody } from "./pixeldojo-image";
import { pixeldojoSpec } from "./pixeldojo-spec";

const options = { callbackUrl: null, idempotencyKey: "job_1.1" };

// Recorded shapes from PixelDojo's wan-2.7-image-pro page (seeds/001, providers.md §3.3–3.6).
const fixtures = {
  created: { jobId: "job_abc123", status: "pending", statusUrl: "https://pixeldojo.ai/api/v1/jobs/job_abc123", creditCost: 2, creditsRemaining: 95 },
  processing: { jobId: "job_abc123", status: "processing" },
  completedImages: { jobId: "job_abc123", status: "completed", output: { images: ["https://temp.pixeldojo.ai/1.png", "https://temp.pixeldojo.ai/2.png"] }, creditCost: 4 },
  completedAssets: { jobId: "job_abc123", status: "completed", assets: [{ url: "https://temp.pixeldojo.ai/a.png" }, { url: "https://temp.pixeldojo.ai/b.png" }] },
  // Both forms at once (what the emulator serves): the same images, not twice.
  completedBoth: { jobId: "job_abc123", status: "completed", output: { images: ["https://temp.pixeldojo.ai/1.png"] }, assets: [{ url: "https://temp.pixeldojo.ai/1.png" }] },
  failed: { jobId: "job_abc123", status: "failed", error: "Generation failed" },
  http402: { error: { code: "insufficient_credits", message: "Not enough credits", status: 402 } },
  http400: { error: { code: "invalid_request", message: "Invalid parameters", status: 400 } },
};

const parse = (input: Record<string, unknown>) => imageProInputSchema.parse({ prompt: "a fox", ...input });

describe("PixelDojo image request body", () => {
  it("sends the documented fields explicitly, and no watermark", () => {
    expect(pixeldojoImageBody(parse({ watermark: false }), null)).toEqual({ prompt: "a fox", size: "2K", n: 1, thinking_mode: false, enable_sequential: false });
  });

  it("adds the palette, the seed and the webhook", () => {
    const color_palette = [{ hex: "#FF0000", ratio: "50.00%" }, { hex: "#00FF00", ratio: "25.00%" }, { hex: "#0000FF", ratio: "25.00%" }];
    const input = parse({ size: "1280*1280", n: 4, thinking_mode: true, color_palette, seed: 9 });
    expect(pixeldojoImageBody(input, "https://gw/cb")).toEqual({
      prompt: "a fox",
      size: "1280*1280",
      n: 4,
      thinking_mode: true,
      enable_sequential: false,
      color_palette,
      seed: 9,
      webhook_url: "https://gw/cb",
    });
  });

  it("declares no watermark, so routing never sends watermark: true here", () => {
    expect(pixeldojoImage.capabilities.watermark).toBe(false);
  });

  it("takes no input images (P1): the field is undocumented, and says so in a note", async () => {
    expect(pixeldojoImage.capabilities.maxInputImages).toBe(0);
    expect(pixeldojoImage.note).toMatch(/input images/);
    const seen: Request[] = [];
    const result = await pixeldojoImage.submit(parse({ images: ["https://a/1.png"] }), options, stubContext([{ status: 200, body: fixtures.created }], seen));
    expect(result).toMatchObject({ ok: false, error: { kind: "rejected", retryable: false } });
    expect(seen).toHaveLength(0);
  });

  it("accepts only the sizes PixelDojo documents (P2)", () => {
    const problem = (size: string) => pixeldojoImage.capabilities.sizeProblem!(parse({ size }));
    for (const size of ["1K", "2K", "4K", "1280*1280", "1024*1024", "3840*2160"]) expect(problem(size)).toBeNull();
    expect(problem("1280*720")).toMatch(/not one of PixelDojo's documented sizes/);
  });
});

describe("PixelDojo image adapter over an injected fetch", () => {
  it("runs wan-2.7-image-pro with a Bearer key and accepts a 202", async () => {
    const seen: Request[] = [];
    const input = parse({ n: 2 });
    const result = await pixeldojoImage.submit(input, { callbackUrl: "https://gw/cb", idempotencyKey: "job_1.1" }, stubContext([{ status: 202, body: fixtures.created }], seen, "https://pixeldojo.ai"));
    expect(result).toEqual({ ok: true, value: { upstreamId: "job_abc123", task: { state: "pending", progress: null, upstreamStatus: "pending" }, providerUsage: { creditCost: 2 } } });
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.url).toBe("https://pixeldojo.ai/api/v1/models/wan-2.7-image-pro/run");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer test-key");
    expect(await seen[0]!.json()).toEqual({ prompt: "a fox", size: "2K", n: 2, thinking_mode: false, enable_sequential: false, webhook_url: "https://gw/cb" });
  });

  it.each([
    ["processing", { state: "unknown", progress: null, upstreamStatus: "processing" }],
    ["completedImages", { state: "completed", urls: ["https://temp.pixeldojo.ai/1.png", "https://temp.pixeldojo.ai/2.png"], upstreamStatus: "completed", providerUsage: { creditCost: 4 } }],
    ["completedAssets", { state: "completed", urls: ["https://temp.pixeldojo.ai/a.png", "https://temp.pixeldojo.ai/b.png"], upstreamStatus: "completed" }],
    ["completedBoth", { state: "completed", urls: ["https://temp.pixeldojo.ai/1.png"], upstreamStatus: "completed" }],
  ] as const)("reads a %s job at /api/v1/jobs/{jobId}", async (name, expected) => {
    const seen: Request[] = [];
    expect(await pixeldojoImage.getTask!("job_abc123", stubContext([{ status: 200, body: fixtures[name] }], seen, "https://pixeldojo.ai"))).toEqual({ ok: true, value: expected });
    expect(seen[0]!.method).toBe("GET");
    expect(seen[0]!.url).toBe("https://pixeldojo.ai/api/v1/jobs/job_abc123");
  });

  it("maps a failed job, an empty balance and a rejected body", async () => {
    expect(await pixeldojoImage.getTask!("job_abc123", stubContext([{ status: 200, body: fixtures.failed }]))).toMatchObject({
      ok: true,
      value: { state: "failed", error: { kind: "generation_failed", message: "Generation failed", retryable: true } },
    });
    expect(await pixeldojoImage.submit(parse({}), options, stubContext([{ status: 402, body: fixtures.http402 }]))).toMatchObject({
      ok: false,
      error: { kind: "out_of_credit", retryable: true },
    });
    expect(await pixeldojoImage.submit(parse({}), options, stubContext([{ status: 400, body: fixtures.http400 }]))).toMatchObject({
      ok: false,
      error: { kind: "rejected", retryable: false },
    });
  });

  it("takes the job id of a webhook from its body", () => {
    expect(pixeldojoSpec.callbackTaskId!(fixtures.completedImages)).toBe("job_abc123");
  });
});

describe("PixelDojo image adapter against the emulator", () => {
  it("runs, waits and reads n PNG URLs", async () => {
    const harness = createHarness();
    const context: AdapterContext = {
      baseUrl: `${PUBLIC_URL}/pixeldojo`,
      apiKey: "pd_test",
      now: harness.now,
      fetch: ((input: RequestInfo | URL, init?: RequestInit) => harness.emulator.fetch(new Request(input, init), { waitUntil() {} })) as typeof fetch,
    };
    const input = parse({ n: 2, size: "1K" });
    const submitted = await pixeldojoImage.submit(input, options, context);
    if (!submitted.ok) throw new Error(submitted.error.message);
    expect(submitted.value.task.state).toBe("pending");
    await harness.advance(2_000);
    const read = await pixeldojoImage.getTask!(submitted.value.upstreamId, context);
    if (!read.ok || read.value.state !== "completed") throw new Error(`not completed: ${JSON.stringify(read)}`);
    expect(read.value.urls).toHaveLength(2);
    for (const url of read.value.urls) expect(isPng((await download(harness, url)).bytes)).toBe(true);
  });
});
