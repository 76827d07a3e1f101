/**
 * @module openapi/sections/admin-section — `/admin/v1` (routes/admin): tenants, their
 * settings, and API keys, behind the admin secret.
 */
import { z } from "@hono/zod-openapi";
import { createKeySchema, createTenantSchema, keyListQuerySchema, rotateSchema, updateTenantSchema } from "../../routes/admin";
import { settingsSchema } from "../../tenants/tenant-settings";
import type { ApiSection } from "../openapi-builders";
import { jsonResponse, operation, queryParameters, ref } from "../openapi-builders";

const tag = "Admin";
const timestamp = z.string().meta({ format: "date-time" });

export const tenantSchema = z.object({
  id: z.string(),
  object: z.literal("tenant"),
  name: z.string().nullable(),
  source: z.enum(["admin", "configured"]).describe("admin: made through this API; configured: a tenant of API_KEYS (the bootstrap)"),
  created_at: timestamp.nullable(),
  settings: settingsSchema,
  budget: z.object({ limit_usd: z.number(), period: z.enum(["month", "total"]), period_start: timestamp, spent_usd: z.number(), reserved_usd: z.number(), remaining_usd: z.number() }).nullable(),
  webhook_secret: z.object({ generation: z.number().int().min(0), previous_valid_until: timestamp.nullable() }),
});

export const apiKeySchema = z.object({
  id: z.string().regex(/^key_[0-9a-hjkmnp-tv-z]{16}$/),
  object: z.literal("api_key"),
  tenant: z.string(),
  name: z.string().nullable(),
  prefix: z.string().describe("The key's first 25 characters, to recognise it; the key itself is shown only when it is made"),
  status: z.enum(["active", "expiring", "expired", "revoked"]),
  created_at: timestamp,
  expires_at: timestamp.nullable(),
  revoked_at: timestamp.nullable(),
  replaces: z.string().nullable(),
  replaced_by: z.string().nullable(),
});

export const createdApiKeySchema = apiKeySchema.extend({
  key: z.string().regex(/^wek_[0-9a-hjkmnp-tv-z]{16}_[0-9a-hjkmnp-tv-z]{40}$/).describe("The API key. Shown once, here: only its SHA-256 is stored"),
  previous: apiKeySchema.optional().describe("Rotation: the key it replaces, working until its `expires_at`"),
});

const webhookSecretRotationSchema = z.object({
  object: z.literal("webhook_secret"),
  secret: z.string().regex(/^whsec_/),
  scheme: z.string(),
  generation: z.number().int().min(1),
  previous_valid_until: timestamp.nullable().describe("Until then deliveries carry a signature under each secret (`v1,<new> v1,<old>`)"),
});

