/**
 * @module lib/tokens — the per-job secret that authenticates provider callbacks.
 *
 * No provider signs its callbacks, so the callback URL itself carries the proof: an HMAC of
 * the job id under the server secret. Nothing is stored; a wrong token is just a 404.
 */
import { hmacSha256, timingSafeEqualText, toBase64Url } from "./encoding";

/** The callback token for `jobId`. */
export async function callbackToken(serverSecret: string, jobId: string): Promise<string> {
  return toBase64Url(await hmacSha256(serverSecret, `callback:${jobId}`));
}

/** Constant-time check of a presented callback token. */
export async function verifyCallbackToken(serverSecret: string, jobId: string, presented: string): Promise<boolean> {
  return timingSafeEqualText(await callbackToken(serverSecret, jobId), presented);
}
