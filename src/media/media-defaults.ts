/**
 * @module media/media-defaults — a job's media policy (access, link lifetime, retention)
 * from its request and its tenant's defaults.
 *
 * Tenant defaults come from the `TENANT_DEFAULTS` variable for now:
 * `{"*": {"retention_days": 30}, "acme": {"media_access": "private", "link_ttl_seconds": 600}}`
 * (`*` applies to every tenant, a tenant's own entry wins field by field). This is the one
 * seam to replace when tenant settings move into their own store: `mediaPolicyFor` is the
 * only reader.
 */
import type { MediaAccess, MediaPolicy } from "../jobs/job-types";

export interface MediaDefaults {
  retention_days: number | null;
  media_access: MediaAccess;
  link_ttl_seconds: number;
}

/** Signed links live this long unless the request or the tenant says otherwise. */
export const defaultLinkTtlSeconds = 3600;
/** The limits of `link_ttl_seconds` (a week at most, like fal's signed URLs). */
export const linkTtlLimits = { min: 60, max: 7 * 86_400 } as const;
/** The limits of `retention.days`. */
export const retentionDayLimits = { min: 1, max: 3650 } as const;

const builtIn: MediaDefaults = { retention_days: null, media_access: "public", link_ttl_seconds: defaultLinkTtlSeconds };

/** What a `POST /v1/jobs` body asked for; undefined fields fall back to the tenant's defaults. */
export interface MediaRequest {
  /** null: keep forever; undefined: the tenant's default. */
  retention?: { days: number } | null;
  media?: { access?: MediaAccess; link_ttl_seconds?: number };
}

/**
 * The policy a new job of `tenant` gets.
 * @example mediaPolicyFor({ retention: { days: 7 } }, "dev", {}) // { access: "public", link_ttl_seconds: 3600, retention_days: 7 }
 */
export function mediaPolicyFor(request: MediaRequest, tenant: string, tenantDefaults: Record<string, Partial<MediaDefaults>>): MediaPolicy {
  const defaults: MediaDefaults = { ...builtIn, ...tenantDefaults["*"], ...tenantDefaults[tenant] };
  return {
    access: request.media?.access ?? defaults.media_access,
    link_ttl_seconds: request.media?.link_ttl_seconds ?? defaults.link_ttl_seconds,
    retention_days: request.retention === undefined ? defaults.retention_days : request.retention === null ? null : request.retention.days,
  };
}

const inRange = (value: unknown, limits: { min: number; max: number }) => Number.isInteger(value) && (value as number) >= limits.min && (value as number) <= limits.max;

/**
 * Parses `TENANT_DEFAULTS`; a string says what is wrong with it. Empty text: no defaults.
 * @example parseTenantDefaults('{"*":{"retention_days":30}}') // { "*": { retention_days: 30 } }
 */
export function parseTenantDefaults(text: string): Record<string, Partial<MediaDefaults>> | string {
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "must be JSON";
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return "must be a JSON object of tenant id (or *) to defaults";
  const result: Record<string, Partial<MediaDefaults>> = {};
  for (const [tenant, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!value || typeof value !== "object" || Array.isArray(value)) return `entry ${tenant} must be an object`;
    const entry = value as Record<string, unknown>;
    for (const field of Object.keys(entry)) {
      if (!["retention_days", "media_access", "link_ttl_seconds"].includes(field)) return `entry ${tenant} has an unknown field ${field}`;
    }
    if ("retention_days" in entry && entry.retention_days !== null && !inRange(entry.retention_days, retentionDayLimits)) return `entry ${tenant}: retention_days must be null or ${retentionDayLimits.min}–${retentionDayLimits.max}`;
    if ("media_access" in entry && entry.media_access !== "public" && entry.media_access !== "private") return `entry ${tenant}: media_access must be public or private`;
    if ("link_ttl_seconds" in entry && !inRange(entry.link_ttl_seconds, linkTtlLimits)) return `entry ${tenant}: link_ttl_seconds must be ${linkTtlLimits.min}–${linkTtlLimits.max}`;
    result[tenant] = entry as Partial<MediaDefaults>;
  }
  return result;
}
