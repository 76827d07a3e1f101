/**
 * @module routes/models — `GET /v1/models`: the models, their input schema, and per
 * provider whether it is configured, what it can do and what it costs.
 *
 * Everything here is derived from the declarations that also drive validation and routing
 * (the zod schema, each provider spec's capabilities), so it cannot drift from behaviour.
 */
import { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import { i2vInputSchema } from "../models/i2v";
import { imageProInputSchema } from "../models/image-pro";
import type { ProviderId } from "../providers/provider-adapter";
import { providerIds } from "../providers/provider-adapter";
import { modelAdapter, providerSpecs } from "../providers/provider-registry";

export const modelRoutes = new Hono<AppEnv>();

const jsonSchemas = new Map<string, unknown>();

/** The JSON Schema of a model's input, converted once from the zod schema that validates it. */
function jsonSchemaOf(model: string, schema: z.ZodType): unknown {
  if (!jsonSchemas.has(model)) jsonSchemas.set(model, z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }));
  return jsonSchemas.get(model);
}

/** A provider's note about a model, where it has one (e.g. what it cannot do yet, and why). */
function note(adapter: { note?: string }): { note?: string } {
  return adapter.note === undefined ? {} : { note: adapter.note };
}

modelRoutes.get("/v1/models", (c) => {
  const config = loadConfig(c.env);
  const configured = (id: ProviderId) => Boolean(config.providers[id]);
  const videoProviders = providerIds.flatMap((id) => {
    const adapter = modelAdapter(id, "wan2.7-i2v");
    if (!adapter) return [];
    const { pricePerSecondUsd, polling: _polling, startDeadlineMs: _start, ...features } = adapter.capabilities;
    return [{ id, name: providerSpecs[id].displayName, configured: configured(id), features, price: { per_second_usd: pricePerSecondUsd }, ...note(adapter) }];
  });
  const imageProviders = providerIds.flatMap((id) => {
    const adapter = modelAdapter(id, "wan2.7-image-pro");
    if (!adapter) return [];
    const { pricePerImageUsd, polling: _polling, startDeadlineMs: _start, sizeProblem: _size, ...features } = adapter.capabilities;
    return [{ id, name: providerSpecs[id].displayName, configured: configured(id), features, price: { per_image_usd: pricePerImageUsd }, ...note(adapter) }];
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
