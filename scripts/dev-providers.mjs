/**
 * @module scripts/dev-providers — which providers `npm start` sends to a real upstream.
 *
 * A provider whose `{ID}_BASE_URL` and `{ID}_API_KEY` are both set — in the environment or
 * in `.dev.vars` (dotenv format, git-ignored; the environment wins, as with dotenv) —
 * leaves the emulator for that upstream; every other provider stays on the emulator. Half a
 * pair is reported, never guessed at. Keys are passed to the gateway as secrets and never
 * printed: the banner shows the base URL only.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";

export const providerIds = ["dashscope", "evolink", "pixeldojo", "aimlapi", "shortapi"];

/**
 * @param {{ env?: Record<string, string | undefined>, devVarsPath?: string }} [options]
 * @returns {{ real: Array<{ id: string, baseUrl: string, apiKey: string, from: string }>, warnings: string[] }}
 * @example realProviders({ env: { EVOLINK_BASE_URL: "https://api.evolink.ai", EVOLINK_API_KEY: "sk-…" } })
 *   // → { real: [{ id: "evolink", baseUrl: "https://api.evolink.ai", … }], warnings: [] }
 */
export function realProviders(options = {}) {
  const env = options.env ?? process.env;
  const devVarsPath = options.devVarsPath ?? ".dev.vars";
  const file = existsSync(devVarsPath) ? parseEnv(readFileSync(devVarsPath, "utf8")) : {};
  const value = (name) => {
    const fromEnv = env[name]?.trim();
    if (fromEnv) return { value: fromEnv, from: "environment" };
    const fromFile = file[name]?.trim();
    return fromFile ? { value: fromFile, from: devVarsPath } : null;
  };
  const real = [];
  const warnings = [];
  for (const id of providerIds) {
    const prefix = id.toUpperCase();
    const baseUrl = value(`${prefix}_BASE_URL`);
    const apiKey = value(`${prefix}_API_KEY`);
    if (!baseUrl && !apiKey) continue;
    if (!baseUrl || !apiKey) {
      warnings.push(`${prefix}_${baseUrl ? "API_KEY" : "BASE_URL"} is not set (only ${prefix}_${baseUrl ? "BASE_URL" : "API_KEY"} is): ${id} stays on the emulator`);
      continue;
    }
    if (!URL.canParse(baseUrl.value)) {
      warnings.push(`${prefix}_BASE_URL is not a URL: ${id} stays on the emulator`);
      continue;
    }
    const from = baseUrl.from === apiKey.from ? baseUrl.from : `${baseUrl.from} and ${apiKey.from}`;
    real.push({ id, baseUrl: baseUrl.value.replace(/\/+$/, ""), apiKey: apiKey.value, from });
  }
  return { real, warnings };
}

/**
 * The banner's "Providers" lines: where each provider goes, with the base URL only — a
 * key is never printed.
 * @param {{ real: Array<{ id: string, baseUrl: string, apiKey?: string, from: string }>, warnings: string[] }} providers
 * @param {string} emulatorUrl
 * @returns {string[]}
 */
export function describeProviders(providers, emulatorUrl) {
  const real = new Map(providers.real.map((provider) => [provider.id, provider]));
  const lines = providerIds.map((id) => {
    const provider = real.get(id);
    return provider
      ? `  ${id.padEnd(10)}${provider.baseUrl}   (real provider, key from ${provider.from}; polled)`
      : `  ${id.padEnd(10)}${emulatorUrl}/${id}   (emulator)`;
  });
  for (const warning of providers.warnings) lines.push(`  note: ${warning}`);
  if (real.size > 0) {
    lines.push("  note: a laptop receives no provider callbacks, so jobs on real providers finish by polling (a few seconds later than deployed).");
  }
  return lines;
}
