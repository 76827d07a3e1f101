/**
 * @module billing/ledger-csv — the ledger's lines as CSV (RFC 4180), for spreadsheets.
 *
 * A header row; CRLF line ends; a field is quoted when it holds a comma, a quote, CR or LF,
 * and quotes inside are doubled. Text that comes from a provider (task ids, its usage figures)
 * is never trusted by a spreadsheet: a text cell starting with `=`, `+`, `-`, `@`, tab or CR
 * would be read as a formula, so it gets a leading `'` (OWASP's advice on CSV injection).
 * Numbers are plain numbers (a cost is never negative, so no number is touched).
 */
import type { LedgerLine } from "./ledger-line";

export const ledgerCsvColumns = [
  "at",
  "job_id",
  "attempt",
  "model",
  "provider",
  "upstream_id",
  "seconds",
  "resolution",
  "images",
  "unit_price_usd",
  "cost_usd",
  "priced",
  "price_version",
  "price_source",
  "provider_reported_usd",
  "provider_usage",
] as const;

/** One CSV field: quoted when RFC 4180 needs it; formula-looking text neutralised. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** "0.425" — micro-dollars as a plain decimal. */
function usd(micros: number | null): number | null {
  return micros === null ? null : micros / 1_000_000;
}

function row(line: LedgerLine): Array<string | number | boolean | null> {
  return [
    line.at,
    line.job_id,
    line.attempt,
    line.model,
    line.provider,
    line.upstream_id,
    line.seconds,
    line.resolution,
    line.images,
    line.unit_price_usd,
    usd(line.cost_micros),
    line.cost_micros !== null,
    line.price_version,
    line.price_source,
    line.provider_reported_usd,
    line.provider_usage,
  ];
}

/**
 * The lines as one CSV document, header first.
 * @example ledgerCsv([line]) // "at,job_id,attempt,…\r\n2026-12-01T10:00:00.000Z,job_…,0,…\r\n"
 */
export function ledgerCsv(lines: readonly LedgerLine[]): string {
  const rows = [ledgerCsvColumns.join(","), ...lines.map((line) => row(line).map(csvField).join(","))];
  return `${rows.join("\r\n")}\r\n`;
}
