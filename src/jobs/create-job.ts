/**
 * @module jobs/create-job — the one path that creates a job, shared by `POST /v1/jobs` and the
 * OpenAI-compatible routes: validation, eligibility, the tenant's admission, the job's Durable
 * Object `create`, Idempotency-Key replays and an optional wait. Routes only read the request
 * and write the answer.
 */
import type { Config, Env } from "../env";
import { loadConfig } from "../env";
import { ProblemError } from "../http/problem";
import type { JobRecord } from "./job-types";
import type { JobView } from "./job-view";
import { idempotentJobId, newJobId } from "../lib/ids";
import { sha256Hex } from "../lib/encoding";
import { mediaPolicyFor } from "../media/media-defaults";
import { i2vMaterials } from "../models/i2v";
import type { JobRequest } from "../models/job-request";
import { canonicalJson, validateJobRequest } from "../models/job-request";
import { uploadIdsIn } from "../uploads/upload-keys";
import type { Exclusion } from "../routing/eligibility";
import { eligibleProviders } from "../routing/eligibility";
import { quote } from "../billing/price-book";
import { initialUsage } from "./job-usage";
import type { Admission } from "../tenants/admit-job";
import { admitJob, budgetHeaderValue } from "../tenants/admit-job";
import { webhookUrlProblem } from "../webhooks/webhook-url";

function jobStub(env: Env, id: string) {
  return env.JOBS.get(env.JOBS.idFromName(id));
}

/** The URLs among a job's inputs (where its own uploads may be). */
function inputUrls(request: JobRequest): string[] {
  const input = request.input as Record<string, unknown>;
  const candidates = request.model === "wan2.7-i2v" ? i2vMaterials.map((field) => input[field]) : ((input.images as unknown[] | undefined) ?? []);
  return candidates.filter((url): url is string => typeof url === "string");
}

/** Builds the record of a new job from a validated request and its tenant's admission. */
function newRecord(id: string, tenant: string, request: ReturnType<typeof validateJobRequest> & { ok: true }, eligible: JobRecord["providers"], requestHash: string | null, config: Config, now: number, admission: Admission, uploads: string[]): JobRecord {
  const { value } = request;
  const stamp = new Date(now).toISOString();
  return {
    id,
    tenant,
    model: value.model,
    input: value.input,
    metadata: value.metadata,
    providers: eligible,
    provider_cursor: 0,
    skip_providers: [],
    status: "queued",
    progress: 0,
    created_at: stamp,
    updated_at: stamp,
    completed_at: null,
    attempts: [],
    outputs: [],
    error: null,
    // The quote of the first choice; replaced by the price of the provider that accepts it.
    usage: initialUsage(quote(config.prices, eligible[0]!, value)),
    deadline_at: now + config.jobDeadlineMs,
    submit: { tries: 0, due_at: now },
    copy: null,
    webhook: value.webhook,
    request_hash: requestHash,
    // Over its tenant's cap on running jobs: it waits for a slot (the account tells it when).
    hold: admission.state === "waiting" ? { position: admission.position ?? 1, tries: 0, due_at: now + 5_000 } : null,
    // The request's retention and access, else its tenant's (handed out with the admission).
    media: mediaPolicyFor(value, admission.media),
    uploads,
  };
}

/**
 * Why nothing can take the request: `422 unsupported` when no provider it may go to could do
 * what it asks (SDKs do not retry a 4xx; retrying would not help), `503 no_provider` with
 * `Retry-After` when one could but is not available on this deployment.
 */
function noEligibleProvider(excluded: Exclusion[]): ProblemError {
  const reasons = excluded.map(({ provider, reason }) => `${provider}: ${reason}`).join("; ");
  const listed = excluded.map(({ provider, reason }) => ({ provider, reason }));
  if (!excluded.some((exclusion) => exclusion.capable)) {
    return new ProblemError("unsupported", `No provider can serve this request (${reasons}).`, [], {}, { excluded: listed });
  }
  return new ProblemError("no_provider", `No provider is available for this request now (${reasons}).`, [], { "retry-after": "300" }, { excluded: listed });
}

