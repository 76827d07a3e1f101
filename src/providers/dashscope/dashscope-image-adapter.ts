/**
 * @module providers/dashscope/dashscope-image-adapter — wan2.7-image-pro at Alibaba Model Studio (DashScope).
 *
 * Wire format: ../shared/providers.md §1.4. Create with the async
 * `POST /api/v1/services/aigc/image-generation/generation` (`X-DashScope-Async: enable`),
 * then the same task API as video: `GET /api/v1/tasks/{id}`, `POST /api/v1/tasks/{id}/cancel`.
 * The task plumbing and error mapping are the video adapter's (./dashscope-adapter.ts).
 */
import { z } from "@hono/zod-openapi";
import type { ImageProInput } from "../../models/image-pro";
import type { ImageAdapter, UpstreamTask } from "../provider-adapter";
import type { DashscopeTaskBody } from "./dashscope-adapter";
import { cancelDashscopeTask, createDashscopeTask, dashscopeProtocolError, dashscopeTaskWith, readDashscopeTask } from "./dashscope-adapter";

/**
 * Builds the create body: one user message holding exactly one text and 0–9 images (§1.4).
 * Exported for fixture tests.
 * @example dashscopeImageBody(imageProInputSchema.parse({ prompt: "a fox" }))
 * // { model: "wan2.7-image-pro", input: { messages: [{ role: "user", content: [{ text: "a fox" }] }] }, parameters: { size: "2K", n: 1, … } }
 */
export function dashscopeImageBody(input: ImageProInput): Record<string, unknown> {
  // Always explicit: DashScope's default `n` is unclear (1 or 4, §1.4) and its thinking_mode
  // default is reportedly true where ours is false.
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

// Minimal schema of a SUCCEEDED image task: only the choices we read (§1.4).
const choicesSchema = z.array(
  z.looseObject({
    message: z.looseObject({ content: z.array(z.looseObject({ type: z.string().nullish(), image: z.string().nullish() })) }),
  }),
);

function imagesSucceeded({ output }: DashscopeTaskBody): UpstreamTask {
  const upstreamStatus = output.task_status;
  const choices = choicesSchema.safeParse(output.choices);
  // In order: one choice per image, or several images in one choice; both flatten the same way.
  const urls = choices.success
    ? choices.data.flatMap((choice) => choice.message.content).flatMap((part) => ((part.type ?? "image") === "image" && part.image ? [part.image] : []))
    : [];
  if (urls.length === 0) return { state: "failed", upstreamStatus, error: dashscopeProtocolError("DashScope reported success without an image") };
  return { state: "completed", urls, upstreamStatus };
}

/** Maps an image task JSON (create answer or task read) to an UpstreamTask. Exported for fixture tests. */
export function dashscopeImageTask(json: unknown): UpstreamTask | null {
  return dashscopeTaskWith(json, imagesSucceeded);
}

export const dashscopeImageAdapter: ImageAdapter = {
  id: "dashscope",
  displayName: "Alibaba Model Studio (DashScope)",
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
    // An estimate: a third party lists ¥0.50/image (§1.8, [3P]) ≈ $0.07; no official
    // international price was found.
    pricePerImageUsd: 0.07,
    // DashScope recommends 5–10 s for image tasks, which take 1–2 min (§1.3, §1.4).
    polling: { baseMs: 3_000, maxMs: 10_000 },
    // GET /tasks is limited to 20 QPS per Alibaba Cloud account (providers.md §1.3); stay under it.
    queryRatePerSecond: 18,
    startDeadlineMs: 10 * 60_000,
  },

  submitImages(input, _options, context) {
    // Poll-only: the callback URL is never sent.
    return createDashscopeTask("/services/aigc/image-generation/generation", dashscopeImageBody(input), context, dashscopeImageTask);
  },

  getTask(upstreamId, context) {
    return readDashscopeTask(upstreamId, context, dashscopeImageTask);
  },

  cancel: cancelDashscopeTask,
};
