/**
 * PixelDojo's documented bodies (test/fixtures/providers/pixeldojo.json) through its adapter.
 */
import { expect, it } from "vitest";
import { i2vInputSchema } from "../../src/models/i2v";
import { imageProInputSchema } from "../../src/models/image-pro";
import { pixeldojoSpec } from "../../src/providers/pixeldojo/pixeldojo-spec";
import { stubContext } from "../../src/providers/provider-fetch-stub";
import pixeldojoJson from "../fixtures/providers/pixeldojo.json";
import type { FixtureExample } from "./contract-harness";
import { contractTable, create, expectCarries, fixtures, read, readTask, sentBody } from "./contract-harness";

const file = fixtures(pixeldojoJson);
const video = pixeldojoSpec.models["wan2.7-i2v"]!;
const image = pixeldojoSpec.models["wan2.7-image-pro"]!;
type Body = Record<string, any>;
const bodyOf = (entry: FixtureExample) => entry.body as Body;

/** The i2v page's parameter table, and `webhook_url` from the SDK README. */
const documentedVideoFields = ["prompt", "negative_prompt", "image_url", "video_url", "last_frame_url", "mode", "resolution", "aspect_ratio", "duration", "enable_prompt_expansion", "seed", "webhook_url"];
/** The image-pro page's parameter table, and `webhook_url` from the SDK README. */
const documentedImageFields = ["prompt", "size", "thinking_mode", "n", "enable_sequential", "seed", "color_palette", "webhook_url"];

/** A failure answered by the provider at create and at read means the same: `expected`. */
async function expectHttpError(entry: FixtureExample, expected: Record<string, unknown>) {
  const { result } = await create(video, i2vInputSchema.parse({ first_frame: "https://a/1.png" }), entry);
  expect(result).toMatchObject({ ok: false, error: { ...expected, httpStatus: entry.http_status } });
  expect(await read(video, entry)).toMatchObject({ ok: false, error: expected });
}

