/**
 * EvoLink's documented bodies (test/fixtures/providers/evolink.json) through its adapter.
 */
import { expect, it } from "vitest";
import { i2vInputSchema } from "../../src/models/i2v";
import { evolinkSpec } from "../../src/providers/evolink/evolink-spec";
import evolinkJson from "../fixtures/providers/evolink.json";
import type { FixtureExample } from "./contract-harness";
import { contractTable, create, example, expectCarries, fixtures, keysOf, read, readTask, sentBody, submitOptions } from "./contract-harness";

const file = fixtures(evolinkJson);
const video = evolinkSpec.models["wan2.7-i2v"]!;
type Body = Record<string, any>;
const bodyOf = (entry: FixtureExample) => entry.body as Body;
const firstFrame = i2vInputSchema.parse({ first_frame: "https://example.com/first_frame.jpg" });

/** Every field name EvoLink's OpenAPI lists for wan2.7-image-to-video (the request_shape example). */
const documentedFields = () => keysOf(example(file, "create_request_field_names"));

/** A failure answered by the provider at create and at read means the same: `expected`. */
async function expectHttpError(entry: FixtureExample, expected: Record<string, unknown>) {
  const { result } = await create(video, firstFrame, entry);
  expect(result).toMatchObject({ ok: false, error: { ...expected, httpStatus: entry.http_status } });
  expect(await read(video, entry)).toMatchObject({ ok: false, error: expected });
}

contractTable(file, {
  create_request: {
    means: "the adapter's body carries the documented fields with the same values, only documented fields besides, and the Idempotency-Key",
    async check(entry) {
      const body = bodyOf(entry);
      const { body: sent, request } = await sentBody(video, i2vInputSchema.parse({ prompt: body.prompt, first_frame: body.image_start }));
      expectCarries(sent, body, documentedFields());
      expect(request.method).toBe(entry.method);
      expect(new URL(request.url).pathname).toBe(entry.path);
      expect(request.headers.get("idempotency-key")).toBe(submitOptions.idempotencyKey);
    },
  },
  create_request_field_names: {
    means: "the adapter's body for the same request is exactly the documented one (quality, prompt_extend, audio_urls, callback_url)",
    async check(entry) {
      const body = bodyOf(entry);
      const input = i2vInputSchema.parse({
        prompt: body.prompt,
        negative_prompt: body.negative_prompt,
        first_frame: body.image_start,
        last_frame: body.image_end,
        driving_audio: body.audio_urls[0],
        resolution: body.quality,
        duration: body.duration,
        seed: body.seed,
        prompt_extend: body.prompt_extend,
      });
      expect((await sentBody(video, input, { callbackUrl: body.callback_url, idempotencyKey: "k" })).body).toEqual(body);
    },
  },
  create_response: {
    means: "accepted: the task id, pending at 0 %, the reserved usage verbatim",
    async check(entry) {
      const body = bodyOf(entry);
      const { result } = await create(video, firstFrame, entry);
      expect(result).toEqual({ ok: true, value: { upstreamId: body.id, task: { state: "pending", progress: 0, upstreamStatus: "pending" }, providerUsage: body.usage } });
    },
  },
  task_pending: {
    means: "pending, with its progress",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "pending", progress: 0, upstreamStatus: "pending" });
    },
  },
  task_processing: {
    means: "running at 65 %",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "running", progress: 65, upstreamStatus: "processing" });
    },
  },
  task_completed_doc_example: {
    means: "completed: the results[] URL",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "completed", urls: bodyOf(entry).results, upstreamStatus: "completed" });
    },
  },
  task_completed_video: {
    means: "completed: the results[] video URL",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "completed", urls: ["https://example.com/video.mp4"], upstreamStatus: "completed" });
    },
  },
  task_failed_doc_example: {
    means: "failed: content_policy, not retryable, the provider's code kept",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "failed", upstreamStatus: "failed", error: { kind: "content_policy", message: bodyOf(entry).error.message, retryable: false, providerCode: "content_policy_violation" } });
    },
  },
  task_cancelled: {
    means: "failed: canceled, retryable (E1: cancelled at EvoLink, it bills nothing more; the code defaults to request_cancelled)",
    async check(entry) {
      expect(await readTask(video, entry)).toMatchObject({ state: "failed", upstreamStatus: "cancelled", error: { kind: "canceled", retryable: true, providerCode: "request_cancelled" } });
    },
  },
  callback_completed: {
    means: "a hint naming its task id; read as a task it is completed",
    async check(entry) {
      expect(evolinkSpec.callbackTaskId!(entry.body)).toBe("task-unified-xxx");
      expect(await readTask(video, entry)).toEqual({ state: "completed", urls: bodyOf(entry).results, upstreamStatus: "completed" });
    },
  },
  http_400_invalid_task_id: {
    means: "rejected, not retryable, the string code kept",
    async check(entry) {
      await expectHttpError(entry, { kind: "rejected", retryable: false, providerCode: "invalid_task_id" });
    },
  },
  http_402_balance: {
    means: "out_of_credit, retryable (fail over)",
    async check(entry) {
      await expectHttpError(entry, { kind: "out_of_credit", retryable: true, providerCode: "insufficient_quota" });
    },
  },
  http_429_rate_limit: {
    means: "rate_limited, retryable, the wait read from fallback_suggestion",
    async check(entry) {
      await expectHttpError(entry, { kind: "rate_limited", retryable: true, retryAfterMs: 60_000 });
    },
  },
});

it("reads every status EvoLink documents or its own client knows, and nothing else as terminal", async () => {
  const statuses = (evolinkJson as { status_values: { documented: string[]; seen_in_evolink_client: string[] } }).status_values;
  const completed = example(file, "task_completed_video");
  for (const status of [...statuses.documented, ...statuses.seen_in_evolink_client]) {
    const task = await readTask(video, { ...completed, body: { ...bodyOf(completed), status } });
    expect(task.state, status).not.toBe("unknown");
  }
  expect((await readTask(video, { ...completed, body: { id: "x", status: "archived" } })).state).toBe("unknown");
});
