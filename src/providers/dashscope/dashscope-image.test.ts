import { describe, expect, it } from "vitest";
import { PUBLIC_URL, createHarness, download, isPng } from "../../../emulator/test-harness";
import { imageProInputSchema } from "../../models/image-pro";
import type { AdapterContext } from "../provider-adapter";
import { stubContext } from "../provider-fetch-stub";
import { dashscopeImage, dashscopeImageBody } from "./dashscope-image";

const options = { callbackUrl: null, idempotencyKey: "job_1.1" };

/** What the adapter makes of a task read answering `body`. */
async function read(body: unknown) {
  const result = await dashscopeImage.getTask!("t", stubContext([{ status: 200, body }]));
  return result.ok ? result.value : result.error;
}

// Recorded shapes from Alibaba's image API documentation (providers.md §1.3–1.5).
const taskId = "a1b2c3d4-5ff8-4d82-bcb6-xxxxxx";
const image = (name: string) => `https://dashscope-result-sg.oss-accelerate.aliyuncs.com/${name}.png?Expires=1`;
const fixtures = {
  created: { request_id: "r0", output: { task_id: taskId, task_status: "PENDING" } },
  running: { request_id: "r1", output: { task_id: taskId, task_status: "RUNNING", submit_time: "2026-01-02 11:07:28.590" } },
  succeeded: {
    request_id: "r2",
    output: {
      task_id: taskId,
      task_status: "SUCCEEDED",
      finished: true,
      choices: [
        { finish_reason: "stop", message: { role: "assistant", content: [{ type: "image", image: image("1") }] } },
        { finish_reason: "stop", message: { role: "assistant", content: [{ type: "image", image: image("2") }] } },
      ],
    },
    usage: { size: "2985*1405", image_count: 2, input_tokens: 0, output_tokens: 4, total_tokens: 4 },
  },
  // Several parts in one choice, a text part among them: images only, in order.
  succeededOneChoice: {
    request_id: "r3",
    output: { task_id: taskId, task_status: "SUCCEEDED", choices: [{ message: { role: "assistant", content: [{ type: "text", text: "a set" }, { type: "image", image: image("a") }, { type: "image", image: image("b") }] } }] },
  },
  succeededWithoutImages: { request_id: "r4", output: { task_id: taskId, task_status: "SUCCEEDED", finished: true, choices: [] } },
  failedPolicy: { request_id: "r5", output: { task_id: taskId, task_status: "FAILED", code: "DataInspectionFailed", message: "Output data may contain inappropriate content." } },
  canceled: { request_id: "r6", output: { task_id: taskId, task_status: "CANCELED" } },
  unknown: { request_id: "r7", output: { task_id: taskId, task_status: "UNKNOWN" } },
  http400Arrearage: { code: "Arrearage", message: "Access denied, please make sure your account is in good standing.", request_id: "e1" },
};

const parse = (input: Record<string, unknown>) => imageProInputSchema.parse({ prompt: "a fox", ...input });

describe("DashScope image request body", () => {
  it("sends one user message with the text first and every parameter explicitly", () => {
    expect(dashscopeImageBody(parse({}))).toEqual({
      model: "wan2.7-image-pro",
      input: { messages: [{ role: "user", content: [{ text: "a fox" }] }] },
      parameters: { size: "2K", n: 1, watermark: false, thinking_mode: false, enable_sequential: false },
    });
  });

  it("adds the input images in order, the palette and the seed", () => {
    const color_palette = [{ hex: "#FF0000", ratio: "50.00%" }, { hex: "#00FF00", ratio: "25.00%" }, { hex: "#0000FF", ratio: "25.00%" }];
    const input = parse({ images: ["https://a/1.png", "https://a/2.png"], size: "1280*720", n: 3, thinking_mode: true, color_palette, seed: 0, watermark: true });
    expect(dashscopeImageBody(input)).toEqual({
      model: "wan2.7-image-pro",
      input: { messages: [{ role: "user", content: [{ text: "a fox" }, { image: "https://a/1.png" }, { image: "https://a/2.png" }] }] },
      parameters: { size: "1280*720", n: 3, watermark: true, thinking_mode: true, enable_sequential: false, color_palette, seed: 0 },
    });
  });

  it("sends an image set as enable_sequential with up to 12 images", () => {
    expect(dashscopeImageBody(parse({ enable_sequential: true, n: 12 })).parameters).toEqual({ size: "2K", n: 12, watermark: false, thinking_mode: false, enable_sequential: true });
  });
});

