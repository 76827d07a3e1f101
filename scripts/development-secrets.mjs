/**
 * @module scripts/development-secrets — the values the local stack and the tests give the
 * gateway's secrets. Development only: `src/env.ts` refuses every one of them in production.
 *
 * They are not `[vars]` in wrangler.toml: a var there with no counterpart in
 * `[env.production.vars]` makes wrangler advise putting it into production's vars, which is
 * exactly wrong for a secret (`wrangler secret put` it instead; see the README's deploy steps).
 */
export const developmentSecrets = {
  // SHA-256 of the API key -> tenant id. Dev keys: `wan-edge-dev-key` (tenant dev) and
  // `wan-edge-other-key` (tenant other). Only hashes are ever stored.
  API_KEYS: '{"0619410353d7eb854ac82e8aa5b5419e5213065fd398066fb410126150e2b808":"dev","0c90992bc50d0ab3ccf3dcde56ba4a0004757a5c5e2c59e0a398bc9b793c6fa8":"other"}',
  // Signs provider-callback tokens and derives webhook secrets.
  SERVER_SECRET: "wan-edge-development-server-secret-not-for-production",
  // Placeholder provider keys the emulator accepts ({ID}_BASE_URL is set by whoever starts it).
  DASHSCOPE_API_KEY: "sk-emulator",
  EVOLINK_API_KEY: "sk-evo-local",
  PIXELDOJO_API_KEY: "pd_emulator",
  AIMLAPI_API_KEY: "aiml-emulator",
  SHORTAPI_API_KEY: "short-emulator",
};
