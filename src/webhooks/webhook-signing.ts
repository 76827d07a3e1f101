/**
 * @module webhooks/webhook-signing — Standard Webhooks signatures for outbound deliveries.
 *
 * Follows the spec (github.com/standard-webhooks/standard-webhooks, `spec/standard-webhooks.md`)
 * and its reference library byte for byte, so any receiver's Standard Webhooks verifier
 * accepts our deliveries: the key is the base64-decoded part after `whsec_`, the signed
 * content is `{id}.{timestamp}.{body}`, the header value is `v1,<base64 HMAC-SHA256>`.
 *
 * A tenant's secret is derived from the server secret and a generation number, not stored:
 * nothing to migrate or leak from storage. Rotating SERVER_SECRET rotates every tenant's
 * webhook secret (and callback tokens); the admin API rotates one tenant's (its account
 * keeps the generation), and during the rotation's overlap deliveries carry a signature
 * under each secret (`v1,<new> v1,<old>`, space-separated, as the spec allows), so a
 * receiver verifies with either while it switches.
 */
import { fromBase64, hmacSha256, hmacSha256Raw, toBase64 } from "../lib/encoding";

const secretPrefix = "whsec_";

/**
 * The tenant's webhook signing secret of `generation` (0 until it is first rotated):
 * `whsec_` + base64 of 32 derived bytes.
 * @example await webhookSecretFor(config.serverSecret, "dev") // "whsec_3q2+7w…="
 */
export async function webhookSecretFor(serverSecret: string, tenant: string, generation = 0): Promise<string> {
  const label = generation === 0 ? `webhook-secret:${tenant}` : `webhook-secret:${tenant}:${generation}`;
  return secretPrefix + toBase64(await hmacSha256(serverSecret, label));
}

/**
 * The `webhook-signature` value for one delivery attempt.
 * @example await signWebhook(secret, "msg_123", 1_700_000_000, '{"type":"job.completed",…}') // "v1,K5oZ…="
 */
export async function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): Promise<string> {
  const key = fromBase64(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret);
  return `v1,${toBase64(await hmacSha256Raw(key, `${id}.${timestampSeconds}.${body}`))}`;
}

export interface WebhookHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
  "content-type": string;
  [name: string]: string;
}

/**
 * Every header a delivery attempt carries. The id stays the same across retries of one
 * event (receivers deduplicate on it); the timestamp is the attempt's own, so a late retry
 * still passes the receiver's replay window (the reference verifier allows ±5 minutes).
 * `secret` may be several (a rotation's overlap): one signature each, space-separated.
 * @example await webhookHeaders(secret, delivery.id, Math.floor(now / 1000), body)
 */
export async function webhookHeaders(secret: string | readonly string[], id: string, timestampSeconds: number, body: string): Promise<WebhookHeaders> {
  const secrets = typeof secret === "string" ? [secret] : secret;
  const signatures = await Promise.all(secrets.map((one) => signWebhook(one, id, timestampSeconds, body)));
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": signatures.join(" "),
    "content-type": "application/json",
  };
}