contractTable(file, {
  i2v_run_request: {
    means: "the adapter's prompt and duration as documented, and only documented fields (the example itself is text-to-video, which wan-edge does not make)",
    async check(entry) {
      const body = bodyOf(entry);
      const { body: sent, request } = await sentBody(video, i2vInputSchema.parse({ prompt: body.prompt, duration: body.duration, first_frame: "https://a/1.png" }));
      expectCarries(sent, { prompt: body.prompt, duration: body.duration }, documentedVideoFields);
      expect(request.method).toBe(entry.method);
      expect(new URL(request.url).pathname).toBe(entry.path);
    },
  },
  i2v_run_request_field_names: {
    means: "the adapter's body for the same request is exactly the documented one (image_url, last_frame_url, mode, enable_prompt_expansion, webhook_url)",
    async check(entry) {
      const body = bodyOf(entry);
      const input = i2vInputSchema.parse({
        prompt: body.prompt,
        negative_prompt: body.negative_prompt,
        first_frame: body.image_url,
        last_frame: body.last_frame_url,
        resolution: body.resolution,
        duration: body.duration,
        prompt_extend: body.enable_prompt_expansion,
        seed: body.seed,
      });
      expect((await sentBody(video, input, { callbackUrl: body.webhook_url, idempotencyKey: "k" })).body).toEqual(body);
    },
  },
  i2v_run_response: {
    means: "accepted: the jobId, pending, creditCost kept as the provider's usage",
    async check(entry) {
      const { result } = await create(video, i2vInputSchema.parse({ first_frame: "https://a/1.png" }), entry);
      expect(result).toEqual({ ok: true, value: { upstreamId: "job_abc123...", task: { state: "pending", progress: null, upstreamStatus: "pending" }, providerUsage: { creditCost: 13 } } });
    },
  },
  i2v_job_completed: {
    means: "completed: output.video, creditCost kept",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "completed", urls: [bodyOf(entry).output.video], upstreamStatus: "completed", providerUsage: { creditCost: 13 } });
    },
  },
  job_pending: {
    means: "pending",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "pending", progress: null, upstreamStatus: "pending" });
    },
  },
  job_failed: {
    means: "failed: generation_failed, retryable (the reason is not given), the message kept",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "failed", upstreamStatus: "failed", error: { kind: "generation_failed", message: "<provider message>", retryable: true } });
    },
  },
  image_pro_run_request: {
    means: "the adapter's prompt as documented, and only the parameter table's fields (no aspect_ratio, no input-image guess)",
    async check(entry) {
      const body = bodyOf(entry);
      const { body: sent, request } = await sentBody(image, imageProInputSchema.parse({ prompt: body.prompt, size: "1K" }));
      expectCarries(sent, { prompt: body.prompt }, documentedImageFields);
      expect(new URL(request.url).pathname).toBe(entry.path);
    },
  },
  image_pro_run_response: {
    means: "accepted: the jobId, pending, creditCost kept",
    async check(entry) {
      const { result } = await create(image, imageProInputSchema.parse({ prompt: "a mountain" }), entry);
      expect(result).toEqual({ ok: true, value: { upstreamId: "job_abc123...", task: { state: "pending", progress: null, upstreamStatus: "pending" }, providerUsage: { creditCost: 2 } } });
    },
  },
  image_pro_job_completed: {
    means: "completed: output.images[], creditCost kept",
    async check(entry) {
      expect(await readTask(image, entry)).toEqual({ state: "completed", urls: bodyOf(entry).output.images, upstreamStatus: "completed", providerUsage: { creditCost: 2 } });
    },
  },
  other_model_job_completed_output_image_singular: {
    means: "completed: output.image (singular) is read too (P5), as is output.video",
    async check(entry) {
      const task = await readTask(image, entry);
      expect(task.state).toBe("completed");
      expect(task.state === "completed" && task.urls).toEqual(expect.arrayContaining([bodyOf(entry).output.image, bodyOf(entry).output.video]));
    },
  },
  sdk_result_assets: {
    means: "a finished job's assets[].url is read (the SDK README prints it; no raw body is shown)",
    async check(entry) {
      const body = { jobId: "job_abc123", status: "completed", assets: [{ url: "https://temp.pixeldojo.ai/asset.mp4" }] };
      expect(await readTask(video, { ...entry, body })).toEqual({ state: "completed", urls: ["https://temp.pixeldojo.ai/asset.mp4"], upstreamStatus: "completed" });
    },
  },
  http_error_older_docs: {
    means: "insufficient_credits (403 in the older docs): out_of_credit, retryable",
    async check(entry) {
      await expectHttpError(entry, { kind: "out_of_credit", retryable: true, providerCode: "insufficient_credits" });
    },
  },
  request_schema_strictness: {
    means: "no body the adapters send carries a field outside PixelDojo's parameter tables (its schemas reject unknown fields)",
    async check() {
      const videoInputs = [
        { first_frame: "https://a/1.png", prompt: "p", negative_prompt: "n", seed: 1 },
        { first_frame: "https://a/1.png", last_frame: "https://a/2.png", resolution: "1080p" },
        { first_clip: "https://a/c.mp4", duration: 8, prompt_extend: true },
      ];
      for (const input of videoInputs) {
        const { body } = await sentBody(video, i2vInputSchema.parse(input), { callbackUrl: "https://gw/cb", idempotencyKey: "k" });
        expect(Object.keys(body).filter((key) => !documentedVideoFields.includes(key))).toEqual([]);
      }
      const palette = [{ hex: "#FF0000", ratio: "50.00%" }, { hex: "#00FF00", ratio: "25.00%" }, { hex: "#0000FF", ratio: "25.00%" }];
      for (const input of [{ prompt: "p", size: "4K", seed: 3, color_palette: palette, thinking_mode: true }, { prompt: "p", enable_sequential: true, n: 12 }]) {
        const { body } = await sentBody(image, imageProInputSchema.parse(input), { callbackUrl: "https://gw/cb", idempotencyKey: "k" });
        expect(Object.keys(body).filter((key) => !documentedImageFields.includes(key))).toEqual([]);
      }
      // P1: an edit is refused before anything is sent (routing never sends one: maxInputImages 0).
      const seen: Request[] = [];
      const edit = await image.submit(imageProInputSchema.parse({ prompt: "p", images: ["https://a/1.png"] }), { callbackUrl: null, idempotencyKey: "k" }, stubContext([{ status: 200, body: {} }], seen));
      expect(edit).toMatchObject({ ok: false, error: { kind: "rejected" } });
      expect(seen).toEqual([]);
    },
  },
});

// The current error table (seeds 000/001: code and status; the body shape is the older docs').
it.each([
  [401, "unauthorized", { kind: "unauthorized", retryable: false }],
  [402, "insufficient_credits", { kind: "out_of_credit", retryable: true }],
  [400, "invalid_request", { kind: "rejected", retryable: false }],
  // P4: PixelDojo does not sell the model here; the job tries another provider.
  [404, "model_not_found", { kind: "rejected", retryable: false }],
  [429, "rate_limited", { kind: "rate_limited", retryable: true }],
  [500, "internal_error", { kind: "unavailable", retryable: true }],
] as const)("a create answered %i %s [DOC, body shape from the older docs] → %j", async (status, code, expected) => {
  const result = await video.submit(i2vInputSchema.parse({ first_frame: "https://a/1.png" }), { callbackUrl: null, idempotencyKey: "k" }, stubContext([{ status, body: { error: { code, message: "m", status } } }]));
  expect(result).toMatchObject({ ok: false, error: { ...expected, providerCode: code, httpStatus: status } });
});
