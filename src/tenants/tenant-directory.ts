/**
 * @module tenants/tenant-directory — the admin API's book of tenants and keys: one Durable
 * Object (`DIRECTORY.idFromName("directory")`), used only by `/admin/v1` (never on the
 * request path of a tenant).
 *
 * It lists tenants and every key's public record (prefix, name, dates; never the key or its
 * hash), and it makes every change to a key in the order that is safe: the key's own object
 * (tenants/api-key-object.ts, the authority authentication asks) first, this listing after.
 * A new key that failed half-way is known to no one (its secret was never shown) and is
 * revoked; a revocation that failed half-way has already taken effect.
 *
 * Tenants configured in `API_KEYS` (the bootstrap) exist without being registered here;
 * keys can be made for them too.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { loadConfig } from "../env";
import { applyMigrations } from "../lib/sql-migrations";
import type { ApiKeyRecord } from "./api-keys";
import { maxOverlapSeconds, newApiKey } from "./api-keys";

const migrations = [
  `CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT, created_at TEXT NOT NULL);
   CREATE TABLE api_keys (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL);
   CREATE INDEX api_keys_tenant ON api_keys (tenant, created_at);`,
];

export type TenantRecord = { id: string; name: string | null; created_at: string | null; source: "admin" | "configured" };

export class TenantDirectory extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** The clock; replaceable in tests. */
  now: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => applyMigrations(this.sql, migrations));
  }

  private configuredTenants(): string[] {
    return [...new Set(loadConfig(this.env).apiKeyHashes.map(([, tenant]) => tenant))];
  }

  private stamp(): string {
    return new Date(this.now()).toISOString();
  }

  /** Registers a tenant; null when the id is taken (here or in API_KEYS). */
  async createTenant(id: string, name: string | null): Promise<TenantRecord | null> {
    if (this.configuredTenants().includes(id)) return null;
    const created = this.sql.exec("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING", id, name, this.stamp()).rowsWritten > 0;
    return created ? this.tenant(id) : null;
  }

  async tenant(id: string): Promise<TenantRecord | null> {
    const row = this.sql.exec<{ id: string; name: string | null; created_at: string }>("SELECT id, name, created_at FROM tenants WHERE id = ?", id).toArray()[0];
    if (row) return { ...row, source: "admin" };
    return this.configuredTenants().includes(id) ? { id, name: null, created_at: null, source: "configured" } : null;
  }

  async renameTenant(id: string, name: string | null): Promise<void> {
    this.sql.exec("UPDATE tenants SET name = ? WHERE id = ?", name, id);
  }

  /** Every tenant: the configured ones first, then the registered ones by id. */
  async tenants(): Promise<TenantRecord[]> {
    const registered = this.sql.exec<{ id: string; name: string | null; created_at: string }>("SELECT id, name, created_at FROM tenants ORDER BY id").toArray();
    const configured = this.configuredTenants().filter((id) => !registered.some((row) => row.id === id));
    return [...configured.map((id) => ({ id, name: null, created_at: null, source: "configured" as const })), ...registered.map((row) => ({ ...row, source: "admin" as const }))];
  }

  /**
   * Makes a key for `tenant`: its authority first, then its listing. Returns the key itself
   * (shown once, never stored) with its record; null when the tenant does not exist.
   */
  async createKey(tenant: string, name: string | null, expiresAt: number | null, replaces: string | null = null): Promise<{ key: string; record: ApiKeyRecord } | null> {
    if (!(await this.tenant(tenant))) return null;
    const made = await newApiKey();
    const record: ApiKeyRecord = { id: made.id, tenant, name, prefix: made.prefix, created_at: this.stamp(), expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString(), revoked_at: null, replaces, replaced_by: null };
    const authority = this.keyObject(made.id);
    if (!(await authority.put({ id: made.id, tenant, hash: made.hash, expires_at: expiresAt, revoked_at: null }))) throw new Error("key id collision");
    try {
      this.putKey(record);
    } catch (thrown) {
      await authority.limit({ revoked_at: this.now() }); // never shown to anyone: make sure it opens nothing
      throw thrown;
    }
    return { key: made.key, record };
  }

  async key(id: string): Promise<ApiKeyRecord | null> {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM api_keys WHERE id = ?", id).toArray()[0];
    return row ? (JSON.parse(row.data) as ApiKeyRecord) : null;
  }

  /** Keys, newest first: one tenant's, or everyone's. */
  async keys(tenant: string | null): Promise<ApiKeyRecord[]> {
    const rows = tenant === null ? this.sql.exec<{ data: string }>("SELECT data FROM api_keys ORDER BY created_at DESC, id") : this.sql.exec<{ data: string }>("SELECT data FROM api_keys WHERE tenant = ? ORDER BY created_at DESC, id", tenant);
    return rows.toArray().map((row) => JSON.parse(row.data) as ApiKeyRecord);
  }

  /** Revokes a key: refused from the next request on. Idempotent (the first time is kept). */
  async revokeKey(id: string): Promise<ApiKeyRecord | null> {
    const record = await this.key(id);
    if (!record) return null;
    const now = this.now();
    await this.keyObject(id).limit({ revoked_at: now });
    if (record.revoked_at === null) this.putKey({ ...record, revoked_at: new Date(now).toISOString() });
    return this.key(id);
  }

  /**
   * Replaces a key with a new one for the same tenant; the old one keeps working for
   * `overlapSeconds` (0: it stops now), so clients can switch without a gap.
   */
  async rotateKey(id: string, overlapSeconds: number): Promise<{ key: string; record: ApiKeyRecord; previous: ApiKeyRecord } | null | "revoked"> {
    const old = await this.key(id);
    if (!old) return null;
    if (old.revoked_at !== null) return "revoked";
    const made = await this.createKey(old.tenant, old.name, null, old.id);
    if (!made) return null;
    const until = this.now() + Math.min(Math.max(0, overlapSeconds), maxOverlapSeconds) * 1000;
    await this.keyObject(id).limit({ expires_at: until });
    const expires = old.expires_at !== null && Date.parse(old.expires_at) < until ? old.expires_at : new Date(until).toISOString();
    this.putKey({ ...old, expires_at: expires, replaced_by: made.record.id });
    return { ...made, previous: (await this.key(id))! };
  }

  private putKey(record: ApiKeyRecord): void {
    this.sql.exec("INSERT INTO api_keys (id, tenant, data, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data", record.id, record.tenant, JSON.stringify(record), record.created_at);
  }

  private keyObject(id: string) {
    return this.env.KEYS.get(this.env.KEYS.idFromName(id));
  }
}
