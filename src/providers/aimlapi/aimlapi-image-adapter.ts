/**
 * @module providers/aimlapi/aimlapi-image-adapter — AI/ML API's synchronous image generations for alibaba/wan-2-7-image-pro.
 *
 * Wire format: ../shared/providers.md §4.4. `POST /v1/images/generations` answers with the
 * finished images (`{data:[{url}|{b64_json}], meta}`), so the submit returns a completed
 * task and there is nothing to poll. AI/ML exposes a narrower model than Alibaba's: prompts
 * of at most 2000 characters, 1–3 input images, one image per call, no thinking mode, no
 * palette, no image sets, and its own size names with sides of at most 1440 px (no 2K/4K).
 * HTTP errors are mapped like the video side's (./aimlapi-adapter.ts).
 */
import { z } from "@hono/zod-openapi";
import { randomToken } from "../../lib/ids";
import type { ImageProInput } from "../../models/image-pro";
import { sizePixels } from "../../models/image-pro";
import { pickString, protocolError, providerRequest } from "../provider-http";
import type { ImageAdapter, UpstreamError, UpstreamTask } from "../provider-adapter";
import { aimlapiHttpError } from "./aimlapi-adapter";

const path = "/v1/images/generations";

/** The call holds until the images exist (1–2 min at Alibaba, §1.4); as long as a start may take. */
const synchronousTimeoutMs = 5 * 60_000;

/** AI/ML's `image_size`: a named preset or explicit sides (§4.4). */
export type AimlapiImageSize = "square_hd" | { width: number; height: number };

/**
 * Our `size` as AI/ML's `image_size`, or null when AI/ML cannot express it (routing then
 * excludes the provider, through `capabilities.supportsSize`).
 *
 * `1K` is `square_hd` (1024*1024); `2K` and `4K` exceed the 1440 px side limit. An explicit
 * `W*H` maps to `{width, height}` when each side is 512–1440 and a multiple of 32. Unlike
 * Alibaba's tiers, which follow an input image's aspect ratio when editing, `square_hd` is
 * always square.
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
 * Builds the request body, or null when the size is not expressible. Exported for fixture tests.
 * Our input has no negative prompt, so AI/ML's `negative_prompt` is never sent.
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
    watermark: input.watermark,
  };
  // Omitted for text-to-image: the field takes 1–3 images, not an empty list.
  if (input.images.length > 0) body.image_urls = input.images;
  if (input.seed !== undefined) body.seed = input.seed;
  return body;
}

// Minimal response schema: only what we read (§4.4).
const generationSchema = z.looseObject({
  id: z.string().nullish(),
  data: z.array(z.looseObject({ url: z.string().nullish(), b64_json: z.string().nullish() })),
});

/**
 * Maps the synchronous answer to a completed task, or null when it is not understood.
 * Only `url` entries are supported: the copier into R2 fetches http(s) URLs, and accepting
 * `data:` URLs from one provider would widen what it must trust for all. The emulator
 * answers with `url`; an answer with only `b64_json` is a protocol failure (retryable, so
 * another provider is tried). Exported for fixture tests.
 */
export function aimlapiImageTask(json: unknown): UpstreamTask | null {
  const parsed = generationSchema.safeParse(json);
  if (!parsed.success) return null;
  // There is no task status; "completed" stands for the 200 answer.
  const upstreamStatus = "completed";
  const entries = parsed.data.data;
  if (entries.length === 0) return { state: "failed", upstreamStatus, error: protocolError("AI/ML API answered without an image") };
  if (entries.some((entry) => !entry.url)) {
    return { state: "failed", upstreamStatus, error: protocolError("AI/ML API answered b64_json instead of an image URL, which is not supported") };
  }
  return { state: "completed", urls: entries.map((entry) => entry.url!), upstreamStatus };
}

export const aimlapiImageAdapter: ImageAdapter = {
  id: "aimlapi",
  displayName: "AI/ML API",
  capabilities: {
    tiers: ["1K"],
    customSize: true, // only sizes `supportsSize` accepts
    supportsSize: (size) => aimlapiImageSize(size) !== null,
    maxPromptLength: 2000,
    maxImages: 1, // no `n` is documented (§4.4)
    maxSequentialImages: 0,
    maxInputImages: 3,
    thinkingMode: false,
    colorPalette: false,
    seed: { min: 0, max: 2147483647 },
    watermark: true,
    callbacks: false,
    cancel: false,
    synchronous: true,
    // The one documented example spends $0.0975 for one image (§4.4).
    pricePerImageUsd: 0.0975,
    // Never used: there is no task to poll.
    polling: { baseMs: 1_000, maxMs: 1_000 },
    startDeadlineMs: 5 * 60_000,
  },

  async submitImages(input, _options, context) {
    const body = aimlapiImageBody(input);
    if (body === null) {
      // Unreachable through routing, which excludes such sizes (supportsSize).
      return { ok: false, error: { kind: "rejected", message: `size ${input.size} cannot be expressed at AI/ML API`, retryable: false } };
    }
    const sent = await providerRequest({ ...context, timeoutMs: Math.max(context.timeoutMs ?? 0, synchronousTimeoutMs) }, "POST", path, { body });
    if (!sent.ok) return sent;
    const { status, headers, body: answer } = sent.value;
    if (status < 200 || status >= 300) return { ok: false, error: aimlapiHttpError(status, headers, answer, context.now()) };
    const task = aimlapiImageTask(answer);
    if (!task) return { ok: false, error: protocolError("AI/ML API's image response was not understood") };
    // No id is documented for this call; a synthetic one names the attempt in the job's record.
    const upstreamId = pickString(answer, "id") || `aimlapi-sync-${randomToken(20)}`;
    return { ok: true, value: { upstreamId, task } };
  },
};
