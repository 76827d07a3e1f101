/**
 * @module tenants/admit-job — the submit path's one call to the tenant's account, from the
 * route's side: the budget hold of the request (its dearest eligible provider's quote), the
 * account's decision, and what the response says about it (402, 429, `X-Budget-Remaining`,
 * `Server-Timing`).
 */
import type { Config, Env } from "../env";
import { ProblemError } from "../http/problem";
import type { JobRecord } from "../jobs/job-types";
import type { ProviderId } from "../providers/provider-adapter";
import { requestUnits, reservationMicros, unitPriceOf } from "../billing/price-book";
import type { AdmitResult } from "./tenant-account";

export type Admission = AdmitResult & { ok: true };

/** USD of micro-dollars as a header value ("4.575"). */
export function budgetHeaderValue(micros: number): string {
  return String(Math.max(0, micros) / 1_000_000);
}

/**
 * Asks the tenant's account to admit a new job. Throws `402 budget_exceeded` (nothing is
 * submitted; `X-Budget-Remaining` says what is left) or `429 rate_limited` (`Retry-After`).
 * `elapsedMs` is the call's own time, for `Server-Timing`.
 * @example const { admission, providers } = await admitJob(env, config, tenant, id, request, eligible)
 */
export async function admitJob(
  env: Env,
  config: Config,
  tenant: string,
  jobId: string,
  request: Pick<JobRecord, "model" | "input">,
  eligible: ProviderId[],
): Promise<{ admission: Admission; providers: ProviderId[]; elapsedMs: number }> {
  const priced = eligible.filter((provider) => unitPriceOf(config.prices, provider, request.model, requestUnits(request)).price !== null);
  const started = Date.now();
  const result = await env.ACCOUNTS.get(env.ACCOUNTS.idFromName(tenant)).admit({
    job_id: jobId,
    reserve_micros: reservationMicros(config.prices, eligible, request),
    priced_reserve_micros: priced.length === 0 ? null : reservationMicros(config.prices, priced, request),
  });
  const elapsedMs = Date.now() - started;
  if (!result.ok) {
    if (result.code === "budget_exceeded") {
      throw new ProblemError("budget_exceeded", result.detail, [], { "x-budget-remaining": budgetHeaderValue(result.remaining_micros) }, { budget_remaining_usd: Math.max(0, result.remaining_micros) / 1_000_000 });
    }
    throw new ProblemError("rate_limited", result.detail, [], { "retry-after": String(Math.max(1, Math.ceil(result.retry_after_ms / 1000))) });
  }
  // Under a budget an unpriced provider cannot be held: the job goes to priced ones only.
  return { admission: result, providers: result.priced_only ? priced : eligible, elapsedMs };
}
