/**
 * @module app-env — the Hono environment type shared by routes and middleware.
 */
import type { Env } from "./env";

export interface AppEnv {
  Bindings: Env;
  Variables: { tenant: string; requestId: string };
}