export interface CreateJobOptions {
  /** From `idempotencyKeyOf`: the same key with the same request returns the original job. */
  idempotencyKey?: string | undefined;
  /** Hold until the job is terminal or this many seconds (≤ 60) have passed; null: do not wait. */
  waitSeconds?: number | null;
}

export interface CreateJobOutcome {
  job: JobView;
  /** An Idempotency-Key replay: the original job, nothing submitted again. */
  replayed: boolean;
  /** Headers for the answer: `Server-Timing` of the account call, `X-Budget-Remaining`. */
  headers: Record<string, string>;
}

/** Who creates the job and where: the bindings, the tenant, and a way to finish work after the answer. */
export interface CreationScope {
  env: Env;
  tenant: string;
  waitUntil: (work: Promise<unknown>) => void;
}

/**
 * Creates a job from a `POST /v1/jobs` body — the one creation path, shared with the
 * OpenAI-compatible routes: full validation (a 400 naming every field), provider
 * eligibility (503), the job's Durable Object `create` (which indexes it for its tenant
 * and submits it), Idempotency-Key replays (422 on a different body) and an optional wait.
 * Throws `ProblemError`.
 * @example const { job, replayed, headers } = await createJob({ env: c.env, tenant: c.get("tenant"), waitUntil: (work) => c.executionCtx.waitUntil(work) }, body, { idempotencyKey })
 */
export async function createJob(scope: CreationScope, body: Record<string, unknown>, options: CreateJobOptions = {}): Promise<CreateJobOutcome> {
  const { env, tenant } = scope;
  const config = loadConfig(env);
  const headers: Record<string, string> = {};
  const { idempotencyKey, waitSeconds = null } = options;
  const validation = validateJobRequest(body, config, (url) => webhookUrlProblem(url, config));
  if (!validation.ok) {
    const count = validation.errors.length;
    throw new ProblemError("invalid_request", `The request has ${count} invalid field${count === 1 ? "" : "s"}.`, validation.errors);
  }
  const { eligible, excluded } = eligibleProviders(validation.value, validation.value.provider, config);
  if (eligible.length === 0) throw noEligibleProvider(excluded);

  const now = Date.now();
  // With an Idempotency-Key the job id (and so its Durable Object) is derived from the
  // tenant and the key: concurrent retries meet in one object, which creates one job.
  const id = idempotencyKey === undefined ? newJobId(now) : await idempotentJobId(tenant, idempotencyKey);
  const requestHash = idempotencyKey === undefined ? null : await sha256Hex(canonicalJson(validation.value));
  // The submit's one call to its tenant's account, before anything goes upstream: rate (429),
  // budget hold (402, nothing submitted) and a running slot (or a place in the queue).
  const { admission, providers, elapsedMs } = await admitJob(env, config, tenant, id, validation.value, eligible);
  headers["server-timing"] = `account;dur=${elapsedMs};desc="tenant account"`;
  if (admission.remaining_micros !== null) headers["x-budget-remaining"] = budgetHeaderValue(admission.remaining_micros);
  const uploads = await uploadIdsIn(inputUrls(validation.value), tenant, config.publicBaseUrl);
  let outcome: Awaited<ReturnType<ReturnType<typeof jobStub>["create"]>>;
  try {
    outcome = await jobStub(env, id).create(newRecord(id, tenant, validation, providers, requestHash, config, now, admission, uploads));
  } catch (thrown) {
    // The job was never stored: its hold and slot go back (the account's sweep is the backstop).
    if (!admission.replayed) scope.waitUntil(env.ACCOUNTS.get(env.ACCOUNTS.idFromName(tenant)).release(id).catch(() => {}));
    throw thrown;
  }
  if (outcome.mismatch) {
    throw new ProblemError("idempotency_mismatch", "This Idempotency-Key was already used with a different request.");
  }
  let job = outcome.job;
  if (waitSeconds !== null) job = (await jobStub(env, id).waitForTerminal(tenant, waitSeconds * 1000)) ?? job;
  return { job, replayed: outcome.replayed, headers };
}

