/**
 * @module jobs/job-upstream — the job's conversations with providers, as functions that
 * return machine events: submit (through the circuit breakers), poll, cancel.
 *
 * No decisions about retries or failover live here; the machine makes those from the
 * events. `UpstreamOps` is the provider spec's view for one model (provider-registry).
 */
import type { Config, Env } from "../env";
import { isLoopbackHost, upstreamFetch } from "../env";
import { publicHostProblem } from "../media/url-policy";
import { callbackToken } from "../lib/tokens";
import type { AdapterContext, ModelRequest, ProviderId, UpstreamError } from "../providers/provider-adapter";
import type { ModelOperations } from "../providers/provider-registry";
import { modelOperations } from "../providers/provider-registry";
import { breakerClient } from "../routing/circuit-breaker";
import { quote } from "../billing/price-book";
import type { JobEvent } from "./job-machine";
import type { Attempt, JobRecord, ModelId } from "./job-types";
import { imageInput, videoInput } from "./job-types";

/** What the job needs from a provider for one model: a view on the provider's spec. */
export type UpstreamOps = ModelOperations;

/** The provider's operations for `model`, or null when it does not offer the model. */
export function upstreamOps(model: ModelId, provider: ProviderId): UpstreamOps | null {
  return modelOperations(provider, model);
}

/** The job's model and input, tied together for `submit` (narrowed, not cast). */
function modelRequest(job: Pick<JobRecord, "model" | "input">): ModelRequest {
  const video = videoInput(job);
  if (video) return { model: "wan2.7-i2v", input: video };
  const image = imageInput(job);
  if (image) return { model: "wan2.7-image-pro", input: image };
  throw new Error(`job has an unknown model ${job.model}`);
}

export interface UpstreamDeps {
  env: Env;
  config: Config;
  now: () => number;
}

function mustOps(model: ModelId, provider: ProviderId): UpstreamOps {
  const ops = upstreamOps(model, provider);
  if (!ops) throw new Error(`${provider} has no adapter for ${model}`);
  return ops;
}

export function adapterContext(deps: UpstreamDeps, provider: ProviderId): AdapterContext {
  const settings = deps.config.providers[provider];
  if (!settings) throw new Error(`provider ${provider} is not configured`);
  return { fetch: upstreamFetch(deps.env), baseUrl: settings.baseUrl, apiKey: settings.apiKey, now: deps.now };
}


/** The provider's polling cadence, unless the deployment overrides it (POLL_BASE_MS/POLL_MAX_MS). */
function pollingFor(env: Env, ops: UpstreamOps): { baseMs: number; maxMs: number } {
  const number = (name: string) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  return { baseMs: number("POLL_BASE_MS") ?? ops.polling.baseMs, maxMs: number("POLL_MAX_MS") ?? ops.polling.maxMs };
}

/** Longest a create may take before its answer counts as lost (the provider timeout, plus margin). */
export const createTimeoutMs = 20_000;

/**
 * Picks the provider for the next create — the one at the cursor, or the next whose circuit
 * breaker lets it through — and describes the attempt to write ahead (`create_started`).
 * When every breaker is open, asks the machine to wait for the first cool-down.
 */
export async function startCreate(job: JobRecord, deps: UpstreamDeps): Promise<JobEvent> {
  const breakers = breakerClient(deps.env.BREAKERS, deps.now);
  let chosen: ProviderId | null = null;
  let retryAt = Number.POSITIVE_INFINITY;
  for (let step = 0; step < job.providers.length && !chosen; step++) {
    const provider = job.providers[(job.provider_cursor + step) % job.providers.length]!;
    if (job.skip_providers.includes(provider)) continue;
    const decision = await breakers.admit(provider);
    if (decision.allowed) chosen = provider;
    else retryAt = Math.min(retryAt, decision.retryAt ?? deps.now() + 1_000);
  }
  if (!chosen) return { type: "submit_deferred", until: retryAt };
  const ops = mustOps(job.model, chosen);
  return {
    type: "create_started",
    provider: chosen,
    // One key per attempt: a re-sent create (same attempt) is the same request to the provider.
    idempotencyKey: `${job.id}.${job.attempts.length + 1}`,
    startDeadlineMs: ops.startDeadlineMs,
    polling: pollingFor(deps.env, ops),
    quote: quote(deps.config.prices, chosen, job),
    // Only matters if this instance dies: while it lives, its pass holds the create until the
    // answer (or the timeout), and nothing else runs. After a restart, recovery starts then.
    recoverAfterMs: 3_000,
  };
}

/**
 * Whether `provider` can call this gateway back. A gateway on a laptop (a loopback or private
 * `PUBLIC_BASE_URL`) is reachable only from the emulator: a real provider is sent no callback
 * URL (they refuse non-public ones, which would turn into a refused create) and the job polls.
 */
