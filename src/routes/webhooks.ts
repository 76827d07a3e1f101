/**
 * @module routes/webhooks — `GET /v1/webhooks/secret`: the tenant's signing secret.
 *
 * Derived from the tenant id under the server secret, so nothing is stored and every
 * instance of the gateway agrees on it.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import { webhookSecretFor } from "../webhooks/webhook-signing";

export const webhookRoutes = new Hono<AppEnv>();

webhookRoutes.get("/v1/webhooks/secret", async (c) => {
  const secret = await webhookSecretFor(loadConfig(c.env).serverSecret, c.get("tenant"));
  c.header("cache-control", "no-store");
  return c.json({ object: "webhook_secret", secret, scheme: "standard-webhooks (HMAC-SHA256, v1)" });
});
