/**
 * @module routes/callbacks — `POST /callbacks/{provider}/{job_id}/{token}`.
 *
 * Providers do not sign callbacks, so the token in the URL (an HMAC of the job id) is the
 * only proof of origin; a wrong one is a 404 that touches nothing (checked before the body
 * is read). Even a right one is only a hint: the job re-reads the task upstream with our
 * own key before it changes state. A body over 256 KiB is a 413 (the job still looks).
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import { ProblemError } from "../http/problem";
import { readLimitedText } from "../http/read-limited-body";
import { isJobId } from "../lib/ids";
import { verifyCallbackToken } from "../lib/tokens";
import { providerSpecNamed } from "../providers/provider-registry";

export const callbackRoutes = new Hono<AppEnv>();

/** Callback bodies are a task's status (a few KB); anything past 256 KiB is refused while it is read. */
export const callbackBodyLimit = { maxBytes: 256 * 1024, what: "A callback body" };

callbackRoutes.post("/callbacks/:provider/:jobId/:token", async (c) => {
  const { provider, jobId, token } = c.req.param();
  const spec = providerSpecNamed(provider);
  const notFound = new ProblemError("not_found", "Unknown callback URL.");
  if (!spec || !isJobId(jobId)) throw notFound;
  if (!(await verifyCallbackToken(loadConfig(c.env).serverSecret, jobId, token))) throw notFound;

  const job = c.env.JOBS.get(c.env.JOBS.idFromName(jobId));
  let text: string;
  try {
    text = await readLimitedText(c.req.raw, callbackBodyLimit);
  } catch (thrown) {
    // Too large to read, but it came to a right token: still a reason for the job to look.
    await job.hint(spec.id, null);
    throw thrown;
  }
  let upstreamId: string | null = null;
  try {
    upstreamId = spec.callbackTaskId?.(JSON.parse(text)) ?? null;
  } catch {
    upstreamId = null; // an unreadable body is still a hint to look
  }
  await job.hint(spec.id, upstreamId);
  return c.body(null, 204);
});
