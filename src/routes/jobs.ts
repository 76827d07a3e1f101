/**
 * @module routes/jobs — create, read, wait for, cancel, stream and delete jobs.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import type { Config } from "../env";
import { loadConfig } from "../env";
import { ProblemError } from "../http/problem";
import { readJsonObject } from "../http/validation";
import type { JobRecord } from "../jobs/job-types";
import type { JobView } from "../jobs/job-view";
import { idempotentJobId, isJobId, newJobId } from "../lib/ids";
import { sha256Hex } from "../lib/encoding";
import { purgeMediaCache } from "../media/media-cache";
import { mediaPolicyFor } from "../media/media-defaults";
import { i2vMaterials } from "../models/i2v";
import type { JobRequest } from "../models/job-request";
import { canonicalJson, validateJobRequest } from "../models/job-request";
import { uploadIdsIn } from "../uploads/upload-keys";
import type { Exclusion } from "../routing/eligibility";
import { eligibleProviders } from "../routing/eligibility";
import { quote } from "../billing/price-book";
import { initialUsage } from "../jobs/job-usage";
import type { Admission } from "../tenants/admit-job";
import { admitJob, budgetHeaderValue } from "../tenants/admit-job";
import { webhookUrlProblem } from "../webhooks/webhook-url";

export const jobRoutes = new Hono<AppEnv>();

/** `Prefer: wait=N` (RFC 7240) in seconds, clamped to 0–60; null when absent. */
export function preferredWaitSeconds(header: string | undefined): number | null {
  const match = /(?:^|[,;\s])wait\s*=\s*"?(\d+)"?/i.exec(header ?? "");
  return match ? Math.min(60, Number(match[1])) : null;
}

function jobStub(c: Context<AppEnv>, id: string) {
  return c.env.JOBS.get(c.env.JOBS.idFromName(id));
}

function notFound(id: string): ProblemError {
  return new ProblemError("not_found", `No job ${id} exists for this API key.`);
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

/**
 * The `Idempotency-Key` header, checked (1–255 characters); undefined when absent.
 * @example const idempotencyKey = idempotencyKeyOf(c) // before the body is read
 */
export function idempotencyKeyOf(c: Context<AppEnv>): string | undefined {
  const idempotencyKey = c.req.header("idempotency-key");
  if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 255)) {
    throw new ProblemError("invalid_request", "Idempotency-Key must be 1–255 characters.", [{ path: "header.Idempotency-Key", message: "1–255 characters" }]);
  }
  return idempotencyKey;
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
}

/**
 * Creates a job from a `POST /v1/jobs` body — the one creation path, shared with the
 * OpenAI-compatible routes: full validation (a 400 naming every field), provider
 * eligibility (503), the job's Durable Object `create` (which indexes it for its tenant
 * and submits it), Idempotency-Key replays (422 on a different body) and an optional wait.
 * Throws `ProblemError`.
 * @example const { job, replayed } = await createJob(c, body, { idempotencyKey: idempotencyKeyOf(c) })
 */
export async function createJob(c: Context<AppEnv>, body: Record<string, unknown>, options: CreateJobOptions = {}): Promise<CreateJobOutcome> {
  const config = loadConfig(c.env);
  const tenant = c.get("tenant");
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
  const { admission, providers, elapsedMs } = await admitJob(c.env, config, tenant, id, validation.value, eligible);
  c.header("server-timing", `account;dur=${elapsedMs};desc="tenant account"`);
  if (admission.remaining_micros !== null) c.header("x-budget-remaining", budgetHeaderValue(admission.remaining_micros));
  const uploads = await uploadIdsIn(inputUrls(validation.value), tenant, config.publicBaseUrl);
  let outcome: Awaited<ReturnType<ReturnType<typeof jobStub>["create"]>>;
  try {
    outcome = await jobStub(c, id).create(newRecord(id, tenant, validation, providers, requestHash, config, now, admission, uploads));
  } catch (thrown) {
    // The job was never stored: its hold and slot go back (the account's sweep is the backstop).
    if (!admission.replayed) c.executionCtx.waitUntil(c.env.ACCOUNTS.get(c.env.ACCOUNTS.idFromName(tenant)).release(id).catch(() => {}));
    throw thrown;
  }
  if (outcome.mismatch) {
    throw new ProblemError("idempotency_mismatch", "This Idempotency-Key was already used with a different request.");
  }
  let job = outcome.job;
  if (waitSeconds !== null) job = (await jobStub(c, id).waitForTerminal(tenant, waitSeconds * 1000)) ?? job;
  return { job, replayed: outcome.replayed };
}

