/**
 * @module routes/admin — `/admin/v1`: tenants, their settings and their API keys, guarded by
 * the admin secret (http/admin-auth.ts).
 *
 * Tenants and keys are listed by the directory (tenants/tenant-directory.ts), which also
 * makes every change to a key; settings live in each tenant's account (tenants/
 * tenant-account.ts), beside the budget and limits they govern. A key is shown once, in the
 * answer that creates it; afterwards only its prefix.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import { ProblemError } from "../http/problem";
import { fieldErrors, readJsonObject } from "../http/validation";
import type { ApiKeyRecord } from "../tenants/api-keys";
import { isKeyId, keyView, maxOverlapSeconds, tenantIdPattern } from "../tenants/api-keys";
import type { TenantRecord } from "../tenants/tenant-directory";
import { settingsPatchSchema } from "../tenants/tenant-settings";
import { webhookSecretFor } from "../webhooks/webhook-signing";

export const adminRoutes = new Hono<AppEnv>();

const overlap = z.number().int().min(0).max(maxOverlapSeconds).default(86_400).describe("How long the old one keeps working, in seconds (default one day, at most 30 days; 0: it stops now)");

export const createTenantSchema = z.strictObject({
  id: z.string().regex(tenantIdPattern, "1–63 characters of a-z, 0-9, _ and -, starting with a letter or digit"),
  name: z.string().min(1).max(200).optional(),
  settings: settingsPatchSchema.optional(),
});
export const updateTenantSchema = z.strictObject({ name: z.string().min(1).max(200).nullable().optional(), settings: settingsPatchSchema.optional() });
export const createKeySchema = z.strictObject({
  tenant: z.string().min(1).max(128),
  name: z.string().min(1).max(100).nullable().optional().describe("What the key is for (shown in listings)"),
  expires_at: z.iso.datetime().optional().describe("When the key stops working (ISO 8601); default never"),
});
export const rotateSchema = z.strictObject({ overlap_seconds: overlap });
export const keyListQuerySchema = z.object({ tenant: z.string().min(1).max(128).optional().describe("Only this tenant's keys") });

/** Parses a JSON body with `schema`, or a 400 naming every bad field. */
async function body<T extends z.ZodType>(c: Context<AppEnv>, schema: T, optional = false): Promise<z.output<T>> {
  const raw = optional && !c.req.header("content-type") ? {} : await readJsonObject(c.req.raw);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    throw new ProblemError("invalid_request", `The request has ${errors.length} invalid field${errors.length === 1 ? "" : "s"}.`, errors);
  }
  return parsed.data;
}

const directory = (c: Context<AppEnv>) => c.env.DIRECTORY.get(c.env.DIRECTORY.idFromName("directory"));
const account = (c: Context<AppEnv>, tenant: string) => c.env.ACCOUNTS.get(c.env.ACCOUNTS.idFromName(tenant));
const usd = (micros: number) => micros / 1_000_000;

/** A tenant as the admin API shows it: its record, settings, budget state and webhook secret generation. */
async function tenantView(c: Context<AppEnv>, record: TenantRecord) {
  const tenantAccount = account(c, record.id);
  const [settings, budget, secret] = await Promise.all([tenantAccount.settings(), tenantAccount.budget(), tenantAccount.webhookSecretState()]);
  return {
    ...record,
    object: "tenant" as const,
    settings,
    budget: budget && { limit_usd: budget.limit_usd, period: budget.period, period_start: budget.period_start, spent_usd: usd(budget.spent_micros), reserved_usd: usd(budget.reserved_micros), remaining_usd: usd(Math.max(0, budget.remaining_micros)) },
    webhook_secret: { generation: secret.generation, previous_valid_until: secret.previous ? new Date(secret.previous.valid_until).toISOString() : null },
  };
}

async function mustTenant(c: Context<AppEnv>, id: string): Promise<TenantRecord> {
  const record = await directory(c).tenant(id);
  if (!record) throw new ProblemError("not_found", `No tenant ${id}.`);
  return record;
}

const keyJson = (record: ApiKeyRecord) => keyView(record, Date.now());

