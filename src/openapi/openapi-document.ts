/**
 * @module openapi/openapi-document — assembles the OpenAPI 3.1 document.
 *
 * Component schemas are converted by zod's own `z.toJSONSchema` (JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1) from the schemas that validate requests, in their input form
 * (fields with defaults are optional) — the same conversion `GET /v1/models` uses. Cross-
 * field rules JSON Schema cannot express stay in the descriptions and in the gateway's 400s.
 * zod-to-openapi's generator would do the same for ~6 KB more gzip in the Worker.
 */
import { z } from "@hono/zod-openapi";
import { providerIds } from "../providers/provider-adapter";
import { apiSections } from "./api-sections";
import { coreSchemas, jobStatuses } from "./component-schemas";
import type { ApiSection, JsonObject, Paths } from "./openapi-builders";
import { documentedProblemCodes, problemResponses } from "./problem-responses";

const text = (description: string) => ({ description, schema: { type: "string" } });

const headers: JsonObject = {
  XRequestId: text("This request's id (yours, echoed, when you sent X-Request-Id)"),
  Location: text("URL of the created resource"),
  IdempotentReplayed: { description: "`true` when the response replays an earlier request with this Idempotency-Key", schema: { type: "string", enum: ["true"] } },
  PreferenceApplied: text("`wait=N` when Prefer: wait was honoured"),
  WWWAuthenticate: text('Bearer realm="wan-edge"'),
  XBudgetRemaining: { description: "What is left of the tenant's budget, in USD (after this job's hold); only for tenants with a budget", schema: { type: "string", pattern: "^\\d+(\\.\\d+)?$", examples: ["4.575"] } },
  RetryAfter: { description: "Seconds to wait before trying again", schema: { type: "string", pattern: "^\\d+$" } },
  ServerTiming: text('`account;dur=<ms>`: the time the submit spent in its one call to the tenant\'s account (rate, budget, running slot)'),
};

const parameters: JsonObject = {
  XRequestId: { name: "X-Request-Id", in: "header", required: false, description: "Your request id; echoed in the response (one is generated otherwise).", schema: { type: "string", maxLength: 255 } },
  JobId: { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^job_[0-9a-hjkmnp-tv-z]{26}$" } },
  IdempotencyKey: {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description: "The same key with the same body returns the original job (200, `Idempotent-Replayed: true`) and submits nothing; with a different body, 422. Keys live at least 24 h.",
    schema: { type: "string", minLength: 1, maxLength: 255 },
  },
  Prefer: {
    name: "Prefer",
    in: "header",
    required: false,
    description: "`wait=N` (N ≤ 60, larger values count as 60): hold the response until the job is terminal or N seconds have passed; 200 with the terminal job, else as without it.",
    schema: { type: "string", pattern: "wait=\\d+", examples: ["wait=30"] },
  },
  Limit: { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
  Cursor: { name: "cursor", in: "query", required: false, description: "`next_cursor` of the previous page", schema: { type: "string", maxLength: 256 } },
  Status: { name: "status", in: "query", required: false, schema: { type: "string", enum: [...jobStatuses] } },
};

/** Converts every named zod schema at once, so schemas that contain others refer to them by name. */
function componentSchemas(sections: readonly ApiSection[]): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  const named = Object.assign({}, coreSchemas, ...sections.map((section) => section.schemas ?? {})) as Record<string, z.ZodType>;
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", io: "input", unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` });
  const components: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonObject;
    components[id] = rest;
  }
  return components;
}

/** A parameter's JSON Schema: converted when it is a zod schema (see `queryParameters`). */
function parameterSchema(parameter: JsonObject): JsonObject {
  if (!(parameter.schema instanceof z.ZodType)) return parameter;
  const { $schema: _dialect, ...schema } = z.toJSONSchema(parameter.schema, { target: "draft-2020-12", io: "input", unrepresentable: "any" }) as JsonObject;
  return { ...parameter, schema };
}

function withParameterSchemas(paths: Paths): Paths {
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(Object.entries(item).map(([method, operation]) => [method, operation.parameters ? { ...operation, parameters: (operation.parameters as JsonObject[]).map(parameterSchema) } : operation])),
    ]),
  );
}

function buildDocument(sections: readonly ApiSection[]): JsonObject {
  const paths: Paths = {};
  const webhooks: JsonObject = {};
  for (const section of sections) {
    Object.assign(paths, withParameterSchemas(section.paths));
    Object.assign(webhooks, section.webhooks ?? {});
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "wan-edge",
      version: "1",
      summary: "One validated API in front of every reseller of Alibaba's Wan 2.7 models.",
      description: [
        "Submit `wan2.7-i2v` (image-to-video) and `wan2.7-image-pro` (images) jobs once; the gateway routes them to an eligible provider, fails over, and copies every result into permanent `/media/…` links.",
        "",
        "**Authentication**: `/v1/*` needs `Authorization: Bearer <api key>`; each key belongs to one tenant, which never sees another tenant's jobs.",
        "",
        "**Errors** are RFC 9457 problem documents (`application/problem+json`) with a stable `code`; validation errors list every offending field by JSON path. Every response carries `X-Request-Id`.",
        "",
        `Provider ids: ${providerIds.map((id) => `\`${id}\``).join(", ")}.`,
      ].join("\n"),
    },
    tags: sections.map((section) => section.tag),
    security: [{ bearerAuth: [] }],
    paths,
    webhooks,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "Your API key (local development: `wan-edge-dev-key`)." },
        adminAuth: { type: "http", scheme: "bearer", description: "The deployment's ADMIN_SECRET (local development: `wan-edge-development-admin-secret-not-for-production`); for /admin/v1 only." },
      },
      schemas: componentSchemas(sections),
      parameters,
      headers,
      responses: Object.assign(problemResponses(documentedProblemCodes), ...sections.map((section) => section.responses ?? {})),
    },
  };
}

let cached: JsonObject | undefined;

/**
 * The OpenAPI document with `servers` set to `serverUrls` (built once per isolate).
 * @example openApiDocument(["https://wan-edge.example.com"])
 */
export function openApiDocument(serverUrls: readonly string[]): JsonObject {
  cached ??= buildDocument(apiSections);
  const { openapi, info, ...rest } = cached;
  return { openapi, info, servers: serverUrls.map((url) => ({ url })), ...rest };
}
