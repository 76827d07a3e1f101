/**
 * @module media/url-policy — which URLs the gateway fetches, forwards or accepts: one rule.
 *
 * URLs that arrive in provider responses, callbacks or requests are untrusted: before the
 * gateway fetches one, sends a webhook to one, or forwards one to a provider as a job input,
 * it requires `https:` and a public host name — no IP literals, no localhost, no private or
 * link-local ranges, no credentials (and for its own downloads, the default port only). In
 * development the emulator's origin (and loopback) is trusted as well. A Worker cannot see what a name resolves to, so DNS
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

/** Whether a URL's port matters: the gateway's own fetches keep to the default port. */
export interface PublicUrlRule {
  /**
   * Any port (webhook receivers and the hosts providers fetch inputs from often listen on
   * 8443 and the like; a port does not widen what a public host can reach), or only the
   * default one (media the gateway itself downloads).
   */
  anyPort: boolean;
}

type UrlConfig = Pick<Config, "environment" | "emulatorOrigin">;

/** Local development trusts the developer's machine: loopback (http or https) and the emulator. */
function localDevelopmentUrl(url: URL, config: UrlConfig): boolean {
  if (config.environment !== "development" || (url.protocol !== "http:" && url.protocol !== "https:")) return false;
  return isLoopbackHost(url.hostname) || (config.emulatorOrigin !== null && url.origin === config.emulatorOrigin);
}

/**
 * The one rule for every URL the gateway fetches or hands to someone else to fetch (media
 * downloads, webhook targets, job input URLs): why `value` breaks it, or null. `https:` to a
 * public host (`publicHostProblem`), no credentials; in local development loopback and the
 * emulator's origin are allowed as well, so the local stack works.
 * @example publicUrlProblem("https://cdn.example.com/a.png", config, { anyPort: true }) // null
 * @example publicUrlProblem("https://169.254.169.254/latest", config, { anyPort: true }) // "must name a host, not an IP address"
 */
export function publicUrlProblem(value: string, config: UrlConfig, rule: PublicUrlRule): string | null {
  if (!canParseUrl(value)) return "not a URL";
  const url = new URL(value);
  // Checked first, everywhere: a secret in the URL would be stored with the job and logged.
  if (url.username || url.password) return "must not carry credentials";
  if (localDevelopmentUrl(url, config)) return null;
  if (url.protocol !== "https:") return config.environment === "development" ? "must use https (or http to loopback in local development)" : "must use https";
  if (!rule.anyPort && url.port !== "") return "must use the default port";
  return publicHostProblem(url);
}

/** Why `value` may not be fetched by the gateway itself (provider outputs and their redirects), or null. */
export function fetchableUrlProblem(value: string, config: UrlConfig): string | null {
  return publicUrlProblem(value, config, { anyPort: false });
}

/**
 * Why `value` is not acceptable as a job input URL, or null. Providers fetch inputs, not
 * us, but a URL we forward is one we vouch for: the same public-host rule as every URL the
 * gateway handles (any port, as for webhooks), or a URL this gateway issued (uploads).
 */
export function inputUrlProblem(value: string, config: Pick<Config, "environment" | "emulatorOrigin" | "publicBaseUrl">): string | null {
  if (value.startsWith(`${config.publicBaseUrl}/media/`)) return null;
  return publicUrlProblem(value, config, { anyPort: true });
}
