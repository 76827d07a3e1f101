/**
 * @module tenants/api-key-object — one Durable Object per API key made through the admin
 * API (`KEYS.idFromName(keyId)`): the authority on whether that key lets anyone in.
 *
 * It holds the key's SHA-256 (never the key), its tenant, and when it expires or was
 * revoked. Authentication asks it on every request — no cache anywhere — so a revocation
 * (written here first, by the directory) refuses the key on the very next request.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { timingSafeEqualText } from "../lib/encoding";
import type { KeyAuthority } from "./api-keys";

export class ApiKeyObject extends DurableObject<Env> {
  private record: KeyAuthority | null = null;
  /** The clock; replaceable in tests. */
  now: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.record = (await ctx.storage.get<KeyAuthority>("key")) ?? null;
    });
  }

  /**
   * The tenant of the key whose SHA-256 is `hash`, when it is this key and neither revoked
   * nor expired; else null. The hash is compared in constant time.
   */
  async verify(hash: string): Promise<string | null> {
    const record = this.record;
    if (!record || !timingSafeEqualText(hash, record.hash)) return null;
    const now = this.now();
    if (record.revoked_at !== null && record.revoked_at <= now) return null;
    if (record.expires_at !== null && record.expires_at <= now) return null;
    return record.tenant;
  }

  /** Stores a new key's authority (once: a key id is never reused). */
  async put(record: KeyAuthority): Promise<boolean> {
    if (this.record && this.record.hash !== record.hash) return false;
    this.record = record;
    await this.ctx.storage.put("key", record);
    return true;
  }

  /** Revokes the key now, or sets when it expires (only ever earlier). */
  async limit(change: { revoked_at?: number; expires_at?: number }): Promise<void> {
    if (!this.record) return;
    const record = { ...this.record };
    if (change.revoked_at !== undefined) record.revoked_at = Math.min(record.revoked_at ?? Infinity, change.revoked_at);
    if (change.expires_at !== undefined) record.expires_at = Math.min(record.expires_at ?? Infinity, change.expires_at);
    this.record = record;
    await this.ctx.storage.put("key", record);
  }
}
