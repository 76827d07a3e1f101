/**
 * @module media/url-policy — which URLs the gateway itself will fetch, or accept as input.
 *
 * URLs that arrive in provider responses or callbacks are untrusted: before fetching one we
 * require `https:` and a public host name — no IP literals, no localhost, no private or
 * link-local ranges, no credentials, default port only. In development the emulator's origin
 * (and loopback) is trusted as well. A Worker cannot see what a name resolves to, so DNS
 * rebinding to a private address is not caught here; Cloudflare's network does not route
 * Worker subrequests to private ranges, which is the backstop.
 */
import type { Config } from "../env";
import { canParseUrl } from "../lib/url";
import { isLoopbackHost } from "../env";

/** True for an IPv4/IPv6 literal host (bracketed or not). */
export function isIpLiteral(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":") || /^0x[0-9a-f]+$/i.test(host) || /^\d+$/.test(host);
}

/** Why `value` may not be fetched by the gateway, or null when it may. */
export function fetchableUrlProblem(value: string, config: Pick<Config, "environment" | "emulatorOrigin">): string | null {
  if (!canParseUrl(value)) return "not a URL";
  const url = new URL(value);
  const development = config.environment === "development";
  if (development && config.emulatorOrigin && url.origin === config.emulatorOrigin) return null;
  if (development && url.protocol === "http:" && isLoopbackHost(url.hostname)) return null;
  if (url.protocol !== "https:") return "must use https";
  if (url.username || url.password) return "must not carry credentials";
  if (url.port !== "") return "must use the default port";
  const host = url.hostname.toLowerCase();
  if (isIpLiteral(host)) return "must name a host, not an IP address";
  if (isLoopbackHost(host) || host.endsWith(".local") || host.endsWith(".internal") || !host.includes(".")) return "must be a public host";
  return null;
}

/**
 * Why `value` is not acceptable as a job input URL, or null. Providers fetch inputs, not us,
 * so the rule is the contract's: `https:`, or `http:` to loopback in local development, or
 * a URL this gateway issued (uploads).
 */
export function inputUrlProblem(value: string, config: Pick<Config, "environment" | "emulatorOrigin" | "publicBaseUrl">): string | null {
  const url = new URL(value);
  if (value.startsWith(`${config.publicBaseUrl}/media/`)) return null;
  if (url.protocol === "https:") return null;
  if (config.environment === "development" && (isLoopbackHost(url.hostname) || url.origin === config.emulatorOrigin)) return null;
  return config.environment === "development" ? "must be an https URL (or http to loopback)" : "must be an https URL";
}
