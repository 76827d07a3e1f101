/**
 * @module openapi/sections/service-section — liveness, this document, and the two pages
 * (routes/docs, app.ts).
 */
import type { ApiSection } from "../openapi-builders";
import { jsonResponse, operation } from "../openapi-builders";

const tag = "Service";
const page = (description: string) => ({ description, content: { "text/html": { schema: { type: "string" } } } });

export const serviceSection: ApiSection = {
  tag: { name: tag, description: "Liveness, this document, the interactive reference and the playground." },
  paths: {
    "/healthz": {
      get: operation({
        operationId: "getHealth",
        summary: "Liveness",
        description: "Also says which environment this is (the playground pre-fills the development key only in development).",
        tag,
        auth: false,
        responses: { 200: jsonResponse("Alive.", "Health") },
      }),
    },
    "/openapi.json": {
      get: operation({
        operationId: "getOpenApiDocument",
        summary: "This OpenAPI 3.1 document",
        description: "Generated at run time from the zod schemas that validate requests; `servers` is the origin you reached.",
        tag,
        auth: false,
        responses: { 200: { description: "The document.", content: { "application/json": { schema: { type: "object" } } } } },
      }),
    },
    "/docs": {
      get: operation({ operationId: "getDocs", summary: "Interactive API reference", tag, auth: false, responses: { 200: page("Swagger UI, served from static assets.") } }),
    },
    "/": {
      get: operation({ operationId: "getPlayground", summary: "Playground", tag, auth: false, responses: { 200: page("Submit a job and watch it live.") } }),
    },
  },
};
