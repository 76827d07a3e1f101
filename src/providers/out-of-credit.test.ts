import { describe, expect, it } from "vitest";
import { i2vInputSchema } from "../models/i2v";
import type { ProviderId } from "./provider-adapter";
import { stubContext, type RecordedAnswer } from "./provider-fetch-stub";
import { modelAdapter } from "./provider-registry";

// Every provider reports an empty balance differently (providers.md §6.6); all of them must
// reach the job machine as one retryable `out_of_credit`, so routing can fail over.
const answers: Array<[string, ProviderId, RecordedAnswer]> = [
  ["DashScope 400 Arrearage", "dashscope", { status: 400, body: { code: "Arrearage", message: "Access denied, please make sure your account is in good standing.", request_id: "r" } }],
  ["EvoLink 402 insufficient_quota_error", "evolink", { status: 402, body: { error: { code: 402, message: "Insufficient quota", type: "insufficient_quota_error" } } }],
  ["PixelDojo 402 insufficient_credits", "pixeldojo", { status: 402, body: { error: { code: "insufficient_credits", message: "Not enough credits", status: 402 } } }],
  ["PixelDojo 403 insufficient_credits (older docs)", "pixeldojo", { status: 403, body: { error: { code: "insufficient_credits", message: "Insufficient credits", status: 403 } } }],
  ["AI/ML API 403 run out of credits", "aimlapi", { status: 403, body: { message: "You've run out of credits. Please top up your balance.", path: "/v2/video/generations", requestId: "r", statusCode: 403, timestamp: "2026-11-24T12:00:00.000Z" } }],
  ["ShortAPI code 402 under HTTP 200", "shortapi", { status: 200, body: { code: 402, message: "insufficient balance" } }],
];

describe("an empty balance at any provider", () => {
  const input = i2vInputSchema.parse({ first_frame: "https://a/1.png", prompt: "a cat" });

  it.each(answers)("maps %s to a retryable out_of_credit", async (_name, provider, answer) => {
    const adapter = modelAdapter(provider, "wan2.7-i2v")!;
    const result = await adapter.submit(input, { callbackUrl: null, idempotencyKey: "job_1.1" }, stubContext([answer]));
    expect(result).toMatchObject({ ok: false, error: { kind: "out_of_credit", retryable: true } });
  });

  it("covers all five providers", () => {
    expect(new Set(answers.map(([, provider]) => provider)).size).toBe(5);
  });
});
