/**
 * @module lib/ids — random, URL-safe, roughly time-ordered identifiers.
 */
const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

/** `count` random base32 characters (5 bits of entropy each). */
export function randomToken(count: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  let out = "";
  for (const byte of bytes) out += alphabet[byte & 31];
  return out;
}

/**
 * A job id: `job_` + 10 characters of millisecond time + 16 random characters (80 bits),
 * so ids sort by creation time and cannot be guessed.
 * @example newJobId(Date.now()) // "job_01jd3k5x7z9q2m4n6p8r0s2t4v"
 */
export function newJobId(nowMs: number): string {
  let time = "";
  let rest = Math.max(0, Math.floor(nowMs));
  for (let index = 0; index < 10; index++) {
    time = alphabet[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  return `job_${time}${randomToken(16)}`;
}

/** True when `value` has the shape of a job id (cheap check before touching storage). */
export function isJobId(value: string): boolean {
  return /^job_[0-9a-hjkmnp-tv-z]{26}$/.test(value);
}

/**
 * The job id for an Idempotency-Key: derived from tenant and key, so every request with
 * that key reaches the same Durable Object. Same shape as any job id.
 */
export async function idempotentJobId(tenant: string, key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`idempotency\u0000${tenant}\u0000${key}`)));
  let out = "";
  for (let index = 0; index < 26; index++) out += alphabet[digest[index]! & 31];
  return `job_${out}`;
}
