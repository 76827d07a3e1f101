/**
 * DashScope's documented bodies (test/fixtures/providers/dashscope.json) through its adapter.
 */
import { expect, it } from "vitest";
import { i2vInputSchema } from "../../src/models/i2v";
import { imageProInputSchema } from "../../src/models/image-pro";
import { dashscopeSpec } from "../../src/providers/dashscope/dashscope-spec";
import { stubContext } from "../../src/providers/provider-fetch-stub";
import dashscopeJson from "../fixtures/providers/dashscope.json";
import type { FixtureExample } from "./contract-harness";
import { contractTable, create, example, expectCarries, fixtures, readTask, sentBody } from "./contract-harness";

const file = fixtures(dashscopeJson);
const video = dashscopeSpec.models["wan2.7-i2v"]!;
const image = dashscopeSpec.models["wan2.7-image-pro"]!;
type Body = Record<string, any>;
const bodyOf = (entry: FixtureExample) => entry.body as Body;

/** DashScope's `media[]` is a set of typed items: compare it whatever the order. */
function byType(body: Body): Body {
  const media = [...(body.input.media as Array<{ type: string }>)].sort((a, b) => a.type.localeCompare(b.type));
  return { ...body, input: { ...body.input, media } };
}

const documentedImageParameters = ["size", "n", "watermark", "thinking_mode", "enable_sequential", "color_palette", "seed"];

