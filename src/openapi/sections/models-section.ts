/**
 * @module openapi/sections/models-section — `GET /v1/models` (routes/models).
 */
import type { ApiSection } from "../openapi-builders";
import { jsonResponse, operation } from "../openapi-builders";

const tag = "Models";

export const modelsSection: ApiSection = {
  tag: { name: tag, description: "The models, their input schemas and which providers can serve them." },
  paths: {
    "/v1/models": {
      get: operation({
        operationId: "listModels",
        summary: "List the models",
        description: "Both models with the JSON Schema of their `input` and, per provider: configured or not, features, price.",
        tag,
        responses: { 200: jsonResponse("The models.", "ModelList") },
      }),
    },
  },
};
