/**
 * @module lib/url — URL helpers.
 */

/** True when `value` parses as an absolute URL. */
export function canParseUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