adminRoutes.post("/admin/v1/tenants", async (c) => {
  const request = await body(c, createTenantSchema);
  const record = await directory(c).createTenant(request.id, request.name ?? null);
  if (!record) throw new ProblemError("conflict", `Tenant ${request.id} already exists.`);
  if (request.settings) await account(c, record.id).updateSettings(request.settings);
  return c.json(await tenantView(c, record), 201);
});

adminRoutes.get("/admin/v1/tenants", async (c) => {
  const records = await directory(c).tenants();
  return c.json({ object: "list", data: await Promise.all(records.map((record) => tenantView(c, record))) });
});

adminRoutes.get("/admin/v1/tenants/:id", async (c) => c.json(await tenantView(c, await mustTenant(c, c.req.param("id")))));

adminRoutes.patch("/admin/v1/tenants/:id", async (c) => {
  const record = await mustTenant(c, c.req.param("id"));
  const request = await body(c, updateTenantSchema);
  if (request.name !== undefined && record.source === "admin") await directory(c).renameTenant(record.id, request.name);
  if (request.settings) await account(c, record.id).updateSettings(request.settings);
  return c.json(await tenantView(c, (await directory(c).tenant(record.id))!));
});

adminRoutes.post("/admin/v1/tenants/:id/webhook-secret/rotate", async (c) => {
  const record = await mustTenant(c, c.req.param("id"));
  const { overlap_seconds } = await body(c, rotateSchema, true);
  const state = await account(c, record.id).rotateWebhookSecret(overlap_seconds * 1000);
  c.header("cache-control", "no-store");
  return c.json({
    object: "webhook_secret",
    secret: await webhookSecretFor(loadConfig(c.env).serverSecret, record.id, state.generation),
    scheme: "standard-webhooks (HMAC-SHA256, v1)",
    generation: state.generation,
    previous_valid_until: state.previous ? new Date(state.previous.valid_until).toISOString() : null,
  });
});

adminRoutes.post("/admin/v1/keys", async (c) => {
  const request = await body(c, createKeySchema);
  const expiresAt = request.expires_at === undefined ? null : Date.parse(request.expires_at);
  const made = await directory(c).createKey(request.tenant, request.name ?? null, expiresAt);
  if (!made) throw new ProblemError("not_found", `No tenant ${request.tenant}.`);
  c.header("cache-control", "no-store");
  return c.json({ ...keyJson(made.record), key: made.key }, 201);
});

adminRoutes.get("/admin/v1/keys", async (c) => {
  const query = keyListQuerySchema.safeParse(c.req.query());
  if (!query.success) throw new ProblemError("invalid_request", "The query is not valid.", fieldErrors(query.error));
  const records = await directory(c).keys(query.data.tenant ?? null);
  return c.json({ object: "list", data: records.map(keyJson) });
});

function keyId(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  if (!isKeyId(id)) throw new ProblemError("not_found", `No key ${id}.`);
  return id;
}

adminRoutes.get("/admin/v1/keys/:id", async (c) => {
  const record = await directory(c).key(keyId(c));
  if (!record) throw new ProblemError("not_found", `No key ${c.req.param("id")}.`);
  return c.json(keyJson(record));
});

adminRoutes.post("/admin/v1/keys/:id/revoke", async (c) => {
  const record = await directory(c).revokeKey(keyId(c));
  if (!record) throw new ProblemError("not_found", `No key ${c.req.param("id")}.`);
  return c.json(keyJson(record));
});

adminRoutes.post("/admin/v1/keys/:id/rotate", async (c) => {
  const id = keyId(c);
  const { overlap_seconds } = await body(c, rotateSchema, true);
  const rotated = await directory(c).rotateKey(id, overlap_seconds);
  if (rotated === null) throw new ProblemError("not_found", `No key ${id}.`);
  if (rotated === "revoked") throw new ProblemError("conflict", `Key ${id} is revoked; create a new key instead.`);
  c.header("cache-control", "no-store");
  return c.json({ ...keyJson(rotated.record), key: rotated.key, previous: keyJson(rotated.previous) }, 201);
});
