/**
 * @module media/media-links — signed, expiring links to private media.
 *
 * A private object's link is `/media/{key}?expires={unix seconds}&signature={base64url}`,
 * the signature an HMAC-SHA256 under the server secret of the key and the expiry (with a
 * label, so it can never stand in for another of the gateway's HMACs). Nothing is stored:
 * the media route recomputes it and compares in constant time. A link names its own
 * expiry, so links are handed out fresh each time a job is shown.
 */
import { hmacSha256, timingSafeEqualText, toBase64Url } from "../lib/encoding";

async function signature(serverSecret: string, key: string, expires: number): Promise<string> {
  return toBase64Url(await hmacSha256(serverSecret, `media-link\n${key}\n${expires}`));
}

/**
 * The link to `key`, signed to expire at `expires` (unix seconds).
 * @example await signedMediaUrl("https://gw.example", "outputs/job_…/0.mp4", secret, 1767225600)
 */
export async function signedMediaUrl(publicBaseUrl: string, key: string, serverSecret: string, expires: number): Promise<string> {
  return `${publicBaseUrl}/media/${key}?expires=${expires}&signature=${await signature(serverSecret, key, expires)}`;
}

export type LinkCheck = { ok: true; expires: number } | { ok: false; reason: "missing" | "expired" | "invalid" };

/**
 * Checks the `expires` and `signature` of a request for `key` at `nowMs`. The signature is
 * compared whatever the expiry says, so an answer takes as long for a wrong link as for an
 * expired one.
 */
export async function checkMediaLink(key: string, query: URLSearchParams, serverSecret: string, nowMs: number): Promise<LinkCheck> {
  const expiresText = query.get("expires");
  const presented = query.get("signature");
  if (expiresText === null || presented === null) return { ok: false, reason: "missing" };
  if (!/^\d{1,12}$/.test(expiresText)) return { ok: false, reason: "invalid" };
  const expires = Number(expiresText);
  const valid = timingSafeEqualText(await signature(serverSecret, key, expires), presented);
  if (!valid) return { ok: false, reason: "invalid" };
  return expires * 1000 <= nowMs ? { ok: false, reason: "expired" } : { ok: true, expires };
}

/** The R2 key of one of this gateway's media URLs (signed or not), or null when it is not one. */
export function mediaKeyOfUrl(url: string, publicBaseUrl: string): string | null {
  const prefix = `${publicBaseUrl}/media/`;
  if (!url.startsWith(prefix)) return null;
  const path = url.slice(prefix.length).split(/[?#]/)[0]!;
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}
