/**
 * @module routes/webhooks — `GET /v1/webhooks/secret`: the tenant's signing secret.
 *
 * Derived from the tenant id and its secret's generation (kept in the tenant's account, rotated
 * through the admin API) under the server secret: the secret itself is never stored.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import { webhookSecretFor } from "../webhooks/webhook-signing";

export const webhookRoutes = new Hono<AppEnv>();

webhookRoutes.get("/v1/webhooks/secret", async (c) => {
  const tenant = c.get("tenant");
  const state = await c.env.ACCOUNTS.get(c.env.ACCOUNTS.idFromName(tenant)).webhookSecretState();
  const secret = await webhookSecretFor(loadConfig(c.env).serverSecret, tenant, state.generation);
  c.header("cache-control", "no-store");
  const previousValidUntil = state.previous ? new Date(state.previous.valid_until).toISOString() : null;
  return c.json({ object: "webhook_secret", secret, scheme: "standard-webhooks (HMAC-SHA256, v1)", previous_valid_until: previousValidUntil });
});
