/**
 * @module env — typed bindings and the validated configuration derived from them.
 *
 * Configuration is read once per `env` object. Production rules are enforced here, in one
 * place: a production deployment can never enable the dev keys, the emulator, plain-HTTP
 * provider URLs or the development server secret — it refuses to serve instead.
 */
import type { JobObject } from "./jobs/job-object";
import type { TenantIndex } from "./jobs/tenant-index";
import type { UploadObject } from "./uploads/upload-object";
import type { ProviderBreaker } from "./routing/circuit-breaker";
import type { PriceBook } from "./billing/price-book";
import { parsePriceBook } from "./billing/price-book";
import type { ApiKeyObject } from "./tenants/api-key-object";
import type { TenantAccount } from "./tenants/tenant-account";
import type { TenantDirectory } from "./tenants/tenant-directory";
import type { ProviderId } from "./providers/provider-adapter";
import { providerIds } from "./providers/provider-adapter";

export interface Env {
  JOBS: DurableObjectNamespace<JobObject>;
  MEDIA: R2Bucket;
  ENVIRONMENT?: string;
  PUBLIC_BASE_URL?: string;
  API_KEYS?: string;
  SERVER_SECRET?: string;
  EMULATOR_URL?: string;
  JOB_DEADLINE_SECONDS?: string;
  MAX_OUTPUT_BYTES?: string;
  PROVIDER_ORDER?: string;
  BREAKER_THRESHOLD?: string;
  BREAKER_COOLDOWN_SECONDS?: string;
  BREAKERS: DurableObjectNamespace<ProviderBreaker>;
  TENANTS: DurableObjectNamespace<TenantIndex>;
  /** One Durable Object per upload: its expiry and the jobs that keep it. */
  UPLOADS: DurableObjectNamespace<UploadObject>;
  /** Cloudflare Images: WebP thumbnails of image outputs and video posters (absent: none are made). */
  IMAGES?: ImagesBinding;
  /** One per tenant: settings, budget, cost ledger, limits and the admission queue. */
  ACCOUNTS: DurableObjectNamespace<TenantAccount>;
  /** One per API key made through the admin API (by key id): its hash, tenant and state. */
  KEYS: DurableObjectNamespace<ApiKeyObject>;
  /** One, named "directory": the tenants the admin API knows. */
  DIRECTORY: DurableObjectNamespace<TenantDirectory>;
  PRICES?: string;
  ADMIN_SECRET?: string;
  /** Development/test only: every upstream request goes through this service (the emulator). */
  UPSTREAM?: Fetcher;
  [key: string]: unknown;
}

export interface ProviderConfig {
  baseUrl: string;
  apiKey: string;
}

export interface Config {
  environment: "development" | "production";
  publicBaseUrl: string;
  /** sha256(api key) hex → tenant id. */
  apiKeyHashes: ReadonlyArray<readonly [string, string]>;
  serverSecret: string;
  /** Origin whose plain-HTTP URLs are trusted in development (the emulator). */
  emulatorOrigin: string | null;
  jobDeadlineMs: number;
  /** How long `POST /v1/jobs` waits for the upstream create before answering `queued` (SUBMIT_ANSWER_MS). */
  submitAnswerMs: number;
  maxOutputBytes: number;
  providers: Partial<Record<ProviderId, ProviderConfig>>;
  /** Preferred provider order for `provider: "auto"` (PROVIDER_ORDER); the rest follow by price. */
  providerOrder: ProviderId[];
  /** Days an upload is kept once no job retains it (UPLOAD_RETENTION_DAYS). */
  uploadRetentionDays: number;
  /**
   * Seconds an edge location's cache keeps a media object (MEDIA_EDGE_TTL_SECONDS): the
   * longest a deleted object can still be served by a location that had it cached.
   */
  mediaEdgeTtlSeconds: number;
  /** Objects larger than this are served from R2 without entering the edge cache (MEDIA_CACHE_MAX_BYTES). */
  mediaCacheMaxBytes: number;
  /** The price book: PRICES over the built-in prices (billing/price-book). */
  prices: PriceBook;
  /** The admin API's bearer secret (ADMIN_SECRET); null: the admin API is off. */
  adminSecret: string | null;
  /** Limits of a tenant whose settings name none (TENANT_*); null: no limit. */
  tenantDefaults: TenantDefaults;
}

