/**
 * @module routes/callbacks — `POST /callbacks/{provider}/{job_id}/{token}`.
 *
 * Providers do not sign callbacks, so the token in the URL (an HMAC of the job id) is the
 * only proof of origin; a wrong one is a 404 that touches nothing. Even a right one is only
 * a hint: the job re-reads the task upstream with our own key before it changes state.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import { ProblemError } from "../http/problem";
import { isJobId } from "../lib/ids";
import { verifyCallbackToken } from "../lib/tokens";
import { providerSpecNamed } from "../providers/provider-registry";

export const callbackRoutes = new Hono<AppEnv>();

const maxCallbackBytes = 256 * 1024;

callbackRoutes.post("/callbacks/:provider/:jobId/:token", async (c) => {
  const { provider, jobId, token } = c.req.param();
  const spec = providerSpecNamed(provider);
  const notFound = new ProblemError("not_found", "Unknown callback URL.");
  if (!spec || !isJobId(jobId)) throw notFound;
  if (!(await verifyCallbackToken(loadConfig(c.env).serverSecret, jobId, token))) throw notFound;

  let upstreamId: string | null = null;
  const text = await c.req.text();
  if (text.length <= maxCallbackBytes) {
    try {
      upstreamId = spec.callbackTaskId?.(JSON.parse(text)) ?? null;
    } catch {
      upstreamId = null; // an unreadable body is still a hint to look
    }
  }
  await c.env.JOBS.get(c.env.JOBS.idFromName(jobId)).hint(spec.id, upstreamId);
  return c.body(null, 204);
});
