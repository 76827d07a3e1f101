/**
 * @module routing/eligibility — which providers may take a request, and why others may not.
 *
 * Eligible = configured and able to do every requested feature (declared once in each
 * adapter's capabilities). The explanation for every excluded provider is returned so a
 * 503 `no_provider` can say which feature excluded which provider.
 */
import type { Config } from "../env";
import type { I2vInput } from "../models/i2v";
import type { ProviderId, VideoCapabilities } from "../providers/provider-adapter";
import { providerIds } from "../providers/provider-adapter";
import { videoAdapters } from "../providers/provider-registry";

export type ProviderPreference = "auto" | ProviderId | ProviderId[];

export interface Exclusion {
  provider: ProviderId;
  reason: string;
}

export interface Eligibility {
  eligible: ProviderId[];
  excluded: Exclusion[];
}

/** Reasons `capabilities` cannot serve `input` (empty when it can). */
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
  if (input.seed !== undefined) {
    const seed = capabilities.seed;
    if (!seed) reasons.push("seed is not supported");
    else if (input.seed < seed.min || input.seed > seed.max) reasons.push(`seed ${input.seed} is outside ${seed.min}–${seed.max}`);
  }
  if (input.watermark && !capabilities.watermark) reasons.push("watermark is not supported");
  if (input.negative_prompt !== undefined && !capabilities.negativePrompt) reasons.push("negative_prompt is not supported");
  if (input.prompt_extend && !capabilities.promptExtend) reasons.push("prompt_extend is not supported");
  if (capabilities.promptRequired && !input.prompt?.trim()) reasons.push("a prompt is required");
  return reasons;
}

/**
 * The order `auto` tries providers in: PROVIDER_ORDER first, then the rest by their price
 * for this request (unknown prices last), then by id order.
 */
export function autoOrder(input: I2vInput, providerOrder: readonly ProviderId[]): ProviderId[] {
  const price = (id: ProviderId) => videoAdapters[id]?.capabilities.pricePerSecondUsd[input.resolution] ?? Number.POSITIVE_INFINITY;
  const rest = providerIds.filter((id) => !providerOrder.includes(id)).sort((a, b) => price(a) - price(b) || providerIds.indexOf(a) - providerIds.indexOf(b));
  return [...providerOrder, ...rest];
}

/** Orders and filters providers for a request. */
export function eligibleProviders(input: I2vInput, preference: ProviderPreference, config: Pick<Config, "providers" | "providerOrder">): Eligibility {
  const candidates: ProviderId[] =
    preference === "auto" ? autoOrder(input, config.providerOrder) : Array.isArray(preference) ? [...new Set(preference)] : [preference];
  const eligible: ProviderId[] = [];
  const excluded: Exclusion[] = [];
  for (const provider of candidates) {
    const adapter = videoAdapters[provider];
    if (!adapter) {
      excluded.push({ provider, reason: "wan2.7-i2v is not available from this provider in this deployment" });
      continue;
    }
    if (!config.providers[provider]) {
      excluded.push({ provider, reason: "not configured" });
      continue;
    }
    const reasons = unsupportedFeatures(adapter.capabilities, input);
    if (reasons.length > 0) excluded.push({ provider, reason: reasons.join("; ") });
    else eligible.push(provider);
  }
  return { eligible, excluded };
}
