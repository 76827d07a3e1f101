/**
 * @module billing/price-book — prices per provider, model and unit, and the quote of one
 * request at one provider.
 *
 * The book is the built-in table (billing/price-defaults.ts) with the entries of `PRICES`
 * (configuration, JSON, validated here) laid over it, entry by entry (provider × model), and
 * one version string: the configured one, or the built-in table's. Every quote carries that
 * version, so a ledger line says which prices made it.
 *
 * Money is counted in whole micro-dollars (`*_micros`): sums of lines are then exact, and a
 * tenant's ledger total equals the sum of its jobs' costs to the last digit.
 */
import { z } from "@hono/zod-openapi";
import type { I2vInput } from "../models/i2v";
import type { ImageProInput } from "../models/image-pro";
import type { ModelId } from "../jobs/job-types";
import type { ProviderId } from "../providers/provider-adapter";
import { providerIds } from "../providers/provider-adapter";
import type { ModelPrice, PriceSource, PriceTable, Resolution } from "./price-defaults";
import { builtInPrices, builtInPriceVersion } from "./price-defaults";

export type { ModelPrice, PriceSource, Resolution } from "./price-defaults";

export interface PriceBook {
  version: string;
  prices: PriceTable;
}

/** What a job is billed in: output seconds at a resolution, or images. */
export type Units = { seconds: number; resolution: Resolution } | { images: number };

/** A price for one request at one provider. `unit_price_usd` null: unpriced, and why. */
export interface PriceQuote {
  units: Units;
  unit_price_usd: number | null;
  price_version: string;
  price_source: PriceSource | null;
  estimated_cost_usd: number | null;
  unpriced_reason: string | null;
}

type Request = { model: ModelId; input: I2vInput | ImageProInput };

const usd = z.number().min(0).max(1000).nullable();
const note = z.string().min(1).max(300).optional();
const unpriced = z.strictObject({ unpriced: z.string().min(1).max(300).describe("why this provider × model has no price") });
const videoEntry = z.union([z.strictObject({ per_second_usd: z.strictObject({ "720p": usd, "1080p": usd }), note }), unpriced]);
const imageEntry = z.union([z.strictObject({ per_image_usd: usd, note }), unpriced]);

/** The `PRICES` configuration value (JSON). */
export const priceConfigSchema = z.strictObject({
  version: z.string().min(1).max(64).regex(/^[\w.:-]+$/, "letters, digits and . _ : - only"),
  prices: z.partialRecord(z.enum(providerIds), z.strictObject({ "wan2.7-i2v": videoEntry.optional(), "wan2.7-image-pro": imageEntry.optional() })),
});

export type PriceConfig = z.infer<typeof priceConfigSchema>;

/** The built-in book (no `PRICES`). */
export const builtInPriceBook: PriceBook = { version: builtInPriceVersion, prices: builtInPrices };

function configuredEntry(model: ModelId, entry: NonNullable<PriceConfig["prices"][ProviderId]>[ModelId]): ModelPrice | undefined {
  if (!entry) return undefined;
  if ("unpriced" in entry) {
    return model === "wan2.7-i2v"
      ? { unit: "second", per_second_usd: { "720p": null, "1080p": null }, source: "configured", note: entry.unpriced }
      : { unit: "image", per_image_usd: null, source: "configured", note: entry.unpriced };
  }
  if ("per_second_usd" in entry) return { unit: "second", per_second_usd: entry.per_second_usd, source: "configured", note: entry.note ?? null };
  return { unit: "image", per_image_usd: entry.per_image_usd, source: "configured", note: entry.note ?? null };
}

/**
 * The book from `PRICES` text (empty: the built-in one). Returns the problems by JSON path
 * instead of throwing, so configuration can report them all at once.
 * @example parsePriceBook('{"version":"2026-12","prices":{"evolink":{"wan2.7-i2v":{"per_second_usd":{"720p":0.09,"1080p":0.13}}}}}')
 */
export function parsePriceBook(text: string): { ok: true; book: PriceBook } | { ok: false; problems: string[] } {
  if (text.trim() === "") return { ok: true, book: builtInPriceBook };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problems: ["$: not JSON"] };
  }
  const parsed = priceConfigSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.join(".") || "$"}: ${issue.message}`) };
  const prices: PriceTable = structuredClone(builtInPrices);
  for (const [provider, models] of Object.entries(parsed.data.prices) as Array<[ProviderId, NonNullable<PriceConfig["prices"][ProviderId]>]>) {
    for (const model of ["wan2.7-i2v", "wan2.7-image-pro"] as const) {
      const entry = configuredEntry(model, models[model]);
      if (entry) prices[provider][model] = entry;
    }
  }
  return { ok: true, book: { version: parsed.data.version, prices } };
}

/** The units a request asks for: its duration at its resolution, or `n` images. */
export function requestUnits(request: Request): Units {
  if (request.model === "wan2.7-i2v") {
    const input = request.input as I2vInput;
    return { seconds: input.duration, resolution: input.resolution };
  }
  return { images: (request.input as ImageProInput).n };
}

/** USD per unit at `provider` for `units`, or null with the reason. */
export function unitPriceOf(book: PriceBook, provider: ProviderId, model: ModelId, units: Units): { price: number | null; source: PriceSource | null; reason: string | null } {
  const entry = book.prices[provider]?.[model];
  if (!entry) return { price: null, source: null, reason: `no price for ${model} at ${provider} in price book ${book.version}` };
  const price = entry.unit === "second" ? ("resolution" in units ? entry.per_second_usd[units.resolution] : null) : entry.per_image_usd;
  if (price === null) return { price: null, source: entry.source, reason: entry.note ?? `${provider} publishes no price for ${model}` };
  return { price, source: entry.source, reason: null };
}

/** Micro-dollars of `units` at `unitPriceUsd`. */
export function costMicros(unitPriceUsd: number, units: Units): number {
  const count = "seconds" in units ? units.seconds : units.images;
  return Math.round(unitPriceUsd * 1_000_000 * count);
}

export function microsToUsd(micros: number): number {
  return micros / 1_000_000;
}

/**
 * The quote of `request` at `provider`: its units, the unit price and the estimate.
 * @example quote(book, "shortapi", { model: "wan2.7-i2v", input }).estimated_cost_usd // 0.425 for 5 s
 */
export function quote(book: PriceBook, provider: ProviderId, request: Request, units: Units = requestUnits(request)): PriceQuote {
  const { price, source, reason } = unitPriceOf(book, provider, request.model, units);
  return {
    units,
    unit_price_usd: price,
    price_version: book.version,
    price_source: source,
    estimated_cost_usd: price === null ? null : microsToUsd(costMicros(price, units)),
    unpriced_reason: reason,
  };
}

/**
 * What to hold against a budget for a request that may go to any of `providers`: the
 * dearest one's quote (a failover may land there). Null when one of them is unpriced.
 */
export function reservationMicros(book: PriceBook, providers: readonly ProviderId[], request: Request): number | null {
  let most = 0;
  for (const provider of providers) {
    const { price } = unitPriceOf(book, provider, request.model, requestUnits(request));
    if (price === null) return null;
    most = Math.max(most, costMicros(price, requestUnits(request)));
  }
  return most;
}
