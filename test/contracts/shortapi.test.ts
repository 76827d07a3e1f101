/**
 * ShortAPI's documented bodies (test/fixtures/providers/shortapi.json) through its adapter.
 */
import { expect } from "vitest";
import { i2vInputSchema } from "../../src/models/i2v";
import { shortapiSpec } from "../../src/providers/shortapi/shortapi-spec";
import shortapiJson from "../fixtures/providers/shortapi.json";
import type { FixtureExample } from "./contract-harness";
import { contractTable, create, example, expectCarries, fixtures, keysOf, read, readTask, sentBody } from "./contract-harness";

const file = fixtures(shortapiJson);
const video = shortapiSpec.models["wan2.7-i2v"]!;
type Body = Record<string, any>;
const bodyOf = (entry: FixtureExample) => entry.body as Body;
const firstFrame = i2vInputSchema.parse({ first_frame: "https://example.com/first.png" });

contractTable(file, {
  create_request: {
    means: "model and callback_url at the top level, the prompt under args, and only documented args",
    async check(entry) {
      const body = bodyOf(entry);
      const { body: sent, request } = await sentBody(video, i2vInputSchema.parse({ prompt: body.args.prompt, first_frame: "https://example.com/first.png" }), { callbackUrl: body.callback_url, idempotencyKey: "k" });
      expectCarries(sent, body, []);
      const documentedArgs = [...keysOf(example(file, "create_request_arg_names"), "args"), "first_clip_video_url"];
      expect(Object.keys(sent.args as Body).filter((key) => !documentedArgs.includes(key))).toEqual([]);
      expect(request.method).toBe(entry.method);
      expect(new URL(request.url).pathname).toBe(entry.path);
    },
  },
  create_request_arg_names: {
    means: "the adapter's body for the same request is exactly the documented one",
    async check(entry) {
      const body = bodyOf(entry);
      const input = i2vInputSchema.parse({
        prompt: body.args.prompt,
        negative_prompt: body.args.negative_prompt,
        resolution: body.args.resolution,
        duration: body.args.duration,
        prompt_extend: body.args.prompt_extend,
        first_frame: body.args.first_frame_image,
        last_frame: body.args.last_frame_image,
        driving_audio: body.args.driving_audio_url,
      });
      expect((await sentBody(video, input, { callbackUrl: body.callback_url, idempotencyKey: "k" })).body).toEqual(body);
    },
  },
  create_response: {
    means: "the documented example's empty job_id leaves nothing to track: a protocol problem that keeps HTTP 200; with an id, accepted with its amount",
    async check(entry) {
      expect((await create(video, firstFrame, entry)).result).toMatchObject({ ok: false, error: { kind: "protocol", retryable: true, httpStatus: 200 } });
      const withId = { ...entry, body: { ...bodyOf(entry), data: { ...bodyOf(entry).data, job_id: "job-1" } } };
      expect((await create(video, firstFrame, withId)).result).toEqual({ ok: true, value: { upstreamId: "job-1", task: { state: "pending", progress: null, upstreamStatus: "(none)" }, providerUsage: { amount: "0.02" } } });
    },
  },
  query_succeeded_doc: {
    means: "completed: result.images[].url, the one shape the page shows (S3)",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "completed", urls: ["https://..."], upstreamStatus: "2" });
    },
  },
  query_succeeded_video_guess: {
    means: "completed: result.videos[].url",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "completed", urls: ["https://..."], upstreamStatus: "2" });
    },
  },
  query_pending_guess: {
    means: "pending (a number below 2 is in flight, as clients read it)",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "pending", progress: null, upstreamStatus: "0" });
    },
  },
  query_running_guess: {
    means: "running",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "running", progress: null, upstreamStatus: "1" });
    },
  },
  query_failed_guess: {
    means: "unknown, not failed (S1): 3 is undocumented, and read as failed it could resubmit a task still generating",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "unknown", progress: null, upstreamStatus: "3" });
    },
  },
  api_error_guess: {
    means: "at create: rejected, so the job tries another provider (S2); at a read: a protocol problem, read again",
    async check(entry) {
      const { result } = await create(video, firstFrame, entry);
      expect(result).toMatchObject({ ok: false, error: { kind: "rejected", retryable: false, providerCode: "<non-zero>", message: bodyOf(entry).info, httpStatus: 200 } });
      expect(await read(video, entry)).toMatchObject({ ok: false, error: { kind: "protocol", retryable: true } });
    },
  },
});