contractTable(file, {
  i2v_create_request: {
    means: "the adapter's body for the same request is the documented body, with the async header",
    async check(entry) {
      const body = bodyOf(entry);
      const input = i2vInputSchema.parse({
        prompt: body.input.prompt,
        first_frame: body.input.media[0].url,
        driving_audio: body.input.media[1].url,
        resolution: "720p",
        duration: 10,
        prompt_extend: true,
        watermark: true,
      });
      const { body: sent, request } = await sentBody(video, input);
      expect(sent).toEqual(body);
      expect(request.method).toBe(entry.method);
      expect(new URL(request.url).pathname).toBe(entry.path);
      for (const [name, value] of Object.entries(entry.headers!)) {
        expect(request.headers.get(name)).toBe(name === "Authorization" ? "Bearer test-key" : value);
      }
    },
  },
  i2v_create_request_negative_prompt_placement: {
    means: "negative_prompt under input, the clip and last frame as media, everything else under parameters",
    async check(entry) {
      const body = bodyOf(entry);
      const input = i2vInputSchema.parse({
        prompt: body.input.prompt,
        negative_prompt: body.input.negative_prompt,
        first_clip: "https://example.com/clip.mp4",
        last_frame: "https://example.com/last.png",
        resolution: "1080p",
        duration: 10,
        prompt_extend: false,
        watermark: false,
        seed: 42,
      });
      expect(byType((await sentBody(video, input)).body)).toEqual(byType(body));
    },
  },
  i2v_create_response: {
    means: "accepted: the task id, pending",
    async check(entry) {
      const { result } = await create(video, i2vInputSchema.parse({ first_frame: "https://a/1.png" }), entry);
      expect(result).toEqual({ ok: true, value: { upstreamId: bodyOf(entry).output.task_id, task: { state: "pending", progress: null, upstreamStatus: "PENDING" } } });
    },
  },
  i2v_query_succeeded: {
    means: "completed: the video_url, billed seconds from usage.duration, the usage verbatim",
    async check(entry) {
      const body = bodyOf(entry);
      expect(await readTask(video, entry)).toEqual({ state: "completed", urls: [body.output.video_url], upstreamStatus: "SUCCEEDED", billedSeconds: 15, providerUsage: body.usage });
    },
  },
  query_pending: {
    means: "pending",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "pending", progress: null, upstreamStatus: "PENDING" });
      expect(await readTask(image, entry)).toEqual({ state: "pending", progress: null, upstreamStatus: "PENDING" });
    },
  },
  query_running: {
    means: "running, with no progress figure (DashScope has none)",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({ state: "running", progress: null, upstreamStatus: "RUNNING" });
    },
  },
  query_failed: {
    means: "failed: content_policy (DataInspectionFailed), not retryable, the provider's code kept",
    async check(entry) {
      expect(await readTask(video, entry)).toEqual({
        state: "failed",
        upstreamStatus: "FAILED",
        error: { kind: "content_policy", message: "<provider message>", retryable: false, providerCode: "DataInspectionFailed" },
      });
    },
  },
  query_unknown: {
    means: "failed: not_found, retryable (DashScope does not know the task, so it bills nothing: fail over)",
    async check(entry) {
      expect(await readTask(video, entry)).toMatchObject({ state: "failed", upstreamStatus: "UNKNOWN", error: { kind: "not_found", retryable: true } });
    },
  },
  query_canceled: {
    means: "failed: canceled, retryable (canceled at DashScope, it bills nothing more: fail over)",
    async check(entry) {
      expect(await readTask(image, entry)).toMatchObject({ state: "failed", upstreamStatus: "CANCELED", error: { kind: "canceled", retryable: true } });
    },
  },
  status_enum_sdk: {
    means: "every status of the SDK's TaskStatus has a meaning (SUSPENDED: paused), and 503/504 are retryable",
    async check(entry) {
      const expected: Record<string, string> = { PENDING: "pending", SUSPENDED: "paused", SUCCEEDED: "completed", CANCELED: "failed", RUNNING: "running", FAILED: "failed", UNKNOWN: "failed" };
      for (const status of bodyOf(entry).TaskStatus as string[]) {
        const body = status === "SUCCEEDED" ? example(file, "i2v_query_succeeded").body : { output: { task_id: "t", task_status: status } };
        const task = await readTask(video, { ...entry, body });
        expect(task.state, status).toBe(expected[status]);
      }
      for (const status of bodyOf(entry).REPEATABLE_STATUS as number[]) {
        const result = await video.getTask!("t", stubContext([{ status, body: { code: "ServiceUnavailable", message: "busy" } }]));
        expect(result, String(status)).toMatchObject({ ok: false, error: { kind: "unavailable", retryable: true, httpStatus: status } });
      }
    },
  },
  cancel_request: {
    means: "POST /api/v1/tasks/{task_id}/cancel with no body",
    async check(entry) {
      const seen: Request[] = [];
      expect(await video.cancel!("0385dc79", stubContext([{ status: 200, body: { request_id: "r" } }], seen))).toEqual({ ok: true, value: undefined });
      expect(seen[0]!.method).toBe(entry.method);
      expect(new URL(seen[0]!.url).pathname).toBe(entry.path!.replace("{task_id}", "0385dc79"));
      expect(await seen[0]!.text()).toBe("");
    },
  },
  http_error_body: {
    means: "Arrearage (400): out_of_credit, retryable (fail over to a reseller)",
    async check(entry) {
      const { result } = await create(video, i2vInputSchema.parse({ first_frame: "https://a/1.png" }), entry);
      expect(result).toEqual({ ok: false, error: { kind: "out_of_credit", message: "<provider message>", retryable: true, httpStatus: 400, providerCode: "Arrearage" } });
    },
  },
  image_pro_create_request: {
    means: "the adapter's body carries every documented field with the same value, and only documented parameters besides",
    async check(entry) {
      const body = bodyOf(entry);
      const input = imageProInputSchema.parse({ prompt: body.input.messages[0].content[0].text, n: 1, size: "2K", watermark: false, thinking_mode: true });
      const { body: sent, request } = await sentBody(image, input);
      expectCarries(sent, { model: body.model, input: body.input }, ["parameters"]);
      expectCarries(sent.parameters as Body, body.parameters, documentedImageParameters);
      expect(new URL(request.url).pathname).toBe(entry.path);
      expect(request.headers.get("x-dashscope-async")).toBe("enable");
    },
  },
  image_pro_create_response: {
    means: "accepted: the task id, pending",
    async check(entry) {
      const { result } = await create(image, imageProInputSchema.parse({ prompt: "a shop" }), entry);
      expect(result).toEqual({ ok: true, value: { upstreamId: bodyOf(entry).output.task_id, task: { state: "pending", progress: null, upstreamStatus: "PENDING" } } });
    },
  },
  image_pro_query_succeeded: {
    means: "completed: the choice's image URL, the usage verbatim",
    async check(entry) {
      const body = bodyOf(entry);
      expect(await readTask(image, entry)).toEqual({ state: "completed", urls: [body.output.choices[0].message.content[0].image], upstreamStatus: "SUCCEEDED", providerUsage: body.usage });
    },
  },
  image_query_succeeded_two_choices_wan26: {
    means: "completed: one URL per choice, in order",
    async check(entry) {
      const task = await readTask(image, entry);
      expect(task).toMatchObject({ state: "completed", urls: bodyOf(entry).output.choices.map((choice: Body) => choice.message.content[0].image) });
    },
  },
});

it("reads a task on every documented region's host, with or without /api/v1 (D5)", async () => {
  const running = example(file, "query_running");
  for (const base of Object.values((dashscopeJson as { base_urls: Record<string, string> }).base_urls)) {
    const configured = base.replace("{WorkspaceId}", "ws-contract");
    for (const baseUrl of [configured, configured.replace(/\/api\/v1$/, "")]) {
      const seen: Request[] = [];
      const result = await video.getTask!("t-1", stubContext([{ status: 200, body: running.body }], seen, baseUrl));
      expect(result, baseUrl).toMatchObject({ ok: true, value: { state: "running" } });
      expect(seen[0]!.url).toBe(`${configured.replace(/\/api\/v1$/, "")}/api/v1/tasks/t-1`);
    }
  }
});
