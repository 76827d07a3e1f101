/**
 * @module uploads/upload-keys — where an upload lives in R2 and how its id, key and URL
 * relate: `uploads/{tenant digest}/{token}/upload.{ext}`, id `upl_{token}`.
 */
import { sha256Hex } from "../lib/encoding";
import { mediaKeyOfUrl } from "../media/media-links";

const tokenPattern = "[0-9a-hjkmnp-tv-z]{20}";

/** True when `value` has the shape of an upload id (cheap check before touching storage). */
export function isUploadId(value: string): boolean {
  return new RegExp(`^upl_${tokenPattern}$`).test(value);
}

/**
 * The key's tenant segment: a digest, not the tenant id, because media URLs are public and
 * tenant ids may be meaningful names. Stable, so a tenant's uploads share a prefix.
 */
export async function tenantUploadPrefix(tenant: string): Promise<string> {
  return `uploads/${(await sha256Hex(`uploads:${tenant}`)).slice(0, 16)}/`;
}

/** The prefix every object of upload `id` of `tenant` lives under. */
export async function uploadPrefix(tenant: string, id: string): Promise<string> {
  return `${await tenantUploadPrefix(tenant)}${id.slice("upl_".length)}/`;
}

/**
 * The ids of `tenant`'s uploads among `urls` (another tenant's upload is not counted: a
 * job keeps alive only what its own tenant uploaded).
 * @example await uploadIdsIn(["https://gw/media/uploads/ab12…/k3y…/upload.png"], "dev", "https://gw") // ["upl_k3y…"]
 */
export async function uploadIdsIn(urls: readonly string[], tenant: string, publicBaseUrl: string): Promise<string[]> {
  const prefix = await tenantUploadPrefix(tenant);
  const ids = new Set<string>();
  for (const url of urls) {
    const key = mediaKeyOfUrl(url, publicBaseUrl);
    const token = key?.startsWith(prefix) ? key.slice(prefix.length).split("/")[0]! : "";
    if (isUploadId(`upl_${token}`)) ids.add(`upl_${token}`);
  }
  return [...ids];
}
