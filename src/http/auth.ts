/**
 * @module http/auth — API-key authentication.
 *
 * Keys are never stored, only their SHA-256 digests. Two kinds exist:
 * - configured (`API_KEYS`, the bootstrap): the presented key is hashed and compared against
 *   every configured digest in constant time, so neither the match position nor a partial
 *   match shows in the timing. No call is made.
 * - made through the admin API (`wek_<id>_<secret>`): the key's own Durable Object is asked
 *   (tenants/api-key-object.ts), every time — nothing is cached, so a revoked key is refused
 *   on the very next request.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import type { Env } from "../env";
import { sha256Hex, timingSafeEqualText } from "../lib/encoding";
import { keyIdOf } from "../tenants/api-keys";
import { ProblemError } from "./problem";

/** Returns the tenant owning `apiKey`, or null. */
export async function tenantForKey(apiKey: string, apiKeyHashes: ReadonlyArray<readonly [string, string]>): Promise<string | null> {
  const digest = await sha256Hex(apiKey);
  let tenant: string | null = null;
  for (const [hash, owner] of apiKeyHashes) {
    // No early exit: every entry is compared whatever the outcome.
    if (timingSafeEqualText(digest, hash)) tenant = owner;
  }
  return tenant;
}

/**
 * The tenant of `apiKey`: a configured key, else a key made through the admin API (one call
 * to its object); null when neither.
 */
export async function authenticate(env: Env, apiKey: string): Promise<string | null> {
  const configured = await tenantForKey(apiKey, loadConfig(env).apiKeyHashes);
  if (configured) return configured;
  const id = keyIdOf(apiKey);
  if (!id) return null;
  return env.KEYS.get(env.KEYS.idFromName(id)).verify(await sha256Hex(apiKey));
}

/** Requires `Authorization: Bearer <key>` and sets `tenant` on the context. */
export function apiKeyAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const challenge = { "www-authenticate": 'Bearer realm="wan-edge"' };
    if (!match?.[1]) {
      throw new ProblemError("unauthorized", "Send your API key as `Authorization: Bearer <key>`.", [], challenge);
    }
    const tenant = await authenticate(c.env, match[1]);
    if (!tenant) throw new ProblemError("unauthorized", "The API key is not valid.", [], challenge);
    c.set("tenant", tenant);
    await next();
  };
}