describe("DashScope image task shapes", () => {
  it.each([
    ["created", { state: "pending", progress: null, upstreamStatus: "PENDING" }],
    ["running", { state: "running", progress: null, upstreamStatus: "RUNNING" }],
    ["succeeded", { state: "completed", urls: [image("1"), image("2")], upstreamStatus: "SUCCEEDED", providerUsage: fixtures.succeeded.usage }],
    ["succeededOneChoice", { state: "completed", urls: [image("a"), image("b")], upstreamStatus: "SUCCEEDED" }],
  ] as const)("maps %s", async (name, expected) => {
    expect(await read(fixtures[name])).toEqual(expected);
  });

  it.each([
    ["succeededWithoutImages", { kind: "protocol", retryable: true }],
    ["failedPolicy", { kind: "content_policy", retryable: false, providerCode: "DataInspectionFailed" }],
    ["canceled", { kind: "canceled", retryable: true }],
    ["unknown", { kind: "not_found", retryable: true }],
  ] as const)("maps %s to a failure", async (name, error) => {
    expect(await read(fixtures[name])).toMatchObject({ state: "failed", error });
  });

  it("reports an answer without a task id as a protocol problem", async () => {
    expect(await read({ output: { task_status: "SUCCEEDED" } })).toMatchObject({ kind: "protocol", retryable: true });
  });
});

describe("DashScope image adapter over an injected fetch", () => {
  it("creates asynchronously at the image-generation endpoint", async () => {
    const seen: Request[] = [];
    const input = parse({ n: 2 });
    const result = await dashscopeImage.submit(input, { callbackUrl: "https://gw/cb", idempotencyKey: "job_1.1" }, stubContext([{ status: 200, body: fixtures.created }], seen, "https://dashscope-intl.aliyuncs.com"));
    expect(result).toEqual({ ok: true, value: { upstreamId: taskId, task: { state: "pending", progress: null, upstreamStatus: "PENDING" } } });
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.url).toBe("https://dashscope-intl.aliyuncs.com/api/v1/services/aigc/image-generation/generation");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer test-key");
    expect(seen[0]!.headers.get("x-dashscope-async")).toBe("enable");
    // Poll-only: the callback URL is never sent.
    expect(await seen[0]!.json()).toEqual(dashscopeImageBody(input));
  });

  it("reads the task at /api/v1/tasks/{id} and cancels it there", async () => {
    const seen: Request[] = [];
    const answer = await dashscopeImage.getTask!(taskId, stubContext([{ status: 200, body: fixtures.succeeded }], seen));
    expect(answer).toMatchObject({ ok: true, value: { state: "completed", urls: [image("1"), image("2")], upstreamStatus: "SUCCEEDED" } });
    expect(seen[0]!.method).toBe("GET");
    expect(seen[0]!.url).toBe(`https://provider.test/api/v1/tasks/${taskId}`);
    expect(await dashscopeImage.cancel!(taskId, stubContext([{ status: 200, body: { request_id: "c1" } }], seen))).toEqual({ ok: true, value: undefined });
    expect(seen[1]!.method).toBe("POST");
    expect(seen[1]!.url).toBe(`https://provider.test/api/v1/tasks/${taskId}/cancel`);
  });

  it("maps an account in arrears to a retryable out_of_credit", async () => {
    const result = await dashscopeImage.submit(parse({}), options, stubContext([{ status: 400, body: fixtures.http400Arrearage }]));
    expect(result).toMatchObject({ ok: false, error: { kind: "out_of_credit", retryable: true, providerCode: "Arrearage" } });
  });
});

describe("DashScope image adapter against the emulator", () => {
  it("creates, waits and reads n PNG URLs", async () => {
    const harness = createHarness();
    const context: AdapterContext = {
      baseUrl: `${PUBLIC_URL}/dashscope`,
      apiKey: "sk-dashscope-test",
      now: harness.now,
      fetch: ((input: RequestInfo | URL, init?: RequestInit) => harness.emulator.fetch(new Request(input, init), { waitUntil() {} })) as typeof fetch,
    };
    const submitted = await dashscopeImage.submit(parse({ n: 3, size: "1K", seed: 7 }), options, context);
    if (!submitted.ok) throw new Error(submitted.error.message);
    expect(submitted.value.task.state).toBe("pending");
    await harness.advance(2_000);
    const read = await dashscopeImage.getTask!(submitted.value.upstreamId, context);
    if (!read.ok || read.value.state !== "completed") throw new Error(`not completed: ${JSON.stringify(read)}`);
    expect(read.value.urls).toHaveLength(3);
    for (const url of read.value.urls) expect(isPng((await download(harness, url)).bytes)).toBe(true);
  });
});
