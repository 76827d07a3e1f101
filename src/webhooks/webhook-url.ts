/**
 * @module webhooks/webhook-url — where outbound webhooks may be sent.
 *
 * `https:` to a public host only: no IP literals in any spelling, no localhost, no names
 * that only resolve on a private network (`.local`, `.internal`, single labels, …), no
 * credentials in the URL. Any port is allowed — receivers commonly listen on 8443 and
 * similar, and the port does not widen what the host can reach — unlike media fetches,
 * which keep to the default port. In local development `http:` (or `https:`) to loopback
 * and the emulator's origin are allowed too, so a receiver on the developer's machine works.
 *
 * What a Worker cannot check: it sees only the name, never the address it resolves to, so
 * a public name pointing at (or rebinding to) a private address passes this check. The
 * backstop is the platform: Cloudflare's egress does not route Worker subrequests to
 * private or loopback ranges. Redirects are never followed (see deliver-webhook), so the
 * URL checked here is the only one ever requested.
 */
import type { Config } from "../env";
import { publicUrlProblem } from "../media/url-policy";

/**
 * Why webhooks may not go to `url`, or null when they may: the gateway's one URL rule
 * (media/url-policy), any port.
 * @example webhookUrlProblem("https://app.example/hooks/wan", config) // null
 * @example webhookUrlProblem("https://10.0.0.8/hook", config) // "must name a host, not an IP address"
 */
export function webhookUrlProblem(url: string, config: Pick<Config, "environment" | "emulatorOrigin">): string | null {
  return publicUrlProblem(url, config, { anyPort: true });
}
