/**
 * @module providers/aimlapi/aimlapi-image — AI/ML API's synchronous image generations for alibaba/wan-2-7-image-pro.
 *
 * Wire format: ../shared/providers.md §4.4 and ../shared/provider-fixtures/aimlapi.json.
 * `POST /v1/images/generations` answers with the finished images (`{data:[{url}|{b64_json}],
 * meta}`), so the submit returns a completed task and there is nothing to poll. AI/ML exposes
 * a narrower model than Alibaba's: prompts of at most 2000 characters, 1–3 input images, one
 * image per call, no thinking mode, no palette, no image sets, and its own size names with
 * sides of at most 1440 px (no 2K/4K).
 */
import { z } from "@hono/zod-openapi";
import { randomToken } from "../../lib/ids";
import type { ImageProInput } from "../../models/image-pro";
import { sizePixels } from "../../models/image-pro";
import type { ModelAdapter, UpstreamTask } from "../provider-adapter";
import { callProvider, mediaUrls, pick, pickString, protocolError } from "../provider-http";
import { aimlapiErrors, aimlapiUsage } from "./aimlapi-api";

/** The call holds until the images exist (1–2 min at Alibaba, §1.4); as long as a start may take. */
const synchronousTimeoutMs = 5 * 60_000;

/** AI/ML's `image_size`: a named preset or explicit sides (§4.4). */
export type AimlapiImageSize = "square_hd" | { width: number; height: number };

/**
 * Our `size` as AI/ML's `image_size`, or null when AI/ML cannot express it.
 *
 * `1K` is `square_hd` (1024*1024); `2K` and `4K` exceed the 1440 px side limit. An explicit
 * `W*H` maps to `{width, height}` when each side is 512–1440 and a multiple of 32.
 * @example aimlapiImageSize("1280*768") // { width: 1280, height: 768 }
 * @example aimlapiImageSize("2K") // null
 */
export function aimlapiImageSize(size: string): AimlapiImageSize | null {
  if (size === "1K") return "square_hd";
  if (size === "2K" || size === "4K") return null;
  const pixels = sizePixels(size);
  const fits = (side: number) => side >= 512 && side <= 1440 && side % 32 === 0;
  return pixels && fits(pixels.width) && fits(pixels.height) ? pixels : null;
}

/**
 * Why AI/ML cannot make this input's size, or null (routing excludes the provider then).
 * A4: Alibaba's tiers follow an input image's aspect ratio when editing, but `square_hd` is
 * always square, so an edit at `1K` would lose its shape here; an explicit `W*H` works.
 */
function sizeProblem(input: ImageProInput): string | null {
  // Sides of 512–1440 in steps of 32, or 1K.
  if (aimlapiImageSize(input.size) === null) return `size ${input.size} is not supported`;
  if (input.size === "1K" && input.images.length > 0) return "size 1K is always square here (square_hd), so an edit would not keep its input's aspect ratio; give an explicit W*H";
  return null;
}

/**
 * Builds the request body, or null when the size is not expressible. Exported for fixture tests.
 * Our input has no negative prompt, so AI/ML's `negative_prompt` is never sent; `watermark` is
 * always false (A4: AI/ML's is invisible, not Alibaba's visible mark, so routing sends no
 * watermark request here).
 */
export function aimlapiImageBody(input: ImageProInput): Record<string, unknown> | null {
  const imageSize = aimlapiImageSize(input.size);
  if (imageSize === null) return null;
  const body: Record<string, unknown> = {
    model: "alibaba/wan-2-7-image-pro",
    prompt: input.prompt,
    image_size: imageSize,
    // AI/ML rewrites prompts unless told not to (default true, §4.4); our model has no such option.
    enhance_prompt: false,
    watermark: false,
  };
  // Omitted for text-to-image: the field takes 1–3 images, not an empty list.
  if (input.images.length > 0) body.image_urls = input.images;
  if (input.seed !== undefined) body.seed = input.seed;
  return body;
}

/**
 * Maps the synchronous answer to a task. Exported for fixture tests.
 * Only `url` entries are supported: the copier into R2 fetches http(s) URLs, and accepting
 * `data:` URLs from one provider would widen what it must trust for all. An answer with only
 * `b64_json` is a protocol failure (retryable, so another provider is tried).
 */
export function aimlapiImageTask(answer: { data: unknown[] } & Record<string, unknown>): UpstreamTask {
  // There is no task status; "completed" stands for the 200 answer.
  const upstreamStatus = "completed";
  const entries = answer.data;
  if (entries.length === 0) return { state: "failed", upstreamStatus, error: protocolError("AI/ML API answered without an image") };
  const urls = entries.flatMap((entry) => mediaUrls(pick(entry, "url")));
  if (urls.length < entries.length) {
    return { state: "failed", upstreamStatus, error: protocolError("AI/ML API answered b64_json instead of an image URL, which is not supported") };
  }
  const usage = aimlapiUsage(answer);
  return { state: "completed", urls, upstreamStatus, ...(usage ? { providerUsage: usage } : {}) };
}

const answerSchema = z.looseObject({ data: z.array(z.unknown()) });

export const aimlapiImage: ModelAdapter<"wan2.7-image-pro"> = {
  capabilities: {
    tiers: ["1K"],
    customSize: true, // only sizes `sizeProblem` accepts
    sizeProblem,
    maxPromptLength: 2000,
    maxImages: 1, // no `n` is documented (§4.4)
    maxSequentialImages: 0,
    maxInputImages: 3,
    thinkingMode: false,
    colorPalette: false,
    seed: { min: 0, max: 2147483647 },
    watermark: false, // A4: AI/ML's watermark is invisible, not Alibaba's visible mark
    callbacks: false,
    cancel: false,
    synchronous: true,
    // The one documented example spends $0.0975 for one image (§4.4).
    pricePerImageUsd: 0.0975,
    // Never used: there is no task to poll.
    polling: { baseMs: 1_000, maxMs: 1_000 },
    startDeadlineMs: 5 * 60_000,
  },

  async submit(input, _options, context) {
    const body = aimlapiImageBody(input);
    if (body === null) {
      // Unreachable through routing, which excludes such sizes (sizeProblem).
      return { ok: false, error: { kind: "rejected", message: `size ${input.size} cannot be expressed at AI/ML API`, retryable: false } };
    }
    // No idempotent create is documented: the key is not sent. The answer carries the
    // images; its usage figures are the completed task's.
    const call = { operation: "create", method: "POST", path: "/v1/images/generations", body, timeoutMs: Math.max(context.timeoutMs ?? 0, synchronousTimeoutMs) } as const;
    return callProvider(context, aimlapiErrors, call, answerSchema, (answer) => ({
      // No id is documented for this call; a synthetic one names the attempt in the job's record.
      upstreamId: pickString(answer, "id") ?? `aimlapi-sync-${randomToken(20)}`,
      task: aimlapiImageTask(answer),
    }));
  },
};
