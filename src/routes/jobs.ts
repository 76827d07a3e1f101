/**
 * @module routes/jobs — create, read, wait for, cancel, stream and delete jobs.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import { ProblemError } from "../http/problem";
import { idempotencyKeyOf, preferredWaitSeconds } from "../http/request-headers";
import { readJsonObject } from "../http/validation";
import type { CreationScope } from "../jobs/create-job";
import { createJob } from "../jobs/create-job";
import { isJobId } from "../lib/ids";
import { purgeMediaCache } from "../media/media-cache";

export const jobRoutes = new Hono<AppEnv>();

function jobStub(c: Context<AppEnv>, id: string) {
  return c.env.JOBS.get(c.env.JOBS.idFromName(id));
}

function notFound(id: string): ProblemError {
  return new ProblemError("not_found", `No job ${id} exists for this API key.`);
}

/** Where a route creates jobs: its bindings, its tenant, and work after the answer. */
export function creationScope(c: Context<AppEnv>): CreationScope {
  return { env: c.env, tenant: c.get("tenant"), waitUntil: (work) => c.executionCtx.waitUntil(work) };
}

jobRoutes.post("/v1/jobs", async (c) => {
  const idempotencyKey = idempotencyKeyOf(c.req.header("idempotency-key"));
  const body = await readJsonObject(c.req.raw);
  const wait = preferredWaitSeconds(c.req.header("prefer"));
  const { job, replayed, headers } = await createJob(creationScope(c), body, { idempotencyKey, waitSeconds: wait });
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
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
