/**
 * @module providers/dashscope/dashscope-image — wan2.7-image-pro at Alibaba Model Studio (DashScope).
 *
 * Wire format: ../shared/providers.md §1.4 and ../shared/provider-fixtures/dashscope.json.
 * Create with the async `POST /api/v1/services/aigc/image-generation/generation`
 * (`X-DashScope-Async: enable`); the task API, regions and errors are ./dashscope-api.ts.
 */
import type { ImageProInput } from "../../models/image-pro";
import type { ModelAdapter, UpstreamTask } from "../provider-adapter";
import { mediaUrls, pick, protocolError } from "../provider-http";
import type { DashscopeTaskBody } from "./dashscope-api";
import { cancelDashscopeTask, createDashscopeTask, dashscopeQueryRatePerSecond, dashscopeUsage, readDashscopeTask } from "./dashscope-api";

/**
 * Builds the create body: one user message holding exactly one text and 0–9 images (§1.4).
 * Exported for fixture tests.
 *
 * DI1: `thinking_mode` is always sent, `false` unless asked for. DashScope's own default is
 * reportedly `true`, but ours is false everywhere (PixelDojo documents false; AI/ML API has
 * none), so one request means the same at every provider.
 * @example dashscopeImageBody(imageProInputSchema.parse({ prompt: "a fox" }))
 * // { model: "wan2.7-image-pro", input: { messages: [{ role: "user", content: [{ text: "a fox" }] }] }, parameters: { size: "2K", n: 1, … } }
 */
export function dashscopeImageBody(input: ImageProInput): Record<string, unknown> {
  // Always explicit: DashScope's default `n` is unclear (1 or 4, §1.4).
  const parameters: Record<string, unknown> = {
    size: input.size,
    n: input.n,
    watermark: input.watermark,
    thinking_mode: input.thinking_mode,
    enable_sequential: input.enable_sequential,
  };
  if (input.color_palette !== undefined) parameters.color_palette = input.color_palette;
  if (input.seed !== undefined) parameters.seed = input.seed;
  return {
    model: "wan2.7-image-pro",
    input: { messages: [{ role: "user", content: [{ text: input.prompt }, ...input.images.map((image) => ({ image }))] }] },
    parameters,
  };
}

/**
 * A SUCCEEDED image task: `output.choices[].message.content[]` items of type `image`, in
 * order — one choice per image, or several images in one choice, flatten the same way.
 */
export function dashscopeImagesSucceeded(body: DashscopeTaskBody, upstreamStatus: string): UpstreamTask {
  const choices = pick(body.output, "choices");
  const parts = Array.isArray(choices) ? choices.flatMap((choice) => [pick(choice, "message", "content")].flat()) : [];
  const urls = parts.flatMap((part) => ((pick(part, "type") ?? "image") === "image" ? mediaUrls(pick(part, "image")) : []));
  if (urls.length === 0) return { state: "failed", upstreamStatus, error: protocolError("DashScope reported success without an image") };
  const usage = dashscopeUsage(body);
  return { state: "completed", urls, upstreamStatus, ...(usage !== undefined ? { providerUsage: usage } : {}) };
}

export const dashscopeImage: ModelAdapter<"wan2.7-image-pro"> = {
  capabilities: {
    tiers: ["1K", "2K", "4K"],
    customSize: true,
    maxImages: 4,
    maxSequentialImages: 12,
    maxInputImages: 9,
    thinkingMode: true,
    colorPalette: true,
    seed: { min: 0, max: 2147483647 },
    watermark: true,
    callbacks: false, // poll-only (§1.6)
    cancel: true, // only while PENDING (§1.3)
    synchronous: false, // the sync endpoint exists, but a task survives a Worker restart
    // DashScope recommends 5–10 s for image tasks, which take 1–2 min (§1.3, §1.4).
    polling: { baseMs: 3_000, maxMs: 10_000 },
    // GET /tasks is limited to 20 QPS per Alibaba Cloud account, shared by every job (§1.3).
    queryRatePerSecond: dashscopeQueryRatePerSecond,
    startDeadlineMs: 10 * 60_000,
  },

  submit(input, _options, context) {
    // Poll-only, and no idempotent create is documented: neither option is sent.
    return createDashscopeTask("/services/aigc/image-generation/generation", dashscopeImageBody(input), context, dashscopeImagesSucceeded);
  },

  getTask(upstreamId, context) {
    return readDashscopeTask(upstreamId, context, dashscopeImagesSucceeded);
  },

  cancel: cancelDashscopeTask,
};
