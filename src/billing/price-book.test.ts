import { describe, expect, it } from "vitest";
import type { I2vInput } from "../models/i2v";
import type { ImageProInput } from "../models/image-pro";
import { providerIds } from "../providers/provider-adapter";
import { modelAdapter } from "../providers/provider-registry";
import { builtInPriceBook, costMicros, parsePriceBook, quote, reservationMicros } from "./price-book";

const video = (input: Partial<I2vInput> = {}) => ({ model: "wan2.7-i2v" as const, input: { first_frame: "https://e.com/a.png", mode: "first_frame", resolution: "720p", duration: 5, prompt_extend: false, watermark: false, ...input } as I2vInput });
const images = (n: number) => ({ model: "wan2.7-image-pro" as const, input: { prompt: "p", n, size: "2K", images: [], enable_sequential: false, thinking_mode: false, watermark: false } as unknown as ImageProInput });

describe("the built-in price book", () => {
  it("prices every model every provider sells — an estimate says how it was derived, nothing is a silent null", () => {
    for (const provider of providerIds) {
      for (const model of ["wan2.7-i2v", "wan2.7-image-pro"] as const) {
        const entry = builtInPriceBook.prices[provider][model];
        if (!modelAdapter(provider, model)) {
          expect(entry, `${provider} does not sell ${model}`).toBeUndefined();
          continue;
        }
        expect(entry, `${provider} ${model}`).toBeDefined();
        const prices = entry!.unit === "second" ? Object.values(entry!.per_second_usd) : [entry!.per_image_usd];
        for (const price of prices) expect(price, `${provider} ${model}`).toBeGreaterThan(0);
        if (entry!.source === "estimate") expect(entry!.note?.length ?? 0, `${provider} ${model} says how it was estimated`).toBeGreaterThan(40);
      }
    }
  });

  it("quotes units, unit price and the estimate, in whole micro-dollars", () => {
    expect(quote(builtInPriceBook, "shortapi", video({ duration: 5 }))).toEqual({
      units: { seconds: 5, resolution: "720p" },
      unit_price_usd: 0.085,
      price_version: "builtin-2026-11-30",
      price_source: "published",
      estimated_cost_usd: 0.425,
      unpriced_reason: null,
    });
    expect(quote(builtInPriceBook, "aimlapi", images(3))).toMatchObject({ units: { images: 3 }, unit_price_usd: 0.0975, estimated_cost_usd: 0.2925 });
    expect(costMicros(0.1, { seconds: 7, resolution: "1080p" })).toBe(700_000);
    expect(costMicros(0.0975, { images: 3 })).toBe(292_500);
  });

  it("holds the dearest eligible provider's quote against a budget, or none when one is unpriced", () => {
    expect(reservationMicros(builtInPriceBook, ["shortapi", "evolink"], video())).toBe(500_000);
    const parsed = parsePriceBook(JSON.stringify({ version: "v2", prices: { evolink: { "wan2.7-i2v": { unpriced: "not agreed yet" } } } }));
    expect(parsed.ok).toBe(true);
    const book = parsed.ok ? parsed.book : builtInPriceBook;
    expect(reservationMicros(book, ["shortapi", "evolink"], video())).toBeNull();
    expect(quote(book, "evolink", video())).toMatchObject({ unit_price_usd: null, estimated_cost_usd: null, unpriced_reason: "not agreed yet", price_version: "v2" });
  });
});

describe("PRICES", () => {
  it.each([
    ["not JSON", "{", ["$: not JSON"]],
    ["no version", JSON.stringify({ prices: {} }), ["version"]],
    ["an unknown provider", JSON.stringify({ version: "v", prices: { fal: {} } }), ["prices.fal"]],
    ["an unknown model", JSON.stringify({ version: "v", prices: { evolink: { "wan2.6": {} } } }), ["prices.evolink"]],
    ["a price in words", JSON.stringify({ version: "v", prices: { evolink: { "wan2.7-i2v": { per_second_usd: { "720p": "ten cents", "1080p": 0.1 } } } } }), ["prices.evolink.wan2.7-i2v"]],
  ])("refuses %s, naming where", (_name, text, paths) => {
    const parsed = parsePriceBook(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    for (const path of paths) expect(parsed.problems.some((problem) => problem.startsWith(path)), `${path} in ${parsed.problems.join("; ")}`).toBe(true);
  });

  it("is the built-in book when empty", () => {
    expect(parsePriceBook("")).toEqual({ ok: true, book: builtInPriceBook });
  });
});
