/**
 * @module models/i2v — the `wan2.7-i2v` input schema and its cross-field rules.
 *
 * Field names, limits and the six material combinations follow Alibaba's own Wan 2.7 API
 * (see ../shared/API.md). One schema validates, fills defaults, types the code and (later)
 * documents the API.
 */
import { z } from "@hono/zod-openapi";
import { canParseUrl } from "../lib/url";

export const i2vModes = ["first_frame", "first_last_frame", "video_continuation"] as const;
export type I2vMode = (typeof i2vModes)[number];

export const i2vMaterials = ["first_frame", "last_frame", "first_clip", "driving_audio"] as const;
export type I2vMaterial = (typeof i2vMaterials)[number];

/** What each mode needs and tolerates (Alibaba's rules, identical at every reseller). */
export const i2vModeRules: Record<I2vMode, { required: I2vMaterial[]; optional: I2vMaterial[] }> = {
  first_frame: { required: ["first_frame"], optional: ["driving_audio"] },
  first_last_frame: { required: ["first_frame", "last_frame"], optional: ["driving_audio"] },
  video_continuation: { required: ["first_clip"], optional: ["last_frame"] },
};

export const validCombinationsText =
  "first_frame, first_frame+driving_audio, first_frame+last_frame, first_frame+last_frame+driving_audio, first_clip, first_clip+last_frame";

/** A media URL as the schema sees it; where it may point is checked by `inputUrlProblem` (media/url-policy). */
export const mediaUrl = z
  .string()
  .max(2048, "at most 2048 characters")
  .refine((value) => canParseUrl(value) && /^https?:$/.test(new URL(value).protocol), "must be an http(s) URL");

export const i2vInputSchema = z
  .object({
    prompt: z.string().max(5000, "at most 5000 characters").optional(),
    negative_prompt: z.string().max(500, "at most 500 characters").optional(),
    mode: z.enum(i2vModes).optional(),
    first_frame: mediaUrl.optional().describe("Image (JPEG/PNG/BMP/WEBP) used as the first frame"),
    last_frame: mediaUrl.optional().describe("Image used as the last frame"),
    first_clip: mediaUrl.optional().describe("mp4/mov clip of 2–10 s to continue"),
    driving_audio: mediaUrl.optional().describe("wav/mp3 of 2–30 s driving the motion"),
    resolution: z.enum(["720p", "1080p"]).default("720p"),
    duration: z.number().int("must be an integer").min(2, "at least 2").max(15, "at most 15").default(5),
    prompt_extend: z.boolean().default(false),
    seed: z.number().int("must be an integer").min(0, "at least 0").max(2147483647, "at most 2147483647").optional(),
    watermark: z.boolean().default(false),
  })
  .strict()
  .superRefine((input, context) => {
    const present = i2vMaterials.filter((material) => input[material] !== undefined);
    const mode = input.mode ?? inferMode(present);
    if (!mode) {
      context.addIssue({ code: "custom", path: ["first_frame"], message: "first_frame or first_clip is required" });
      return;
    }
    const rules = i2vModeRules[mode];
    const explicit = input.mode !== undefined;
    for (const material of rules.required) {
      if (!present.includes(material)) {
        context.addIssue({ code: "custom", path: [material], message: `required in mode ${mode}` });
      }
    }
    for (const material of present) {
      if (rules.required.includes(material) || rules.optional.includes(material)) continue;
      const message = explicit
        ? `not allowed in mode ${mode}`
        : `cannot be combined with ${rules.required.join("+")}; valid combinations: ${validCombinationsText}`;
      context.addIssue({ code: "custom", path: [material], message });
    }
    if (explicit) {
      const inferred = inferMode(present);
      if (inferred !== mode) {
        const materials = present.length > 0 ? present.join("+") : "no materials";
        context.addIssue({ code: "custom", path: ["mode"], message: `mode ${mode} does not agree with the materials sent (${materials})` });
      }
    }
  })
  .transform((input) => ({ ...input, mode: input.mode ?? (inferMode(i2vMaterials.filter((m) => input[m] !== undefined)) as I2vMode) }));

export type I2vInput = z.output<typeof i2vInputSchema>;

/** The mode the materials imply, or null when there is no primary material. */
export function inferMode(present: readonly I2vMaterial[]): I2vMode | null {
  if (present.includes("first_clip")) return "video_continuation";
  if (present.includes("first_frame")) return present.includes("last_frame") ? "first_last_frame" : "first_frame";
  return null;
}

/** The URL-valued fields of an i2v input, by name. */
export function i2vMediaUrls(input: I2vInput): Array<[I2vMaterial, string]> {
  return i2vMaterials.flatMap((material) => (input[material] ? [[material, input[material]] as [I2vMaterial, string]] : []));
}
