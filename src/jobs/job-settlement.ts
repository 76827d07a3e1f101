/**
 * @module jobs/job-settlement — the job's calls to its tenant's account (tenants/
 * tenant-account.ts), as functions that return machine events: settling (ledger lines of
 * its billed attempts, the release of its budget hold and running slot) and asking for its
 * place in the tenant's queue.
 *
 * Lines are built from the same charge the job's `usage` shows (jobs/job-usage.ts), so the
 * ledger adds up to the jobs. Settling is idempotent at the account (a line per job and
 * attempt, a release by job id): a settlement whose answer was lost is simply sent again.
 */
import type { LedgerLine } from "../billing/ledger-line";
import { providerReportedUsd } from "../billing/ledger-line";
import type { Env } from "../env";
import type { Settlement } from "../tenants/tenant-account";
import { unledgered } from "./job-account-events";
import type { JobEvent } from "./job-machine";
import { isTerminal } from "./job-machine";
import type { JobRecord } from "./job-types";
import type { JobView } from "./job-view";
import { attemptCharge } from "./job-usage";

/** The tenant's account of a job. */
export function accountOf(env: Env, tenant: string) {
  return env.ACCOUNTS.get(env.ACCOUNTS.idFromName(tenant));
}

/** The ledger line of billed attempt `index`. */
export function ledgerLine(job: JobRecord, index: number, now: number): LedgerLine {
  const attempt = job.attempts[index]!;
  const charge = attemptCharge(job, attempt);
  const reported = attempt.provider_usage ?? attempt.create_usage ?? null;
  return {
    job_id: job.id,
    attempt: index,
    at: attempt.ended_at ?? new Date(now).toISOString(),
    model: job.model,
    provider: attempt.provider,
    upstream_id: attempt.upstream_id,
    seconds: "seconds" in charge.units ? charge.units.seconds : null,
    resolution: "seconds" in charge.units ? charge.units.resolution : null,
    images: "images" in charge.units ? charge.units.images : null,
    unit_price_usd: charge.unit_price_usd,
    cost_micros: charge.cost_micros,
    price_version: charge.price_version,
    price_source: charge.price_source,
    provider_usage: reported === null ? null : JSON.stringify(reported),
    provider_reported_usd: providerReportedUsd(attempt.provider, reported),
  };
}

/** What the job owes its account now: the lines not yet written and, once over, the release. */
export function settlementOf(job: JobRecord, now: number): { settlement: Settlement; indexes: number[] } {
  const indexes = unledgered(job);
  const final = isTerminal(job);
  const storage = job.status === "completed" ? job.outputs.map((output) => ({ key: output.key, bytes: output.bytes })) : [];
  const settlement: Settlement = { job_id: job.id, lines: indexes.map((index) => ledgerLine(job, index, now)), final, storage, idempotent: job.request_hash !== null };
  return { settlement, indexes };
}

/**
 * Sends the job's settlement to its tenant's account.
 * @example const event = await settleJob(env, job, Date.now()) // { type: "settled", indexes: [0], final: true }
 */
export async function settleJob(env: Env, job: JobRecord, now: number): Promise<JobEvent> {
  const { settlement, indexes } = settlementOf(job, now);
  try {
    await accountOf(env, job.tenant).settle(settlement);
    return { type: "settled", indexes, final: settlement.final };
  } catch (thrown) {
    console.error("settlement failed", thrown instanceof Error ? thrown.name : typeof thrown);
    return { type: "settle_failed" };
  }
}

/**
 * A held job asks its account where it stands (the account tells it when it is admitted;
 * this is the backstop). Unknown there — never admitted, or swept — lets it go: a job is
 * never stranded by a lost record.
 */
export async function checkQueue(env: Env, job: JobRecord): Promise<JobEvent> {
  const status = await accountOf(env, job.tenant)
    .queueStatus(job.id)
    .catch(() => null);
  if (status === null) return { type: "queue_checked", position: job.hold?.position ?? 1 };
  if (status.state === "waiting") return { type: "queue_checked", position: status.position };
  return { type: "admitted" };
}

/**
 * The view of a held job with its place in line as of now (the record keeps the place as last
 * heard; asking costs a call only for jobs that wait).
 */
export async function withQueuePosition(env: Env, job: JobRecord, view: JobView): Promise<JobView> {
  if (!job.hold || isTerminal(job)) return view;
  const status = await accountOf(env, job.tenant)
    .queueStatus(job.id)
    .catch(() => null);
  return status?.state === "waiting" ? { ...view, queue_position: status.position } : view;
}
