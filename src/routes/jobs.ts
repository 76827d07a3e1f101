/**
 * @module routes/jobs — `POST /v1/jobs` and `GET /v1/jobs/{id}`.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import { ProblemError } from "../http/problem";
import { readJsonObject } from "../http/validation";
import type { JobRecord } from "../jobs/job-types";
import { isJobId, newJobId } from "../lib/ids";
import { validateJobRequest } from "../models/job-request";
import { videoAdapters } from "../providers/provider-registry";
import { eligibleProviders } from "../routing/eligibility";

export const jobRoutes = new Hono<AppEnv>();

jobRoutes.post("/v1/jobs", async (c) => {
  const config = loadConfig(c.env);
  const body = await readJsonObject(c.req.raw);
  const validation = validateJobRequest(body, config);
  if (!validation.ok) {
    const count = validation.errors.length;
    throw new ProblemError("invalid_request", `The request has ${count} invalid field${count === 1 ? "" : "s"}.`, validation.errors);
  }
  const request = validation.value;
  const { eligible, excluded } = eligibleProviders(request.input, request.provider, config);
  if (eligible.length === 0) {
    const reasons = excluded.map(({ provider, reason }) => `${provider}: ${reason}`).join("; ");
    throw new ProblemError("no_provider", `No configured provider supports this request (${reasons}).`, [], {}, { excluded });
  }
  const now = Date.now();
  const id = newJobId(now);
  // The estimate of the first choice; replaced by the price of the provider that accepts it.
  const price = videoAdapters[eligible[0]!]?.capabilities.pricePerSecondUsd[request.input.resolution] ?? null;
  const stamp = new Date(now).toISOString();
  const record: JobRecord = {
    id,
    tenant: c.get("tenant"),
    model: request.model,
    input: request.input,
    metadata: request.metadata,
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
    usage: { billed_seconds: null, images: null, estimated_cost_usd: price === null ? null : Math.round(price * request.input.duration * 10000) / 10000 },
    deadline_at: now + config.jobDeadlineMs,
    submit: { tries: 0, due_at: now },
    poll: null,
    copy: null,
  };
  const view = await c.env.JOBS.get(c.env.JOBS.idFromName(id)).create(record);
  c.header("location", view.urls.self);
  return c.json(view, 202);
});

jobRoutes.get("/v1/jobs/:id", async (c) => {
  const id = c.req.param("id");
  const notFound = new ProblemError("not_found", `No job ${id} exists for this API key.`);
  if (!isJobId(id)) throw notFound;
  const view = await c.env.JOBS.get(c.env.JOBS.idFromName(id)).view(c.get("tenant"));
  if (!view) throw notFound;
  return c.json(view);
});
