/**
 * @module sdk/admin/admin-client — a typed client of a wan-edge gateway's admin API
 * (`/admin/v1`): tenants, their settings, and API keys.
 *
 * `fetch` only (Node ≥ 20, browsers, Workers). Types come from the gateway's own schemas and
 * views (type-only imports: nothing of the gateway is bundled).
 *
 * @example
 * const admin = createAdminClient({ baseUrl: "http://127.0.0.1:8787", adminSecret: process.env.ADMIN_SECRET! });
 * await admin.tenants.create({ id: "acme", settings: { budget: { limit_usd: 50, period: "month" } } });
 * const { key } = await admin.keys.create({ tenant: "acme", name: "ci" }); // shown once
 */
import type { z } from "@hono/zod-openapi";
import type { createKeySchema, createTenantSchema, updateTenantSchema } from "../../src/routes/admin";
import type { ApiKeyView } from "../../src/tenants/api-keys";
import type { TenantSettings } from "../../src/tenants/tenant-settings";

export type CreateTenantRequest = z.input<typeof createTenantSchema>;
export type UpdateTenantRequest = z.input<typeof updateTenantSchema>;
export type CreateKeyRequest = z.input<typeof createKeySchema>;
export type ApiKey = ApiKeyView;
export type CreatedApiKey = ApiKeyView & { key: string; previous?: ApiKeyView };

export interface Tenant {
  id: string;
  object: "tenant";
  name: string | null;
  source: "admin" | "configured";
  created_at: string | null;
  settings: TenantSettings;
  budget: { limit_usd: number; period: "month" | "total"; period_start: string; spent_usd: number; reserved_usd: number; remaining_usd: number } | null;
  webhook_secret: { generation: number; previous_valid_until: string | null };
}

export interface WebhookSecretRotation {
  object: "webhook_secret";
  secret: string;
  scheme: string;
  generation: number;
  previous_valid_until: string | null;
}

/** A non-2xx answer: the gateway's problem document when it sent one. */
export class AdminApiError extends Error {
  override name = "AdminApiError";
  constructor(
    readonly status: number,
    readonly problem: { code: string; detail: string; errors?: Array<{ path: string; message: string }> } | null,
    message: string,
  ) {
    super(message);
  }
}

export interface AdminClientOptions {
  /** The gateway's origin (default: the local stack). */
  baseUrl?: string;
  adminSecret: string;
  fetch?: typeof fetch;
}

/** A client bound to one gateway and its admin secret. */
export function createAdminClient(options: AdminClientOptions) {
  const baseUrl = (options.baseUrl ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.adminSecret}`, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetchImpl(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) {
      let problem: AdminApiError["problem"] = null;
      try {
        problem = JSON.parse(text) as AdminApiError["problem"];
      } catch {
        // not JSON: a proxy's page
      }
      const fields = (problem?.errors ?? []).map((error) => `\n  ${error.path}: ${error.message}`).join("");
      throw new AdminApiError(response.status, problem, problem ? `${response.status} ${problem.code}: ${problem.detail}${fields}` : `${response.status}: ${text.slice(0, 200)}`);
    }
    return JSON.parse(text) as T;
  }

  const segment = encodeURIComponent;
  return {
    tenants: {
      create: (request: CreateTenantRequest) => call<Tenant>("POST", "/admin/v1/tenants", request),
      list: async () => (await call<{ data: Tenant[] }>("GET", "/admin/v1/tenants")).data,
      get: (id: string) => call<Tenant>("GET", `/admin/v1/tenants/${segment(id)}`),
      update: (id: string, change: UpdateTenantRequest) => call<Tenant>("PATCH", `/admin/v1/tenants/${segment(id)}`, change),
      rotateWebhookSecret: (id: string, overlapSeconds?: number) => call<WebhookSecretRotation>("POST", `/admin/v1/tenants/${segment(id)}/webhook-secret/rotate`, overlapSeconds === undefined ? {} : { overlap_seconds: overlapSeconds }),
    },
    keys: {
      create: (request: CreateKeyRequest) => call<CreatedApiKey>("POST", "/admin/v1/keys", request),
      list: async (tenant?: string) => (await call<{ data: ApiKey[] }>("GET", `/admin/v1/keys${tenant === undefined ? "" : `?tenant=${segment(tenant)}`}`)).data,
      get: (id: string) => call<ApiKey>("GET", `/admin/v1/keys/${segment(id)}`),
      revoke: (id: string) => call<ApiKey>("POST", `/admin/v1/keys/${segment(id)}/revoke`),
      rotate: (id: string, overlapSeconds?: number) => call<CreatedApiKey>("POST", `/admin/v1/keys/${segment(id)}/rotate`, overlapSeconds === undefined ? {} : { overlap_seconds: overlapSeconds }),
    },
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;
