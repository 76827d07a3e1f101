/**
 * @module http/auth — API-key authentication.
 *
 * Keys are never stored: configuration holds SHA-256 digests mapped to tenant ids. The
 * presented key is hashed and compared against every stored digest in constant time, so
 * neither the match position nor a partial match shows in the timing.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import { sha256Hex, timingSafeEqualText } from "../lib/encoding";
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

/** Requires `Authorization: Bearer <key>` and sets `tenant` on the context. */
export function apiKeyAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const challenge = { "www-authenticate": 'Bearer realm="wan-edge"' };
    if (!match?.[1]) {
      throw new ProblemError("unauthorized", "Send your API key as `Authorization: Bearer <key>`.", [], challenge);
    }
    const tenant = await tenantForKey(match[1], loadConfig(c.env).apiKeyHashes);
    if (!tenant) throw new ProblemError("unauthorized", "The API key is not valid.", [], challenge);
    c.set("tenant", tenant);
    await next();
  };
}