export interface TenantDefaults {
  maxRunningJobs: number | null;
  submitsPerMinute: number | null;
  maxQueuedJobs: number;
}

/** Thrown when configuration is unusable; rendered as a 500 without details. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Hashes of the documented development keys; production refuses to start with them. */
export const developmentKeyHashes = new Set([
  "0619410353d7eb854ac82e8aa5b5419e5213065fd398066fb410126150e2b808",
  "0c90992bc50d0ab3ccf3dcde56ba4a0004757a5c5e2c59e0a398bc9b793c6fa8",
]);
const developmentSecret = "wan-edge-development-server-secret-not-for-production";
/** The admin secret of the local configuration; production refuses it. */
export const developmentAdminSecret = "wan-edge-development-admin-secret-not-for-production";

const cache = new WeakMap<object, Config>();

/** The validated configuration for `env` (memoised). Throws ConfigError. */
export function loadConfig(env: Env): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const config = parseConfig(env);
  cache.set(env, config);
  return config;
}

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

function positiveNumber(value: unknown, fallback: number, name: string): number {
  if (text(value) === "") return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new ConfigError(`${name} must be a positive number`);
  return number;
}

/** An optional positive integer limit; unset: null (no limit). */
function optionalLimit(value: unknown, name: string): number | null {
  if (text(value) === "") return null;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new ConfigError(`${name} must be a positive integer`);
  return number;
}

function parseConfig(env: Env): Config {
  const environment = text(env.ENVIRONMENT) === "production" ? "production" : "development";
  const production = environment === "production";
  if (text(env.ENVIRONMENT) !== "" && !["production", "development"].includes(text(env.ENVIRONMENT))) {
    throw new ConfigError("ENVIRONMENT must be production or development");
  }

  let apiKeyHashes: Array<[string, string]> = [];
  if (text(env.API_KEYS) !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text(env.API_KEYS));
    } catch {
      throw new ConfigError("API_KEYS must be JSON: {\"<sha256 hex of key>\": \"<tenant id>\"}");
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new ConfigError("API_KEYS must be a JSON object");
    for (const [hash, tenant] of Object.entries(parsed)) {
      if (!/^[0-9a-f]{64}$/.test(hash) || typeof tenant !== "string" || tenant === "") {
        throw new ConfigError("API_KEYS entries must map a lower-case SHA-256 hex digest to a tenant id");
      }
      apiKeyHashes.push([hash, tenant]);
    }
  }

  const serverSecret = text(env.SERVER_SECRET);
  const publicBaseUrl = text(env.PUBLIC_BASE_URL).replace(/\/+$/, "");
  const emulatorOrigin = text(env.EMULATOR_URL) === "" ? null : new URL(text(env.EMULATOR_URL)).origin;

  const providers: Config["providers"] = {};
  for (const id of providerIds) {
    const prefix = id.toUpperCase();
    const baseUrl = text(env[`${prefix}_BASE_URL`]).replace(/\/+$/, "");
    const apiKey = text(env[`${prefix}_API_KEY`]);
    if (baseUrl !== "" && apiKey !== "") providers[id] = { baseUrl, apiKey };
  }

  const priced = parsePriceBook(text(env.PRICES));
  if (!priced.ok) throw new ConfigError(`PRICES is invalid: ${priced.problems.join("; ")}`);
  const adminSecret = text(env.ADMIN_SECRET) === "" ? null : text(env.ADMIN_SECRET);

  if (production) {
    if (adminSecret !== null && (adminSecret.length < 32 || adminSecret === developmentAdminSecret)) {
      throw new ConfigError("production needs its own ADMIN_SECRET of at least 32 characters (or none: the admin API is then off)");
    }
    if (apiKeyHashes.some(([hash]) => developmentKeyHashes.has(hash))) {
      throw new ConfigError("production must not accept the development API keys");
    }
    if (serverSecret.length < 32 || serverSecret === developmentSecret) {
      throw new ConfigError("production needs its own SERVER_SECRET of at least 32 characters");
    }
    if (env.UPSTREAM || emulatorOrigin) throw new ConfigError("production must not use the emulator");
    if (!publicBaseUrl.startsWith("https://")) throw new ConfigError("production needs an https PUBLIC_BASE_URL");
    for (const [id, provider] of Object.entries(providers)) {
      const url = new URL(provider.baseUrl);
      if (url.protocol !== "https:" || isLoopbackHost(url.hostname)) {
        throw new ConfigError(`${id.toUpperCase()}_BASE_URL must be a public https URL in production`);
      }
      if (id === "dashscope") checkDashscopeBaseUrl(url);
    }
  } else if (serverSecret === "") {
    throw new ConfigError("SERVER_SECRET is required");
  }
  if (publicBaseUrl === "") throw new ConfigError("PUBLIC_BASE_URL is required");

  const providerOrder = text(env.PROVIDER_ORDER)
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  for (const id of providerOrder) {
    if (!(providerIds as readonly string[]).includes(id)) throw new ConfigError(`PROVIDER_ORDER names an unknown provider: ${id}`);
  }

  return {
    environment,
    publicBaseUrl,
    apiKeyHashes,
    serverSecret: serverSecret === "" ? developmentSecret : serverSecret,
    emulatorOrigin: production ? null : emulatorOrigin,
    jobDeadlineMs: positiveNumber(env.JOB_DEADLINE_SECONDS, 1800, "JOB_DEADLINE_SECONDS") * 1000,
    submitAnswerMs: positiveNumber(env.SUBMIT_ANSWER_MS, 1000, "SUBMIT_ANSWER_MS"),
    maxOutputBytes: positiveNumber(env.MAX_OUTPUT_BYTES, 2 * 1024 ** 3, "MAX_OUTPUT_BYTES"),
    providers,
    providerOrder: [...new Set(providerOrder)] as ProviderId[],
    uploadRetentionDays: positiveNumber(env.UPLOAD_RETENTION_DAYS, 30, "UPLOAD_RETENTION_DAYS"),
    mediaEdgeTtlSeconds: positiveNumber(env.MEDIA_EDGE_TTL_SECONDS, 300, "MEDIA_EDGE_TTL_SECONDS"),
    // Cloudflare caches files up to 512 MB on Free, Pro and Business plans (read as 10^6 bytes, the smaller reading).
    mediaCacheMaxBytes: positiveNumber(env.MEDIA_CACHE_MAX_BYTES, 512_000_000, "MEDIA_CACHE_MAX_BYTES"),
    prices: priced.book,
    adminSecret,
    tenantDefaults: {
      maxRunningJobs: optionalLimit(env.TENANT_MAX_RUNNING_JOBS, "TENANT_MAX_RUNNING_JOBS"),
      submitsPerMinute: optionalLimit(env.TENANT_SUBMITS_PER_MINUTE, "TENANT_SUBMITS_PER_MINUTE"),
      maxQueuedJobs: optionalLimit(env.TENANT_MAX_QUEUED_JOBS, "TENANT_MAX_QUEUED_JOBS") ?? 1000,
    },
  };
}

