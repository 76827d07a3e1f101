/**
 * The Worker the benchmarks run (never deployed): the production gateway, the ceilings it
 * is compared with in the same runtime (worker/ceilings.ts, worker/media-routes.ts), and —
 * when the stack is started with `BENCH_METER=1` — the counters of what a job costs
 * (worker/meter.ts, worker/metered-classes.ts).
 *
 * - `GET  /__bench/meter`        everything counted since the last reset
 * - `POST /__bench/meter/reset`  starts counting afresh
 * - `POST /__bench/job-db-sizes` the SQLite database size of each job (JSON array of ids)
 * - `GET  /__bench/job-events/{id}` a job's event log (type and time of every step)
 * - `GET  /__bench/listed/{tenant}` every job of the tenant index with its status (from the
 *                                index's table, without waking a single job object)
 * - `POST /__bench/validate?n=`   validates the body as `POST /v1/jobs` does (zod, URL rules,
 *                                provider eligibility), `n` times: its CPU cost, by difference
 */
import { Hono } from "hono";
import { loadConfig } from "../src/env";
import gateway from "../src/index";
import { validateJobRequest } from "../src/models/job-request";
import { eligibleProviders } from "../src/routing/eligibility";
import { webhookUrlProblem } from "../src/webhooks/webhook-url";
import type { BenchEnv } from "./worker/ceilings";
import { ceilings } from "./worker/ceilings";
import { mediaBench } from "./worker/media-routes";
import { enableFrom, meter, meteredEnv, snapshot } from "./worker/meter";

export { BenchObject } from "./worker/ceilings";
export { ApiKeyObject, JobObject, ProviderBreaker, TenantAccount, TenantDirectory, TenantIndex, UploadObject } from "./worker/metered-classes";

const bench = new Hono<{ Bindings: BenchEnv }>();
bench.route("/", ceilings);
bench.route("/", mediaBench);
bench.get("/__bench/meter", (c) => c.json({ enabled: meter.enabled, ...snapshot() }));
bench.post("/__bench/meter/reset", (c) => {
  meter.reset();
  return c.json({ ok: true });
});

/** The SQLite database size of each job (JSON array of job ids), in bytes. */
bench.post("/__bench/job-db-sizes", async (c) => {
  const ids = (await c.req.json()) as string[];
  const jobs = c.env.JOBS as unknown as DurableObjectNamespace<{ benchDatabaseSize(): Promise<number> } & Rpc.DurableObjectBranded>;
  return c.json(await Promise.all(ids.map((id) => jobs.get(jobs.idFromName(id)).benchDatabaseSize())));
});

bench.get("/__bench/job-events/:id", async (c) => {
  const jobs = c.env.JOBS;
  return c.json(await jobs.get(jobs.idFromName(c.req.param("id"))).events("dev"));
});

bench.get("/__bench/listed/:tenant", async (c) => {
  const tenants = c.env.TENANTS as unknown as DurableObjectNamespace<{ benchListed(): Promise<Array<{ id: string; status: string }>> } & Rpc.DurableObjectBranded>;
  return c.json(await tenants.get(tenants.idFromName(c.req.param("tenant"))).benchListed());
});

bench.post("/__bench/validate", async (c) => {
  const body = (await c.req.json()) as Record<string, unknown>;
  const config = loadConfig(c.env);
  let eligible = 0;
  for (let round = 0; round < Number(c.req.query("n") ?? 1); round++) {
    const validation = validateJobRequest(structuredClone(body), config, (url) => webhookUrlProblem(url, config));
    if (validation.ok) eligible += eligibleProviders(validation.value, validation.value.provider, config).eligible.length;
  }
  return c.json({ eligible });
});

/** The kind of a request the gateway serves, for the Worker-request tally. */
function requestKind(request: Request, path: string): string {
  if (path.startsWith("/callbacks/")) return "provider callback";
  if (path.startsWith("/media/")) return "media read";
  if (path === "/v1/jobs") return request.method === "POST" ? "job submit" : "job list";
  if (path.startsWith("/v1/jobs/")) return "job read";
  return "other";
}

export default {
  fetch(request: Request, env: BenchEnv, ctx: ExecutionContext) {
    enableFrom(env);
    const path = new URL(request.url).pathname;
    if (path.startsWith("/__bench/")) return bench.fetch(request, env, ctx);
    if (!meter.enabled) return gateway.fetch(request, env, ctx);
    meter.add(meter.counts.worker_requests, requestKind(request, path));
    return gateway.fetch(request, meteredEnv(env, null), ctx);
  },
};
