/**
 * @module billing/ledger-line — one line of a tenant's cost ledger: one billed attempt.
 *
 * Written when the job settles (jobs/job-settlement.ts builds them from the same charge the
 * job's `usage` shows), kept in the tenant's account, summed by `GET /v1/usage` and exported
 * as CSV. A failover attempt the provider also finished is a line of its own: it is paid for.
 */
import type { ProviderId } from "../providers/provider-adapter";
import type { PriceSource, Resolution } from "./price-defaults";

// A type alias, not an interface: SqlStorage's row type needs an index-signature-compatible shape.
export type LedgerLine = {
  job_id: string;
  /** The attempt's index in the job's `attempts`. */
  attempt: number;
  /** When the provider finished it (ISO 8601 UTC). */
  at: string;
  model: string;
  provider: ProviderId;
  upstream_id: string | null;
  /** Billed units: seconds at a resolution (video) or images. */
  seconds: number | null;
  resolution: Resolution | null;
  images: number | null;
  unit_price_usd: number | null;
  /** Null when unpriced. */
  cost_micros: number | null;
  price_version: string;
  price_source: PriceSource | null;
  /** The provider's own figures, verbatim, as JSON text (null: it reported none). */
  provider_usage: string | null;
  /** USD the provider itself says it charged, where it says one (AI/ML API `usd_spent`, ShortAPI `amount`). */
  provider_reported_usd: number | null;
};

function numberIn(value: unknown): number | null {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof number === "number" && Number.isFinite(number) && number >= 0 ? number : null;
}

/**
 * The USD amount a provider states in its own usage figures, or null. Only providers that
 * report money: AI/ML API `{usd_spent}` (meta.usage), ShortAPI `{amount: "0.425"}`. Credits
 * (PixelDojo `creditCost`, EvoLink `credits_reserved`) and DashScope's units are not money.
 * @example providerReportedUsd("shortapi", { amount: "0.425" }) // 0.425
 */
export function providerReportedUsd(provider: ProviderId, reported: unknown): number | null {
  if (!reported || typeof reported !== "object") return null;
  const figures = reported as Record<string, unknown>;
  if (provider === "aimlapi") return numberIn(figures.usd_spent);
  if (provider === "shortapi") return numberIn(figures.amount);
  return null;
}
