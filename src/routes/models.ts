/**
 * @module routes/models — `GET /v1/models`: the models, their input schema, and per
 * provider whether it is configured, what it can do and what it costs.
 *
 * Everything here is derived from the declarations that also drive validation and routing
 * (the zod schema, each adapter's capabilities), so it cannot drift from behaviour.
 */
import { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import { i2vInputSchema } from "../models/i2v";
import { providerIds } from "../providers/provider-adapter";
import { videoAdapters } from "../providers/provider-registry";

export const modelRoutes = new Hono<AppEnv>();

let i2vJsonSchema: unknown;

modelRoutes.get("/v1/models", (c) => {
  const config = loadConfig(c.env);
  i2vJsonSchema ??= z.toJSONSchema(i2vInputSchema, { io: "input", unrepresentable: "any" });
  const providers = providerIds.flatMap((id) => {
    const adapter = videoAdapters[id];
    if (!adapter) return [];
    const { pricePerSecondUsd, polling: _polling, startDeadlineMs: _start, ...features } = adapter.capabilities;
    return [{ id, name: adapter.displayName, configured: Boolean(config.providers[id]), features, price: { per_second_usd: pricePerSecondUsd } }];
  });
  return c.json({
    object: "list",
    data: [
      {
        id: "wan2.7-i2v",
        object: "model",
        description: "Image-to-video: first frame, first+last frame, video continuation, driving audio.",
        input_schema: i2vJsonSchema,
        providers,
      },
    ],
  });
});
