/**
 * @module app — builds the Hono app: middleware, routes, one error renderer.
 */
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { AppEnv } from "./app-env";
import { ConfigError, loadConfig } from "./env";
import { adminAuth } from "./http/admin-auth";
import { apiKeyAuth } from "./http/auth";
import { ProblemError, renderProblem } from "./http/problem";
import { openAiErrors } from "./openai/openai-error";
import { callbackRoutes } from "./routes/callbacks";
import { docsRoutes } from "./routes/docs";
import { jobRoutes } from "./routes/jobs";
import { adminRoutes } from "./routes/admin";
import { mediaRoutes } from "./routes/media";
import { modelRoutes } from "./routes/models";
import { openaiRoutes } from "./routes/openai";
import { uploadRoutes } from "./routes/uploads";
import { usageRoutes } from "./routes/usage";
import { webhookRoutes } from "./routes/webhooks";

export function createApp() {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  // Every response carries X-Request-Id, also the ones a route builds itself (media from R2,
  // the event stream from the job's object), which the middleware above cannot reach.
  app.use(async (c, next) => {
    await next();
    const id = c.get("requestId");
    if (!id || c.res.headers.get("x-request-id") === id) return;
    try {
      c.res.headers.set("x-request-id", id);
    } catch {
      // Immutable headers (a response from fetch or a Durable Object): copy, keeping the body stream.
      const response = new Response(c.res.body, c.res);
      response.headers.set("x-request-id", id);
      c.res = undefined;
      c.res = response;
    }
  });
  // Refuse to serve on unusable configuration (e.g. a dev key in production) — loudly in
  // the log, without details in the response.
  app.use(async (c, next) => {
    try {
      loadConfig(c.env);
    } catch (thrown) {
      if (thrown instanceof ConfigError) console.error(`configuration rejected: ${thrown.message}`);
      throw new ProblemError("internal_error", "The gateway is misconfigured; see its logs.");
    }
    await next();
  });

  app.get("/healthz", (c) => c.json({ status: "ok", environment: loadConfig(c.env).environment }));
  app.route("/", docsRoutes); // /openapi.json, and the pages / and /docs from static assets
  app.use("/v1/*", apiKeyAuth());
  app.use("/openai/v1/*", openAiErrors(), apiKeyAuth());
  app.use("/admin/v1/*", adminAuth());
  app.route("/", modelRoutes);
  app.route("/", jobRoutes);
  app.route("/", webhookRoutes);
  app.route("/", uploadRoutes);
  app.route("/", callbackRoutes);
  app.route("/", mediaRoutes);
  app.route("/", openaiRoutes);
  app.route("/", usageRoutes);
  app.route("/", adminRoutes);

  app.notFound(() => {
    throw new ProblemError("not_found", "No such route.");
  });
  app.onError((error, c) => renderProblem(error, new Headers({ "x-request-id": c.get("requestId") ?? "" })));
  return app;
}
