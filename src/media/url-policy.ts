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

/**
 * True for an IPv4/IPv6 literal host (bracketed or not), in any spelling a URL parser
 * accepts: `10.0.0.1`, `2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`, `[::ffff:7f00:1]`.
 * The WHATWG rule is that a host whose last label is a number is parsed as IPv4, so that
 * is the test here too (parsed URLs are already canonical; raw strings may not be).
 */
export function isIpLiteral(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (host.includes(":")) return true;
  const last = host.slice(host.lastIndexOf(".") + 1);
  return /^(0x[0-9a-f]*|\d+)$/i.test(last);
}

/** Suffixes of names that only resolve inside a network (RFC 6761, RFC 6762, RFC 8375, common practice). */
const privateSuffixes = [".localhost", ".local", ".internal", ".home.arpa", ".localdomain", ".lan", ".intranet", ".corp"];

/**
 * Why `url`'s authority is not a public host, or null: no credentials, no IP literal, no
 * loopback, no name that only resolves on a private network, no single-label name.
 * Scheme and port are the caller's rule (media fetches and webhooks differ there).
 */
export function publicHostProblem(url: URL): string | null {
  if (url.username || url.password) return "must not carry credentials";
  // A trailing dot is the same name ("localhost." is localhost), so it must not slip past.
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (isIpLiteral(host)) return "must name a host, not an IP address";
  if (host === "localhost" || isLoopbackHost(host) || !host.includes(".") || privateSuffixes.some((suffix) => host.endsWith(suffix))) {
    return "must be a public host";
  }
  return null;
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
  return publicHostProblem(url);
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
