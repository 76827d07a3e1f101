/**
 * @module tenants/api-keys — API keys made through the admin API: their format, how one is
 * made, and the record the admin API shows (never the key after creation, never its hash).
 *
 * A key is `wek_<id>_<secret>`: `id` (16 base32 characters, 80 bits) names the key's own
 * Durable Object (tenants/api-key-object.ts), which holds only the key's SHA-256, its tenant
 * and its state; `secret` is 40 base32 characters (200 bits). Authentication hashes the
 * presented key and asks that one object — there is no list of keys to search, and a string
 * that is not shaped like a key costs no call at all.
 */
import { sha256Hex } from "../lib/encoding";
import { randomToken } from "../lib/ids";

const keyPattern = /^wek_([0-9a-hjkmnp-tv-z]{16})_([0-9a-hjkmnp-tv-z]{40})$/;
const keyIdPattern = /^key_[0-9a-hjkmnp-tv-z]{16}$/;

/** What the admin API shows of a key. */
export interface ApiKeyView {
  id: string;
  object: "api_key";
  tenant: string;
  name: string | null;
  /** The key's first characters, to recognise it (`wek_<id>_` and 4 of the secret). */
  prefix: string;
  status: "active" | "expiring" | "expired" | "revoked";
  created_at: string;
  /** Set by a rotation's overlap (or at creation): refused from then on. */
  expires_at: string | null;
  revoked_at: string | null;
  /** The key this one replaced (rotation), and the key that replaced it. */
  replaces: string | null;
  replaced_by: string | null;
}

/** The stored record: the view's facts without the derived status. */
export type ApiKeyRecord = Omit<ApiKeyView, "object" | "status">;

/** What the key's own object holds (tenants/api-key-object.ts). */
export interface KeyAuthority {
  id: string;
  tenant: string;
  /** SHA-256 hex of the whole key. */
  hash: string;
  expires_at: number | null;
  revoked_at: number | null;
}

export function isKeyId(value: string): boolean {
  return keyIdPattern.test(value);
}

/** The key id a presented key names, or null when it is not shaped like one of ours. */
export function keyIdOf(presented: string): string | null {
  const match = keyPattern.exec(presented);
  return match ? `key_${match[1]}` : null;
}

/**
 * A new key: the secret (shown once), its id, hash and prefix.
 * @example const { key, id, hash } = await newApiKey() // key: "wek_…_…"
 */
export async function newApiKey(): Promise<{ key: string; id: string; hash: string; prefix: string }> {
  const idPart = randomToken(16);
  const key = `wek_${idPart}_${randomToken(40)}`;
  return { key, id: `key_${idPart}`, hash: await sha256Hex(key), prefix: key.slice(0, 25) };
}

export function keyStatus(record: Pick<ApiKeyRecord, "expires_at" | "revoked_at">, now: number): ApiKeyView["status"] {
  if (record.revoked_at !== null) return "revoked";
  if (record.expires_at === null) return "active";
  return Date.parse(record.expires_at) <= now ? "expired" : "expiring";
}

export function keyView(record: ApiKeyRecord, now: number): ApiKeyView {
  return { id: record.id, object: "api_key", tenant: record.tenant, name: record.name, prefix: record.prefix, status: keyStatus(record, now), created_at: record.created_at, expires_at: record.expires_at, revoked_at: record.revoked_at, replaces: record.replaces, replaced_by: record.replaced_by };
}

/** Tenant ids the admin API accepts (what API_KEYS may name is looser: it predates this). */
export const tenantIdPattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The longest overlap a rotation may give the old key or webhook secret (30 days). */
export const maxOverlapSeconds = 30 * 86_400;