jobRoutes.post("/v1/jobs", async (c) => {
  const idempotencyKey = idempotencyKeyOf(c);
  const body = await readJsonObject(c.req.raw);
  const wait = preferredWaitSeconds(c.req.header("prefer"));
  const { job, replayed } = await createJob(c, body, { idempotencyKey, waitSeconds: wait });
  if (wait !== null) c.header("preference-applied", `wait=${wait}`);
  c.header("location", job.urls.self);
  if (replayed) c.header("idempotent-replayed", "true");
  const terminal = ["completed", "failed", "canceled"].includes(job.status);
  return c.json(job, replayed || (wait !== null && terminal) ? 200 : 202);
});

jobRoutes.get("/v1/jobs", async (c) => {
  const tenant = c.get("tenant");
  const limitText = c.req.query("limit");
  const limit = limitText === undefined ? undefined : Number(limitText);
  const page = await c.env.TENANTS.get(c.env.TENANTS.idFromName(tenant)).list({ limit, cursor: c.req.query("cursor") ?? null, status: c.req.query("status") ?? null });
  if (!page.ok) throw new ProblemError("invalid_request", page.error.message, [page.error]);
  const index = c.env.TENANTS.get(c.env.TENANTS.idFromName(tenant));
  const jobs = await Promise.all(page.ids.map((id) => jobStub(c, id).view(tenant)));
  // The index is per tenant, so a listed id without a job is one whose object holds none: drop it.
  const missing = page.ids.filter((_, position) => jobs[position] === null);
  if (missing.length > 0) c.executionCtx.waitUntil(index.remove(missing).catch(() => {}));
  return c.json({ object: "list", data: jobs.filter((job) => job !== null), next_cursor: page.next_cursor });
});

jobRoutes.get("/v1/jobs/:id", async (c) => {
  const id = c.req.param("id");
  if (!isJobId(id)) throw notFound(id);
  const wait = preferredWaitSeconds(c.req.header("prefer"));
  const stub = jobStub(c, id);
  const job = wait === null ? await stub.view(c.get("tenant")) : await stub.waitForTerminal(c.get("tenant"), wait * 1000);
  if (!job) throw notFound(id);
  if (wait !== null) c.header("preference-applied", `wait=${wait}`);
  return c.json(job);
});

jobRoutes.post("/v1/jobs/:id/cancel", async (c) => {
  const id = c.req.param("id");
  if (!isJobId(id)) throw notFound(id);
  const outcome = await jobStub(c, id).cancel(c.get("tenant"));
  if (!outcome) throw notFound(id);
  if (outcome.conflict) throw new ProblemError("conflict", `Job ${id} is already ${outcome.job.status}.`, [], {}, { job: outcome.job });
  return c.json(outcome.job, 202);
});

/**
 * Deletes a finished job's media: every stored object (outputs, thumbnails, posters, and the
 * uploads only it kept) is gone from R2 before the answer, and from this location's edge
 * cache; the record stays with `deleted_at`. 409 while the job runs (cancel it first).
 */
jobRoutes.delete("/v1/jobs/:id", async (c) => {
  const id = c.req.param("id");
  if (!isJobId(id)) throw notFound(id);
  const outcome = await jobStub(c, id).delete(c.get("tenant"));
  if (!outcome) throw notFound(id);
  if (outcome.conflict) throw new ProblemError("conflict", `Job ${id} is still ${outcome.job.status}: cancel it first, then delete it.`, [], {}, { job: outcome.job });
  await purgeMediaCache(loadConfig(c.env).publicBaseUrl, outcome.keys);
  return c.json(outcome.job);
});

jobRoutes.get("/v1/jobs/:id/events", async (c) => {
  const id = c.req.param("id");
  if (!isJobId(id)) throw notFound(id);
  const headers: Record<string, string> = { "x-wan-edge-tenant": c.get("tenant") };
  const lastEventId = c.req.header("last-event-id");
  if (lastEventId !== undefined) headers["last-event-id"] = lastEventId; // resume: the client has seen up to this sequence
  const response = await jobStub(c, id).fetch("https://job/events", { headers });
  if (response.status === 404) throw notFound(id);
  return response;
});

jobRoutes.get("/v1/jobs/:id/deliveries", async (c) => {
  const id = c.req.param("id");
  if (!isJobId(id)) throw notFound(id);
  const deliveries = await jobStub(c, id).deliveries(c.get("tenant"));
  if (!deliveries) throw notFound(id);
  return c.json({ object: "list", data: deliveries });
});

jobRoutes.post("/v1/jobs/:id/deliveries/replay", async (c) => {
  const id = c.req.param("id");
  if (!isJobId(id)) throw notFound(id);
  const replayed = await jobStub(c, id).replayDelivery(c.get("tenant"));
  if (replayed === null) throw notFound(id);
  if (!replayed) throw new ProblemError("conflict", `Job ${id} has no webhook event to replay.`);
  return c.json({ object: "list", data: (await jobStub(c, id).deliveries(c.get("tenant"))) ?? [] }, 202);
});
