/**
 * @module tenants/tenant-settings — what an operator sets per tenant through the admin API,
 * validated by one zod schema (which also documents it in the OpenAPI document).
 *
 * Settings live in the tenant's account (tenants/tenant-account.ts), beside what they
 * govern: the budget, the limits, and the defaults other parts read (`retention_days`,
 * `media_access` for stored media). To add a setting: a field in `settingsSchema` (with its
 * default in `defaultSettings`), and read it from `TenantAccount.settings()`.
 */
import { z } from "@hono/zod-openapi";

const limit = (what: string) => z.number().int().min(1).max(1_000_000).nullable().describe(`${what}; null: no limit of its own (the deployment's default applies)`);

export const budgetSchema = z
  .strictObject({
    limit_usd: z.number().min(0).max(10_000_000).describe("The most the tenant may spend in a period, in USD"),
    period: z.enum(["month", "total"]).describe("month: each calendar month (UTC) starts afresh; total: all time"),
  })
  .describe("A hard budget: a submit whose estimate does not fit what is left is refused with 402 budget_exceeded");

export const limitsSchema = z.strictObject({
  max_running_jobs: limit("Jobs of this tenant working upstream at once; more wait `queued` with a `queue_position`"),
  submits_per_minute: limit("Job creations per minute (a token bucket: bursts up to this many); more are 429 rate_limited with Retry-After"),
  max_queued_jobs: limit("Jobs that may wait for a running slot; more are 429 rate_limited"),
});

export const settingsSchema = z.strictObject({
  budget: budgetSchema.nullable(),
  limits: limitsSchema,
  retention_days: z.number().int().min(1).max(36_500).nullable().describe("Default media retention of this tenant's new jobs, in days; null keeps media forever"),
  media_access: z.enum(["public", "private"]).describe("Default access of this tenant's media links: public, or private (signed, expiring links)"),
});

export type TenantSettings = z.infer<typeof settingsSchema>;
export type Budget = z.infer<typeof budgetSchema>;

export const defaultSettings: TenantSettings = {
  budget: null,
  limits: { max_running_jobs: null, submits_per_minute: null, max_queued_jobs: null },
  retention_days: null,
  media_access: "public",
};

/** A change to the settings (`PATCH`): any field; `limits` merge field by field. */
export const settingsPatchSchema = settingsSchema.extend({ limits: limitsSchema.partial() }).partial();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/**
 * The settings after `patch`.
 * @example applySettingsPatch(defaultSettings, { budget: { limit_usd: 10, period: "month" } }).budget?.limit_usd // 10
 */
export function applySettingsPatch(settings: TenantSettings, patch: SettingsPatch): TenantSettings {
  return {
    budget: patch.budget === undefined ? settings.budget : patch.budget,
    limits: { ...settings.limits, ...patch.limits },
    retention_days: patch.retention_days === undefined ? settings.retention_days : patch.retention_days,
    media_access: patch.media_access ?? settings.media_access,
  };
}

/**
 * Settings read back from storage: a stored document from an older version lacks the newer
 * fields, which take their defaults.
 */
export function storedSettings(data: unknown): TenantSettings {
  const parsed = settingsPatchSchema.safeParse(data);
  return parsed.success ? applySettingsPatch(defaultSettings, parsed.data) : defaultSettings;
}

/** Webhook signing secret generations: the current one and, during a rotation's overlap, the one before. */
export interface WebhookSecretState {
  generation: number;
  previous: { generation: number; valid_until: number } | null;
}

export const initialWebhookSecretState: WebhookSecretState = { generation: 0, previous: null };
