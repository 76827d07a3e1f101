/**
 * @module providers/dashscope/dashscope-video — wan2.7-i2v at Alibaba Model Studio (DashScope), the origin API.
 *
 * Wire format: ../shared/providers.md §1.2–1.3 and ../shared/provider-fixtures/dashscope.json.
 * Create with `POST /api/v1/services/aigc/video-generation/video-synthesis`; the task API,
 * regions and errors are ./dashscope-api.ts.
 */
import type { I2vInput } from "../../models/i2v";
import { i2vMediaUrls } from "../../models/i2v";
import type { ModelAdapter, UpstreamTask } from "../provider-adapter";
import { pickString, protocolError } from "../provider-http";
import type { DashscopeTaskBody } from "./dashscope-api";
import { cancelDashscopeTask, createDashscopeTask, dashscopeQueryRatePerSecond, dashscopeUsage, readDashscopeTask } from "./dashscope-api";

/** Builds the create body. Exported for fixture tests. */
export function dashscopeVideoBody(input: I2vInput): Record<string, unknown> {
  const body: { model: string; input: Record<string, unknown>; parameters: Record<string, unknown> } = {
    model: "wan2.7-i2v",
    // Our material names are DashScope's `media[].type` values, by design (models/i2v.ts).
    input: { media: i2vMediaUrls(input).map(([type, url]) => ({ type, url })) },
    // Always explicit: DashScope's defaults (1080P, 5 s, prompt_extend true) differ from
    // ours, and a request without `resolution` is billed as 1080P (§1.2, §1.8).
    parameters: {
      resolution: input.resolution === "1080p" ? "1080P" : "720P",
      duration: input.duration,
      prompt_extend: input.prompt_extend,
      watermark: input.watermark,
    },
  };
  if (input.prompt !== undefined) body.input.prompt = input.prompt;
  // Under `input`, next to the prompt (ComfyUI's Wan27ImageToVideo model, §1.2 [3P]).
  if (input.negative_prompt !== undefined) body.input.negative_prompt = input.negative_prompt;
  if (input.seed !== undefined) body.parameters.seed = input.seed;
  return body;
}

/** A SUCCEEDED video task: `output.video_url`, and billed seconds from `usage.duration` (input clip + output, §1.3). */
export function dashscopeVideoSucceeded(body: DashscopeTaskBody, upstreamStatus: string): UpstreamTask {
  const url = pickString(body.output, "video_url");
  if (!url) return { state: "failed", upstreamStatus, error: protocolError("DashScope reported success without a video_url") };
  const usage = dashscopeUsage(body);
  const task: UpstreamTask = { state: "completed", urls: [url], upstreamStatus };
  const billed = [usage?.duration, usage?.output_video_duration].find((value) => typeof value === "number");
  if (typeof billed === "number") task.billedSeconds = billed;
  if (usage !== undefined) task.providerUsage = usage;
  return task;
}

export const dashscopeVideo: ModelAdapter<"wan2.7-i2v"> = {
  capabilities: {
    modes: ["first_frame", "first_last_frame", "video_continuation"],
    durations: { min: 2, max: 15 },
    resolutions: ["720p", "1080p"],
    drivingAudio: true,
    seed: { min: 0, max: 2147483647 },
    watermark: true,
    negativePrompt: true,
    promptExtend: true,
    promptRequired: false,
    callbacks: false, // poll-only (§1.6)
    cancel: true, // only while PENDING (§1.3)
    // DashScope recommends polling video tasks every ~15 s (§1.3).
    polling: { baseMs: 5_000, maxMs: 15_000 },
    // GET /tasks is limited to 20 QPS per Alibaba Cloud account, shared by every job (§1.3).
    queryRatePerSecond: dashscopeQueryRatePerSecond,
    startDeadlineMs: 15 * 60_000,
  },

  submit(input, _options, context) {
    // Poll-only, and no idempotent create is documented: neither option is sent.
    return createDashscopeTask("/services/aigc/video-generation/video-synthesis", dashscopeVideoBody(input), context, dashscopeVideoSucceeded);
  },

  getTask(upstreamId, context) {
    return readDashscopeTask(upstreamId, context, dashscopeVideoSucceeded);
  },

  cancel: cancelDashscopeTask,
};