export function callbacksReach(config: Pick<Config, "publicBaseUrl" | "providers" | "emulatorOrigin">, provider: ProviderId): boolean {
  if (publicHostProblem(new URL(config.publicBaseUrl)) === null) return true;
  const base = config.providers[provider]?.baseUrl;
  if (!base) return false;
  const origin = new URL(base);
  return origin.origin === config.emulatorOrigin || isLoopbackHost(origin.hostname);
}

/**
 * Whether a failed create may still have made a task: no answer at all (a timeout, a dropped
 * connection), a gateway timeout, the provider saying so (EvoLink `paid_outcome_unknown`), or
 * a 2xx answer we could not read. Never treated as a refusal.
 */
function outcomeUnknown(error: UpstreamError): boolean {
  if (error.kind === "timeout") return true;
  if (error.httpStatus === undefined) return error.kind === "unavailable";
  return error.httpStatus === 504 || (error.kind === "protocol" && error.httpStatus >= 200 && error.httpStatus < 300);
}

/**
 * Sends (or re-sends) the create of attempt `index`, already written ahead. An answer is
 * `created` or `create_failed`; no answer (a timeout, a dropped connection) is
 * `create_lost`: the provider may have made the task, so it is never treated as a refusal.
 */
export async function sendCreate(job: JobRecord, index: number, deps: UpstreamDeps): Promise<JobEvent> {
  const attempt = job.attempts[index]!;
  const provider = attempt.provider;
  const ops = mustOps(job.model, provider);
  const breakers = breakerClient(deps.env.BREAKERS, deps.now);
  const callbackUrl = ops.callbacks && callbacksReach(deps.config, provider) ? `${deps.config.publicBaseUrl}/callbacks/${provider}/${job.id}/${await callbackToken(deps.config.serverSecret, job.id)}` : null;
  const result = await ops.submit(modelRequest(job), { callbackUrl, idempotencyKey: attempt.idempotency_key ?? `${job.id}.${index + 1}` }, { ...adapterContext(deps, provider), timeoutMs: createTimeoutMs });
  // The breaker tracks the provider's health: a request it rightly refused is not its fault.
  const healthy = result.ok || result.error.kind === "rejected" || result.error.kind === "content_policy";
  await breakers.record(provider, healthy);
  if (result.ok) {
    const { upstreamId, task, providerUsage } = result.value;
    return providerUsage === undefined ? { type: "created", index, upstreamId, task } : { type: "created", index, upstreamId, task, providerUsage };
  }
  if (outcomeUnknown(result.error)) return { type: "create_lost", index, resend: ops.idempotentCreate, error: result.error };
  return { type: "create_failed", index, error: result.error };
}

/** After a restart, a create found in flight: re-sent with its key where that is safe, else lost. */
export async function recoverCreate(job: JobRecord, index: number, deps: UpstreamDeps): Promise<JobEvent> {
  const attempt = job.attempts[index]!;
  if (mustOps(job.model, attempt.provider).idempotentCreate) return sendCreate(job, index, deps);
  // No key and no task lookup at this provider: asking again could make a second task.
  return { type: "create_lost", index, resend: false, error: { kind: "timeout", message: `${attempt.provider} did not answer the create`, retryable: true } };
}

/** Re-reads attempt `index`'s task upstream. */
export async function pollAttempt(job: JobRecord, index: number, deps: UpstreamDeps): Promise<JobEvent> {
  const attempt = job.attempts[index]!;
  const ops = mustOps(job.model, attempt.provider);
  if (!ops.getTask) return { type: "poll_failed", index, error: { kind: "protocol", message: "this provider has no task to poll", retryable: false } };
  if (ops.queryRatePerSecond) {
    // Admitted at the moment of sending (routing/rate-limit), so late alarms cannot bunch reads.
    const breakers = deps.env.BREAKERS;
    const waitMs = await breakers.get(breakers.idFromName(attempt.provider)).admitQuery(ops.queryRatePerSecond);
    if (waitMs > 0) return { type: "poll_deferred", index, until: deps.now() + waitMs };
  }
  const result = await ops.getTask(attempt.upstream_id!, adapterContext(deps, attempt.provider));
  if (result.ok && result.value.state === "unknown") console.warn("unknown upstream status", attempt.provider, result.value.upstreamStatus.slice(0, 64));
  return result.ok ? { type: "observed", index, task: result.value } : { type: "poll_failed", index, error: result.error };
}

/** Best-effort upstream cancel of an attempt (never retried); null when not possible. */
export async function cancelAttempt(job: JobRecord, attempt: Attempt, deps: UpstreamDeps): Promise<boolean | null> {
  const ops = upstreamOps(job.model, attempt.provider);
  if (!ops?.canCancel || !ops.cancel || !attempt.upstream_id) return null;
  const result = await ops.cancel(attempt.upstream_id, adapterContext(deps, attempt.provider));
  return result.ok;
}
