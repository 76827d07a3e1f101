/**
 * @module sdk/client/webhooks — verifies a Standard Webhooks delivery from wan-edge.
 *
 * The key is the base64 after `whsec_`; the signed content `{webhook-id}.{webhook-timestamp}.{body}`;
 * `webhook-signature` holds one or more space-separated `v1,<base64 HMAC-SHA256>`. WebCrypto
 * only (Node, browsers, Workers), and `crypto.subtle.verify`, which compares in constant time.
 */
import type { WebhookEvent } from "./types";

export class WebhookVerificationError extends Error {
  override name = "WebhookVerificationError";
}

export interface VerifyOptions {
  /** Largest difference between `webhook-timestamp` and now, in seconds (default 300). */
  toleranceSeconds?: number;
  /** The clock, in ms (default `Date.now`). */
  now?: () => number;
}

const encoder = new TextEncoder();

function base64Bytes(value: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(value);
    return Uint8Array.from(binary, (character) => character.charCodeAt(0));
  } catch {
    return null;
  }
}

function header(headers: Headers | Record<string, string | string[] | undefined>, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(entry) ? (entry[0] ?? null) : (entry ?? null);
}

/**
 * Checks the signature and the timestamp of a delivery and returns its parsed event; throws
 * `WebhookVerificationError` otherwise. `body` must be the raw request body, unparsed.
 * @example const event = await verifyWebhook(await request.text(), request.headers, secret) // event.data is the job
 */
export async function verifyWebhook(
  body: string,
  headers: Headers | Record<string, string | string[] | undefined>,
  secret: string,
  options: VerifyOptions = {},
): Promise<WebhookEvent> {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature header");
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) throw new WebhookVerificationError("webhook-timestamp is not a Unix time in seconds");
  const tolerance = options.toleranceSeconds ?? 300;
  const now = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(now - seconds) > tolerance) throw new WebhookVerificationError(`webhook-timestamp is more than ${tolerance} s from now`);
  const keyBytes = base64Bytes(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret);
  if (!keyBytes || keyBytes.length === 0) throw new WebhookVerificationError("the secret is not a whsec_… value");
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const content = encoder.encode(`${id}.${timestamp}.${body}`);
  for (const candidate of signatures.split(" ")) {
    const [version, value] = candidate.split(",", 2);
    if (version !== "v1" || !value) continue;
    const signature = base64Bytes(value);
    if (signature && (await crypto.subtle.verify("HMAC", key, signature, content))) {
      try {
        return JSON.parse(body) as WebhookEvent;
      } catch {
        throw new WebhookVerificationError("the signed body is not JSON");
      }
    }
  }
  throw new WebhookVerificationError("no signature matches");
}
