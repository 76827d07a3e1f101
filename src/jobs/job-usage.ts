/**
 * @module jobs/job-usage — what a job costs, from its attempts, as a pure function.
 *
 * Every attempt carries the price book's quote from when its create was sent (units, unit
 * price, version). A billed attempt costs its *billed* units at that unit price: the seconds
 * the provider reports (DashScope bills `usage.duration`, a continuation's clip included),
 * else the seconds asked for; the images it delivered. The same charge makes the attempt's
 * ledger line (jobs/job-settlement.ts), so a tenant's ledger adds up to its jobs' usage.
 */
import type { PriceQuote, Units } from "../billing/price-book";
import { costMicros, microsToUsd } from "../billing/price-book";
import { liveAttempt } from "./job-attempts";
import type { Attempt, JobRecord, JobUsage, UsageFigures } from "./job-types";

/** What one attempt costs (or, not yet billed, is quoted at). */
export interface AttemptCharge {
  units: Units;
  unit_price_usd: number | null;
  price_version: string;
  price_source: PriceQuote["price_source"];
  /** Null when unpriced (`unpriced_reason` says why). */
  cost_micros: number | null;
  unpriced_reason: string | null;
}

/** The quote of an attempt; an orphan adopted from a callback borrows its provider's sibling's. */
function quoteOf(job: Pick<JobRecord, "attempts">, attempt: Attempt): PriceQuote | null {
  return attempt.quote ?? job.attempts.find((other) => other.provider === attempt.provider && other.quote)?.quote ?? null;
}

/**
 * The charge of `attempt`: billed units at its quoted unit price when the provider finished
 * it, else its quote.
 * @example attemptCharge(job, job.attempts[0]!).cost_micros // 425000 for 5 s at $0.085
 */
export function attemptCharge(job: Pick<JobRecord, "attempts" | "usage">, attempt: Attempt): AttemptCharge {
  const quote = quoteOf(job, attempt);
  const asked = quote?.units ?? job.usage.units;
  let units: Units = asked;
  if (attempt.billed) {
    units = "seconds" in asked ? { seconds: attempt.billed_seconds ?? asked.seconds, resolution: asked.resolution } : { images: attempt.billed_images ?? asked.images };
  }
  if (!quote || quote.unit_price_usd === null) {
    const reason = quote?.unpriced_reason ?? `no price was recorded for this ${attempt.provider} task (it was adopted from a callback)`;
    return { units, unit_price_usd: null, price_version: quote?.price_version ?? job.usage.price_version, price_source: quote?.price_source ?? null, cost_micros: null, unpriced_reason: reason };
  }
  return { units, unit_price_usd: quote.unit_price_usd, price_version: quote.price_version, price_source: quote.price_source, cost_micros: costMicros(quote.unit_price_usd, units), unpriced_reason: null };
}

/** The attempt whose result the job has, is copying or is waiting for; else the last billed. */
function primaryAttempt(job: Pick<JobRecord, "attempts" | "copy">, counted: Attempt[]): Attempt | undefined {
  if (job.copy) return job.attempts[job.copy.attempt];
  const result = [...job.attempts].reverse().find((attempt) => attempt.status === "completed");
  return result ?? liveAttempt(job) ?? counted[counted.length - 1];
}

/**
 * The job's usage from its attempts. The estimate adds every billed attempt (a failover
 * the provider also finished is paid for too) and, while the job runs, the live one.
 * Before any attempt the job keeps the quote it was created with.
 */
export function usageOf(job: Pick<JobRecord, "attempts" | "usage" | "copy">, terminal: boolean): JobUsage {
  const billed = job.attempts.filter((attempt) => attempt.billed);
  const live = terminal ? undefined : liveAttempt(job);
  const counted = live && !live.billed ? [...billed, live] : billed;
  const unknownFate = job.attempts.filter((attempt) => attempt.status === "outcome_unknown" || (attempt.status === "abandoned" && attempt.upstream_id !== null && !attempt.billed && attempt.upstream_state !== "failed"));
  const common = {
    billed_attempts: billed.length,
    possibly_billed_attempts: unknownFate.length,
    // Adapters keep only objects parsed from the providers' JSON.
    provider_usage: billed.map((attempt) => ({ provider: attempt.provider, upstream_id: attempt.upstream_id, reported: (attempt.provider_usage ?? attempt.create_usage ?? null) as UsageFigures | null })),
  };
  if (counted.length === 0) {
    // Nothing sent yet: the quote it was created with. Over with nothing billed: it cost nothing.
    if (!terminal) return { ...job.usage, ...common };
    return { ...job.usage, ...common, estimated_cost_usd: 0, priced: true, unpriced_reason: null };
  }
  const charges = counted.map((attempt) => attemptCharge(job, attempt));
  const unpriced = charges.find((charge) => charge.cost_micros === null);
  const primary = primaryAttempt(job, counted);
  const main = primary ? attemptCharge(job, primary) : charges[charges.length - 1]!;
  return {
    ...job.usage,
    ...common,
    units: main.units,
    unit_price_usd: main.unit_price_usd,
    price_version: main.price_version,
    price_source: main.price_source,
    priced: !unpriced,
    unpriced_reason: unpriced?.unpriced_reason ?? null,
    estimated_cost_usd: unpriced ? null : microsToUsd(charges.reduce((sum, charge) => sum + charge.cost_micros!, 0)),
  };
}

/**
 * A new job's usage: the quote of its first choice of provider, nothing billed yet.
 * @example initialUsage(quote(book, "evolink", request))
 */
export function initialUsage(first: PriceQuote): JobUsage {
  return {
    units: first.units,
    unit_price_usd: first.unit_price_usd,
    price_version: first.price_version,
    price_source: first.price_source,
    priced: first.unit_price_usd !== null,
    unpriced_reason: first.unpriced_reason,
    estimated_cost_usd: first.estimated_cost_usd,
    provider_usage: [],
    billed_seconds: null,
    images: null,
    billed_attempts: 0,
    possibly_billed_attempts: 0,
  };
}
