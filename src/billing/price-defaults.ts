/**
 * @module billing/price-defaults — the built-in price book: what each provider charges for
 * each model, with where every number comes from. `PRICES` (configuration) replaces entries
 * of this table (billing/price-book.ts); this is the one place prices are written down.
 *
 * Sources are the stored research in ../shared/providers.md (§ numbers below) and the
 * resellers' own price pages. Where a provider publishes no USD price the entry is an
 * estimate (`source: "estimate"`) whose note says how it was derived, so a job's cost is
 * never a silent null; the provider's own figures (DashScope `usage`, AI/ML API `usd_spent`,
 * ShortAPI `amount`, PixelDojo `creditCost`) are kept verbatim beside every estimate.
 *
 * The market rate used for estimates: fal.ai, Runware and eachlabs, which resell Alibaba's
 * Wan 2.7 at its list price, all publish $0.10 per output second at 720p and $0.15 at 1080p
 * (fal.ai/models/fal-ai/wan/v2.7/image-to-video, runware.ai/docs/models/alibaba-wan2-7,
 * eachlabs.ai alibaba-wan-2-7-image-to-video; checked 2026-11).
 */
import type { ModelId } from "../jobs/job-types";
import type { ProviderId } from "../providers/provider-adapter";

export type Resolution = "720p" | "1080p";
export type PriceSource = "published" | "estimate" | "configured";

/** One provider's price for one model. A null price is unpriced, and `note` says why. */
export type ModelPrice =
  | { unit: "second"; per_second_usd: Record<Resolution, number | null>; source: PriceSource; note: string | null }
  | { unit: "image"; per_image_usd: number | null; source: PriceSource; note: string | null };

export type PriceTable = Record<ProviderId, Partial<Record<ModelId, ModelPrice>>>;

/** The version string of the built-in table; bump it whenever a number below changes. */
export const builtInPriceVersion = "builtin-2026-11-30";

const marketVideo = "no USD price is published; the market rate of Wan 2.7 resellers at Alibaba's list price (fal.ai, Runware: $0.10/s 720p, $0.15/s 1080p)";

export const builtInPrices: PriceTable = {
  dashscope: {
    "wan2.7-i2v": {
      unit: "second",
      per_second_usd: { "720p": 0.1, "1080p": 0.15 },
      source: "estimate",
      // §1.8: the international page was not retrievable; Alibaba's international list for the
      // earlier wan2.1-kf2v-plus is $0.10/s, and resellers at list charge 1.5× that at 1080P.
      note: "Alibaba's international wan2.7-i2v price was not retrievable; $0.10/s (its wan2.1-kf2v-plus list price, and what resellers at list charge) and 1.5× at 1080P, as those resellers charge",
    },
    "wan2.7-image-pro": {
      unit: "image",
      per_image_usd: 0.07,
      source: "estimate",
      note: "a third party lists ¥0.50 per image (providers.md §1.8) ≈ $0.07; no international price was found",
    },
  },
  evolink: {
    // §2.7: not published; creates report `usage.credits_reserved`; 1080p is "higher price".
    "wan2.7-i2v": { unit: "second", per_second_usd: { "720p": 0.1, "1080p": 0.15 }, source: "estimate", note: `EvoLink: ${marketVideo}; its own usage.credits_reserved is kept verbatim` },
  },
  pixeldojo: {
    // §3.8: 2.5 credits/s at 720p, 3 at 1080p, 2 per image; the USD value of a credit is not
    // published. A credit is taken at $0.04, the value that puts 720p at the market rate.
    "wan2.7-i2v": {
      unit: "second",
      per_second_usd: { "720p": 0.1, "1080p": 0.12 },
      source: "estimate",
      note: "PixelDojo charges 2.5 credits/s at 720p and 3 at 1080p (published) but not the USD value of a credit; a credit is taken at $0.04, which puts 720p at the market rate of $0.10/s",
    },
    "wan2.7-image-pro": { unit: "image", per_image_usd: 0.08, source: "estimate", note: "PixelDojo charges 2 credits per image (published); a credit is taken at $0.04 (see its video price)" },
  },
  aimlapi: {
    // §4.8: no per-second price; reads report meta.usage.usd_spent after the fact.
    "wan2.7-i2v": { unit: "second", per_second_usd: { "720p": 0.1, "1080p": 0.15 }, source: "estimate", note: `AI/ML API: ${marketVideo}; its meta.usage.usd_spent is kept verbatim and in the ledger` },
    // §4.4: the documented example spends $0.0975 for one image.
    "wan2.7-image-pro": { unit: "image", per_image_usd: 0.0975, source: "published", note: null },
  },
  shortapi: {
    // §5.7: $0.085 per second, whatever the resolution.
    "wan2.7-i2v": { unit: "second", per_second_usd: { "720p": 0.085, "1080p": 0.085 }, source: "published", note: null },
  },
};
