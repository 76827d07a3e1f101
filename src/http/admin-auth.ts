/**
 * @module http/admin-auth — the admin API's guard: `Authorization: Bearer <ADMIN_SECRET>`.
 *
 * Both sides are hashed before the comparison, so the compared strings always have the same
 * length and the comparison (constant time) says nothing about the secret's length or
 * content. Without ADMIN_SECRET the admin API is off (403); production refuses to start with
 * a short secret or the development one (env.ts).
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import { sha256Hex, timingSafeEqualText } from "../lib/encoding";
import { ProblemError } from "./problem";

export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const secret = loadConfig(c.env).adminSecret;
    if (secret === null) throw new ProblemError("forbidden", "The admin API is off: set ADMIN_SECRET to turn it on.");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    const challenge = { "www-authenticate": 'Bearer realm="wan-edge-admin"' };
    if (!match?.[1]) throw new ProblemError("unauthorized", "Send the admin secret as `Authorization: Bearer <ADMIN_SECRET>`.", [], challenge);
    const [presented, expected] = await Promise.all([sha256Hex(match[1]), sha256Hex(secret)]);
    if (!timingSafeEqualText(presented, expected)) throw new ProblemError("unauthorized", "The admin secret is not valid.", [], challenge);
    await next();
  };
}