/**
 * Any DashScope region's origin is accepted — the workspace domains Alibaba recommends
 * (`https://{WorkspaceId}.ap-southeast-1.maas.aliyuncs.com`, `….cn-beijing.maas.aliyuncs.com`),
 * the shared ones (`dashscope-intl`, `dashscope`) and Virginia's `dashscope-us.aliyuncs.com`
 * (see providers/dashscope/dashscope-api.ts) — alone or with Alibaba's `/api/v1` suffix. Only
 * a copied placeholder (`{WorkspaceId}`) or another path is refused: either would reach no one.
 */
function checkDashscopeBaseUrl(url: URL): void {
  if (/[{}]/.test(decodeURIComponent(url.hostname))) throw new ConfigError("DASHSCOPE_BASE_URL still holds a placeholder: put your workspace id in place of {WorkspaceId}");
  if (!/^\/(api\/v1\/?)?$/.test(url.pathname)) throw new ConfigError("DASHSCOPE_BASE_URL must be the region's origin, optionally followed by /api/v1");
}

/** localhost, *.localhost and loopback literals. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || /^127\./.test(host) || host === "::1";
}

/**
 * The fetch used for every upstream request (provider APIs and media downloads). In
 * development and tests an `UPSTREAM` service binding (the emulator) replaces the network.
 */
export function upstreamFetch(env: Env): typeof fetch {
  const binding = env.UPSTREAM;
  if (binding) return ((input: RequestInfo | URL, init?: RequestInit) => binding.fetch(input as RequestInfo, init)) as typeof fetch;
  // A wrapper, not `fetch` itself: callers invoke it as a method (`context.fetch(…)`), and
  // workerd's fetch throws "Illegal invocation" when called with a foreign `this`.
  return (input, init) => fetch(input, init);
}
