/**
 * @module routing/eligibility — which providers may take a request, and why others may not.
 *
 * Eligible = configured and able to do every requested feature (declared once in each
 * provider's spec, per model: provider-registry). The explanation for every excluded provider
 * is returned: when none is eligible, a 422 `unsupported` (none could do it) or a 503
 * `no_provider` (one could, but is not available here) says which feature excluded which.
 */
import type { Config } from "../env";
import type { JobRecord } from "../jobs/job-types";
import { imageInput, videoInput } from "../jobs/job-types";
import type { I2vInput } from "../models/i2v";
import type { ImageProInput } from "../models/image-pro";
import { isFourKTier } from "../models/image-pro";
import type { ImageCapabilities, ProviderId, VideoCapabilities } from "../providers/provider-adapter";
import { providerIds } from "../providers/provider-adapter";
import { modelAdapter } from "../providers/provider-registry";

export type ProviderPreference = "auto" | ProviderId | ProviderId[];

export interface Exclusion {
  provider: ProviderId;
  reason: string;
  /** The provider could do what the request asks (it is left out only for being unavailable). */
  capable: boolean;
}

export interface Eligibility {
  eligible: ProviderId[];
  excluded: Exclusion[];
}

type Request = Pick<JobRecord, "model" | "input">;

function seedReason(seed: number | undefined, range: { min: number; max: number } | null): string[] {
  if (seed === undefined) return [];
  if (!range) return ["seed is not supported"];
  return seed < range.min || seed > range.max ? [`seed ${seed} is outside ${range.min}–${range.max}`] : [];
}

/** Reasons `capabilities` cannot serve a video `input` (empty when it can). */
export function unsupportedFeatures(capabilities: VideoCapabilities, input: I2vInput): string[] {
  const reasons: string[] = [];
  if (!capabilities.modes.includes(input.mode)) reasons.push(`mode ${input.mode} is not supported`);
  if (!capabilities.resolutions.includes(input.resolution)) reasons.push(`resolution ${input.resolution} is not supported`);
  const durations = capabilities.durations;
  const durationOk = "min" in durations ? input.duration >= durations.min && input.duration <= durations.max : durations.includes(input.duration);
  if (!durationOk) {
    const allowed = "min" in durations ? `${durations.min}–${durations.max}` : durations.join("/");
    reasons.push(`duration ${input.duration} is not supported (allowed: ${allowed})`);
  }
  if (input.driving_audio && !capabilities.drivingAudio) reasons.push("driving_audio is not supported");
  reasons.push(...seedReason(input.seed, capabilities.seed));
  if (input.watermark && !capabilities.watermark) reasons.push("watermark is not supported");
  if (input.negative_prompt !== undefined && !capabilities.negativePrompt) reasons.push("negative_prompt is not supported");
  if (input.prompt_extend && !capabilities.promptExtend) reasons.push("prompt_extend is not supported");
  if (capabilities.promptRequired && !input.prompt?.trim()) reasons.push("a prompt is required");
  return reasons;
}