const list = (item: string) => ({ type: "object", required: ["object", "data"], properties: { object: { const: "list" }, data: { type: "array", items: ref(item) } } });
const tenantPath = { name: "id", in: "path", required: true, schema: { type: "string", maxLength: 128 } };
const keyPath = { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^key_[0-9a-hjkmnp-tv-z]{16}$" } };
const json = (schemaName: string) => ({ required: true, content: { "application/json": { schema: ref(schemaName) } } });
const optionalJson = (schemaName: string) => ({ required: false, content: { "application/json": { schema: ref(schemaName) } } });

export const adminSection: ApiSection = {
  tag: {
    name: tag,
    description:
      "For the operator, with `Authorization: Bearer <ADMIN_SECRET>` (off without it). Tenants and their settings (budget, limits, retention and media defaults, webhook secret rotation); API keys: made here (shown once), listed by prefix, revoked (refused from the next request on), rotated with an overlap. Keys of `API_KEYS` keep working beside them.",
  },
  schemas: {
    Tenant: tenantSchema,
    TenantSettings: settingsSchema,
    CreateTenantRequest: createTenantSchema,
    UpdateTenantRequest: updateTenantSchema,
    ApiKey: apiKeySchema,
    CreatedApiKey: createdApiKeySchema,
    CreateKeyRequest: createKeySchema,
    RotateRequest: rotateSchema,
    WebhookSecretRotation: webhookSecretRotationSchema,
  },
  paths: {
    "/admin/v1/tenants": {
      post: operation({ operationId: "createTenant", summary: "Create a tenant", tag, security: "admin", requestBody: json("CreateTenantRequest"), responses: { 201: jsonResponse("The tenant.", "Tenant") }, problems: ["invalid_request", "conflict", "unsupported_media_type"] }),
      get: operation({ operationId: "listTenants", summary: "List the tenants", description: "The tenants of API_KEYS first, then those made here.", tag, security: "admin", responses: { 200: { description: "The tenants.", content: { "application/json": { schema: list("Tenant") } } } } }),
    },
    "/admin/v1/tenants/{id}": {
      get: operation({ operationId: "getTenant", summary: "Get a tenant", tag, security: "admin", parameters: [tenantPath], responses: { 200: jsonResponse("The tenant, with its settings and budget state.", "Tenant") }, problems: ["not_found"] }),
      patch: operation({
        operationId: "updateTenant",
        summary: "Change a tenant's name or settings",
        description: "Settings change field by field (`limits` too); `budget: null` removes the budget. A higher `max_running_jobs` starts waiting jobs at once.",
        tag,
        security: "admin",
        parameters: [tenantPath],
        requestBody: json("UpdateTenantRequest"),
        responses: { 200: jsonResponse("The tenant.", "Tenant") },
        problems: ["invalid_request", "not_found", "unsupported_media_type"],
      }),
    },
    "/admin/v1/tenants/{id}/webhook-secret/rotate": {
      post: operation({
        operationId: "rotateWebhookSecret",
        summary: "Rotate a tenant's webhook signing secret",
        description: "A new secret at once; during `overlap_seconds` deliveries are signed under both, so receivers switch without a gap.",
        tag,
        security: "admin",
        parameters: [tenantPath],
        requestBody: optionalJson("RotateRequest"),
        responses: { 200: jsonResponse("The new secret.", "WebhookSecretRotation") },
        problems: ["invalid_request", "not_found"],
      }),
    },
    "/admin/v1/keys": {
      post: operation({ operationId: "createKey", summary: "Make an API key", description: "The key is in this answer only; afterwards, only its prefix.", tag, security: "admin", requestBody: json("CreateKeyRequest"), responses: { 201: jsonResponse("The key, shown once.", "CreatedApiKey") }, problems: ["invalid_request", "not_found", "unsupported_media_type"] }),
      get: operation({ operationId: "listKeys", summary: "List API keys (prefixes only)", tag, security: "admin", parameters: queryParameters(keyListQuerySchema), responses: { 200: { description: "The keys, newest first.", content: { "application/json": { schema: list("ApiKey") } } } }, problems: ["invalid_request"] }),
    },
    "/admin/v1/keys/{id}": {
      get: operation({ operationId: "getKey", summary: "Get an API key (prefix only)", tag, security: "admin", parameters: [keyPath], responses: { 200: jsonResponse("The key.", "ApiKey") }, problems: ["not_found"] }),
    },
    "/admin/v1/keys/{id}/revoke": {
      post: operation({ operationId: "revokeKey", summary: "Revoke an API key", description: "Refused from the next request on (no cache anywhere). Revoking again changes nothing.", tag, security: "admin", parameters: [keyPath], responses: { 200: jsonResponse("The revoked key.", "ApiKey") }, problems: ["not_found"] }),
    },
    "/admin/v1/keys/{id}/rotate": {
      post: operation({
        operationId: "rotateKey",
        summary: "Rotate an API key",
        description: "A new key for the same tenant (shown once); the old one keeps working for `overlap_seconds` (default a day), then is refused.",
        tag,
        security: "admin",
        parameters: [keyPath],
        requestBody: optionalJson("RotateRequest"),
        responses: { 201: jsonResponse("The new key, shown once, and the old one.", "CreatedApiKey") },
        problems: ["invalid_request", "not_found", "conflict"],
      }),
    },
  },
};
