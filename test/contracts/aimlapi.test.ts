/**
 * AI/ML API's documented bodies (test/fixtures/providers/aimlapi.json) through its adapters.
 */
import { expect } from "vitest";
import { i2vInputSchema } from "../../src/models/i2v";
import { imageProInputSchema } from "../../src/models/image-pro";
import { aimlapiSpec } from "../../src/providers/aimlapi/aimlapi-spec";
import aimlapiJson from "../fixtures/providers/aimlapi.json";
import type { FixtureExample } from "./contract-harness";
import { contractTable, create, example, expectCarries, fixtures, keysOf, read, readTask, sentBody } from "./contract-harness";

const file = fixtures(aimlapiJson);
const video = aimlapiSpec.models["wan2.7-i2v"]!;
const image = aimlapiSpec.models["wan2.7-image-pro"]!;
type Body = Record<string, any>;
const bodyOf = (entry: FixtureExample) => entry.body as Body;
const firstFrame = i2vInputSchema.parse({ first_frame: "https://a/1.png", prompt: "a cat" });

/** The image-pro schema's fields (the request example's note). */
const documentedImageFields = ["model", "prompt", "image_urls", "image_size", "enhance_prompt", "negative_prompt", "seed", "watermark"];

/** A failure answered at the video create, the video read and the image create means the same: `expected`. */
async function expectHttpError(entry: FixtureExample, expected: Record<string, unknown>) {
  const { result } = await create(video, firstFrame, entry);
  expect(result).toMatchObject({ ok: false, error: { ...expected, httpStatus: entry.http_status } });
  expect(await read(video, entry)).toMatchObject({ ok: false, error: expected });
  expect((await create(image, imageProInputSchema.parse({ prompt: "a fox", size: "1K" }), entry)).result).toMatchObject({ ok: false, error: expected });
}

contractTable(file, {
  i2v_create_request: {
    means: "the adapter sends the documented model, prompt and image_url, the duration as the schema's integer, and only schema fields",
    async check(entry) {
      const body = bodyOf(entry);
      const { body: sent, request } = await sentBody(video, i2vInputSchema.parse({ prompt: body.prompt, first_frame: body.image_url, duration: Number(body.duration) }));
      const { duration, ...rest } = body;
      expectCarries(sent, rest, keysOf(example(file, "i2v_create_request_field_names")));
      // The example sends "5"; the OpenAPI schema types duration as an integer enum.
      expect(sent.duration).toBe(Number(duration));
      expect(request.method).toBe(entry.method);
      expect(new URL(request.url).pathname).toBe(entry.path);
    },
  },
  i2v_create_request_field_names: {
    means: "the adapter's body for the same request is exactly the documented one (expansion under both names, A2)",
    async check(entry) {
      const body = bodyOf(entry);
      const input = i2vInputSchema.parse({
        prompt: body.prompt,
        first_frame: body.image_url,
        driving_audio: body.audio_url,
        resolution: body.resolution,
        duration: body.duration,
        prompt_extend: body.enable_prompt_expansion,
        negative_prompt: body.negative_prompt,
        seed: body.seed,
        watermark: body.watermark,
      });
      expect((await sentBody(video, input)).body).toEqual(body);
    },
  },
  create_response_other_model: {
    means: "accepted: the id, pending (queued), meta.usage kept as the provider's usage",
    async check(entry) {
      const body = bodyOf(entry);
      const { result } = await create(video, firstFrame, entry);
      expect(result).toEqual({ ok: true, value: { upstreamId: body.id, task: { state: "pending", progress: null, upstreamStatus: "queued" }, providerUsage: body.meta.usage } });
    },
  },
  i2v_create_response: {
    means: "accepted: the generation id, pending",
    async check(entry) {
      const { result } = await create(video, firstFrame, entry);
      expect(result).toEqual({ ok: true, value: { upstreamId: "6_slPtsld56BC5D7MSfaH", task: { state: "pending", progress: null, upstreamStatus: "queued" } } });
    },
  },
  i2v_poll_queued: {
    means: "pending",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "pending", progress: null, upstreamStatus: "queued" });
    },
  },
  i2v_poll_generating: {
    means: "running",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "running", progress: null, upstreamStatus: "generating" });
    },
  },
  i2v_poll_completed: {
    means: "completed: video.url",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "completed", urls: [bodyOf(entry).video.url], upstreamStatus: "completed" });
    },
  },
  i2v_poll_error: {
    means: "failed: generation_failed, retryable (error.name has no documented vocabulary), the name kept",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "failed", upstreamStatus: "error", error: { kind: "generation_failed", message: "<error message>", retryable: true, providerCode: "<error name>" } });
    },
  },
  poll_statuses_other_models: {
    means: "every in-progress status of the endpoint (waiting, active, queued, generating) is pending or running (A1), and every status of the wan2.7 enum is known",
    async check(entry) {
      const statuses = bodyOf(entry) as { in_progress: string[]; wan27_schema_enum: string[] };
      for (const status of statuses.in_progress) {
        const task = await readTask(video, { ...entry, body: { id: "g", status } });
        expect(["pending", "running"], status).toContain(task.state);
      }
      const completed = example(file, "i2v_poll_completed");
      for (const status of statuses.wan27_schema_enum) {
        const task = await readTask(video, { ...entry, body: { ...bodyOf(completed), status } });
        expect(task.state, status).not.toBe("unknown");
      }
    },
  },
  image_pro_request: {
    means: "the adapter's body carries the documented prompt and image_urls, and only schema fields besides",
    async check(entry) {
      const body = bodyOf(entry);
      // An edit needs an explicit size here (1K is always square, A4).
      const input = imageProInputSchema.parse({ prompt: body.prompt, images: body.image_urls, size: "1024*1024" });
      const { body: sent, request } = await sentBody(image, input, undefined, { data: [{ url: "https://cdn.aimlapi.com/x.png" }] });
      expectCarries(sent, body, documentedImageFields);
      expect(new URL(request.url).pathname).toBe(entry.path);
    },
  },
  image_pro_response: {
    means: "completed at once (synchronous): data[].url, meta.usage kept",
    async check(entry) {
      const body = bodyOf(entry);
      const { result } = await create(image, imageProInputSchema.parse({ prompt: "a fox", size: "1K" }), entry);
      expect(result).toMatchObject({ ok: true, value: { task: { state: "completed", urls: [body.data[0].url], upstreamStatus: "completed", providerUsage: body.meta.usage } } });
    },
  },
  http_error_general_shape: {
    means: "429 (statusCode as a string): rate_limited, retryable",
    async check(entry) {
      await expectHttpError(entry, { kind: "rate_limited", retryable: true });
    },
  },
  http_403_out_of_credits: {
    means: "403 run out of credits: out_of_credit, retryable (fail over)",
    async check(entry) {
      await expectHttpError(entry, { kind: "out_of_credit", retryable: true });
    },
  },
  http_401: {
    means: "unauthorized, not retryable",
    async check(entry) {
      await expectHttpError(entry, { kind: "unauthorized", retryable: false });
    },
  },
  http_400_body_validation: {
    means: "rejected (AI/ML refuses a body our validation accepted), not retryable, the message kept",
    async check(entry) {
      await expectHttpError(entry, { kind: "rejected", retryable: false, message: bodyOf(entry).message });
    },
  },
});