/** Reasons `capabilities` cannot serve an image `input` (empty when it can). */
export function unsupportedImageFeatures(capabilities: ImageCapabilities, input: ImageProInput): string[] {
  const reasons: string[] = [];
  const tier = input.size === "1K" || input.size === "2K" || input.size === "4K" ? input.size : null;
  const sizeReason =
    tier && !capabilities.tiers.includes(tier)
      ? `size ${tier} is not supported`
      : !tier && !capabilities.customSize
        ? "explicit W*H sizes are not supported"
        : !tier && isFourKTier(input.size) && !capabilities.tiers.includes("4K")
          ? `4K-tier size ${input.size} is not supported`
          : (capabilities.sizeProblem?.(input) ?? null);
  if (sizeReason) reasons.push(sizeReason);
  if (input.enable_sequential && capabilities.maxSequentialImages === 0) reasons.push("enable_sequential (image sets) is not supported");
  else {
    const max = input.enable_sequential ? capabilities.maxSequentialImages : capabilities.maxImages;
    if (input.n > max) reasons.push(`n ${input.n} is not supported (at most ${max})`);
  }
  if (input.images.length > capabilities.maxInputImages) {
    reasons.push(capabilities.maxInputImages === 0 ? "input images are not supported" : `at most ${capabilities.maxInputImages} input images are supported`);
  }
  if (input.thinking_mode && !capabilities.thinkingMode) reasons.push("thinking_mode is not supported");
  if (input.color_palette && !capabilities.colorPalette) reasons.push("color_palette is not supported");
  reasons.push(...seedReason(input.seed, capabilities.seed));
  if (input.watermark && !capabilities.watermark) reasons.push("watermark is not supported");
  if (capabilities.maxPromptLength !== undefined && input.prompt.length > capabilities.maxPromptLength) {
    reasons.push(`prompts longer than ${capabilities.maxPromptLength} characters are not supported`);
  }
  return reasons;
}

/** USD per second (video) or per image (image) at `provider`, or null when unknown. */
export function unitPrice(request: Request, provider: ProviderId): number | null {
  const video = videoInput(request);
  if (video) return modelAdapter(provider, "wan2.7-i2v")?.capabilities.pricePerSecondUsd[video.resolution] ?? null;
  return modelAdapter(provider, "wan2.7-image-pro")?.capabilities.pricePerImageUsd ?? null;
}

/** The estimated cost of `request` at `provider` (price × seconds or × images). */
export function estimatedCost(request: Request, provider: ProviderId): number | null {
  const price = unitPrice(request, provider);
  if (price === null) return null;
  const units = videoInput(request)?.duration ?? imageInput(request)!.n;
  return Math.round(price * units * 10_000) / 10_000;
}

/**
 * The order `auto` tries providers in: PROVIDER_ORDER first, then the rest by their price
 * for this request (unknown prices last), then by id order.
 */
export function autoOrder(request: Request, providerOrder: readonly ProviderId[]): ProviderId[] {
  const price = (id: ProviderId) => unitPrice(request, id) ?? Number.POSITIVE_INFINITY;
  const rest = providerIds.filter((id) => !providerOrder.includes(id)).sort((a, b) => price(a) - price(b) || providerIds.indexOf(a) - providerIds.indexOf(b));
  return [...providerOrder, ...rest];
}

/** Why `provider` cannot serve `request` at all (no adapter) or in part (features). */
function reasonsAgainst(request: Request, provider: ProviderId): string[] {
  const video = videoInput(request);
  if (video) {
    const adapter = modelAdapter(provider, "wan2.7-i2v");
    return adapter ? unsupportedFeatures(adapter.capabilities, video) : [`${request.model} is not available from this provider`];
  }
  const adapter = modelAdapter(provider, "wan2.7-image-pro");
  return adapter ? unsupportedImageFeatures(adapter.capabilities, imageInput(request)!) : [`${request.model} is not available from this provider`];
}

/** Orders and filters providers for a request. */
export function eligibleProviders(request: Request, preference: ProviderPreference, config: Pick<Config, "providers" | "providerOrder">): Eligibility {
  const candidates: ProviderId[] =
    preference === "auto" ? autoOrder(request, config.providerOrder) : Array.isArray(preference) ? [...new Set(preference)] : [preference];
  const eligible: ProviderId[] = [];
  const excluded: Exclusion[] = [];
  for (const provider of candidates) {
    const reasons = reasonsAgainst(request, provider);
    if (!config.providers[provider]) excluded.push({ provider, reason: ["not configured", ...reasons].join("; "), capable: reasons.length === 0 });
    else if (reasons.length > 0) excluded.push({ provider, reason: reasons.join("; "), capable: false });
    else eligible.push(provider);
  }
  return { eligible, excluded };
}
