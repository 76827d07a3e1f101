/**
 * @module media/media-defaults — a job's media policy (access, link lifetime, retention)
 * from its request and its tenant's defaults.
 *
 * The defaults are the tenant's settings (`retention_days`, `media_access`, set through the
 * admin API: tenants/tenant-settings), handed out by the tenant's account with the job's
 * admission, so they cost the submit no call of their own.
 */
import type { MediaAccess, MediaPolicy } from "../jobs/job-types";

/** Signed links live this long unless the request says otherwise. */
export const defaultLinkTtlSeconds = 3600;
/** The limits of `link_ttl_seconds` (a week at most, like fal's signed URLs). */
export const linkTtlLimits = { min: 60, max: 7 * 86_400 } as const;
/** The limits of `retention.days` (the tenant setting allows as many). */
export const retentionDayLimits = { min: 1, max: 36_500 } as const;

/** The tenant's defaults (its settings). */
export interface TenantMediaDefaults {
  retention_days: number | null;
  media_access: MediaAccess;
}

/** What a `POST /v1/jobs` body asked for; undefined fields fall back to the tenant's defaults. */
export interface MediaRequest {
  /** null: keep forever; undefined: the tenant's default. */
  retention?: { days: number } | null;
  media?: { access?: MediaAccess; link_ttl_seconds?: number };
}

/**
 * The policy a new job gets: the request's word, else its tenant's.
 * @example mediaPolicyFor({ retention: { days: 7 } }, { retention_days: null, media_access: "private" }) // { access: "private", link_ttl_seconds: 3600, retention_days: 7 }
 */
export function mediaPolicyFor(request: MediaRequest, defaults: TenantMediaDefaults): MediaPolicy {
  return {
    access: request.media?.access ?? defaults.media_access,
    link_ttl_seconds: request.media?.link_ttl_seconds ?? defaultLinkTtlSeconds,
    retention_days: request.retention === undefined ? defaults.retention_days : request.retention === null ? null : request.retention.days,
  };
}
