/**
 * @module webhooks/webhook-url — where outbound webhooks may be sent.
 *
 * `https:` to a public host only (the same rule as any URL the gateway fetches), plus
 * `http:` to loopback or the emulator in local development.
 */
import type { Config } from "../env";
import { fetchableUrlProblem } from "../media/url-policy";

/** Why webhooks may not go to `url`, or null when they may. */
export function webhookUrlProblem(url: string, config: Pick<Config, "environment" | "emulatorOrigin">): string | null {
  return fetchableUrlProblem(url, config);
}
