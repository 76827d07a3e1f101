import { describe, expect, it } from "vitest";
import { csvField, ledgerCsv, ledgerCsvColumns } from "./ledger-csv";
import type { LedgerLine } from "./ledger-line";
import { providerReportedUsd } from "./ledger-line";

const line: LedgerLine = {
  job_id: "job_01jd3k5x7z9q2m4n6p8r0s2t4v",
  attempt: 0,
  at: "2026-12-01T10:00:03.120Z",
  model: "wan2.7-i2v",
  provider: "shortapi",
  upstream_id: "sa-91",
  seconds: 5,
  resolution: "720p",
  images: null,
  unit_price_usd: 0.085,
  cost_micros: 425_000,
  price_version: "builtin-2026-11-30",
  price_source: "published",
  provider_usage: '{"amount":"0.425"}',
  provider_reported_usd: 0.425,
};

describe("ledger CSV (RFC 4180)", () => {
  it("writes a header and CRLF-ended records, quoting only where needed", () => {
    expect(ledgerCsv([line])).toBe(
      `${ledgerCsvColumns.join(",")}\r\n2026-12-01T10:00:03.120Z,job_01jd3k5x7z9q2m4n6p8r0s2t4v,0,wan2.7-i2v,shortapi,sa-91,5,720p,,0.085,0.425,true,builtin-2026-11-30,published,0.425,"{""amount"":""0.425""}"\r\n`,
    );
  });

  it.each([
    ["plain", "sa-91", "sa-91"],
    ["a comma", "a,b", '"a,b"'],
    ["a quote", 'say "hi"', '"say ""hi"""'],
    ["a line break", "a\nb", '"a\nb"'],
    ["a formula", "=HYPERLINK(\"x\")", '"\'=HYPERLINK(""x"")"'],
    ["a leading plus", "+1", "'+1"],
    ["a leading at", "@SUM(A1)", "'@SUM(A1)"],
    ["empty", "", ""],
  ])("a field with %s", (_name, value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it("writes numbers and empty cells as they are", () => {
    expect(csvField(null)).toBe("");
    expect(csvField(0.0975)).toBe("0.0975");
    expect(csvField(false)).toBe("false");
  });

  it("marks an unpriced line: no cost, priced false", () => {
    const row = ledgerCsv([{ ...line, unit_price_usd: null, cost_micros: null }]).split("\r\n")[1]!;
    expect(row).toContain(",,,false,");
  });
});

describe("the money a provider says it charged", () => {
  it.each([
    ["aimlapi", { credits_used: 195, usd_spent: 0.0975 }, 0.0975],
    ["shortapi", { amount: "0.425" }, 0.425],
    ["shortapi", { amount: "free" }, null],
    ["pixeldojo", { creditCost: 13 }, null],
    ["dashscope", { duration: 5, SR: 720 }, null],
    ["evolink", null, null],
  ] as const)("%s %j → %s", (provider, reported, usd) => {
    expect(providerReportedUsd(provider, reported)).toBe(usd);
  });
});
