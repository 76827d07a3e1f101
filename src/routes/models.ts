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
import { imageProInputSchema } from "../models/image-pro";
import { providerIds } from "../providers/provider-adapter";
import { imageAdapters, videoAdapters } from "../providers/provider-registry";

export const modelRoutes = new Hono<AppEnv>();

const jsonSchemas = new Map<string, unknown>();

/** The JSON Schema of a model's input, converted once from the zod schema that validates it. */
function jsonSchemaOf(model: string, schema: z.ZodType): unknown {
  if (!jsonSchemas.has(model)) jsonSchemas.set(model, z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }));
  return jsonSchemas.get(model);
}

modelRoutes.get("/v1/models", (c) => {
  const config = loadConfig(c.env);
  const videoProviders = providerIds.flatMap((id) => {
    const adapter = videoAdapters[id];
    if (!adapter) return [];
    const { pricePerSecondUsd, polling: _polling, startDeadlineMs: _start, ...features } = adapter.capabilities;
    return [{ id, name: adapter.displayName, configured: Boolean(config.providers[id]), features, price: { per_second_usd: pricePerSecondUsd } }];
  });
  const imageProviders = providerIds.flatMap((id) => {
    const adapter = imageAdapters[id];
    if (!adapter) return [];
    const { pricePerImageUsd, polling: _polling, startDeadlineMs: _start, supportsSize: _size, ...features } = adapter.capabilities;
    return [{ id, name: adapter.displayName, configured: Boolean(config.providers[id]), features, price: { per_image_usd: pricePerImageUsd } }];
  });
  return c.json({
    object: "list",
    data: [
      {
        id: "wan2.7-i2v",
        object: "model",
        description: "Image-to-video: first frame, first+last frame, video continuation, driving audio.",
        input_schema: jsonSchemaOf("wan2.7-i2v", i2vInputSchema),
        providers: videoProviders,
      },
      {
        id: "wan2.7-image-pro",
        object: "model",
        description: "Text-to-image, image editing, coherent image sets and 4K.",
        input_schema: jsonSchemaOf("wan2.7-image-pro", imageProInputSchema),
        providers: imageProviders,
      },
    ],
  });
});
