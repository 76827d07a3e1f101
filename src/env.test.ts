import { describe, expect, it } from "vitest";
import { createApp } from "./app";
import type { Env } from "./env";
import { ConfigError, loadConfig, upstreamFetch } from "./env";
import { sha256Hex } from "./lib/encoding";

const productionSecret = "a-long-production-secret-0123456789abcdef";

async function productionEnv(overrides: Partial<Env> = {}): Promise<Env> {
  return {
    JOBS: {} as Env["JOBS"],
    BREAKERS: {} as Env["BREAKERS"],
    TENANTS: {} as Env["TENANTS"],
    UPLOADS: {} as Env["UPLOADS"],
    ACCOUNTS: {} as Env["ACCOUNTS"],
    KEYS: {} as Env["KEYS"],
    DIRECTORY: {} as Env["DIRECTORY"],
    MEDIA: {} as R2Bucket,
    ENVIRONMENT: "production",
    PUBLIC_BASE_URL: "https://wan.example.com",
    API_KEYS: JSON.stringify({ [await sha256Hex("a-real-customer-key")]: "acme" }),
    SERVER_SECRET: productionSecret,
    EVOLINK_BASE_URL: "https://api.evolink.ai",
    EVOLINK_API_KEY: "sk-evo-real",
    ...overrides,
  };
}

describe("production configuration", () => {
  it("accepts a proper production setup", async () => {
    const config = loadConfig(await productionEnv());
    expect(config.environment).toBe("production");
    expect(config.emulatorOrigin).toBeNull();
    expect(Object.keys(config.providers)).toEqual(["evolink"]);
  });

  it.each([
    "https://ws-1a2b3c.ap-southeast-1.maas.aliyuncs.com",
    "https://ws-1a2b3c.cn-beijing.maas.aliyuncs.com",
    "https://dashscope-intl.aliyuncs.com",
    "https://dashscope.aliyuncs.com",
    "https://dashscope-us.aliyuncs.com",
    "https://dashscope-us.aliyuncs.com/api/v1",
  ])("accepts the DashScope region %s", async (url) => {
    const config = loadConfig(await productionEnv({ DASHSCOPE_BASE_URL: url, DASHSCOPE_API_KEY: "sk-real" }));
    expect(config.providers.dashscope?.baseUrl).toBe(url);
  });

  it.each([
    ["the {WorkspaceId} placeholder", "https://{WorkspaceId}.ap-southeast-1.maas.aliyuncs.com"],
    ["another path", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"],
  ])("refuses a DashScope URL with %s", async (_name, url) => {
    const env = await productionEnv({ DASHSCOPE_BASE_URL: url, DASHSCOPE_API_KEY: "sk-real" });
    expect(() => loadConfig(env)).toThrow(ConfigError);
  });

  it.each([
    ["the dev key", async () => ({ API_KEYS: JSON.stringify({ [await sha256Hex("wan-edge-dev-key")]: "dev" }) })],
    ["the other dev key", async () => ({ API_KEYS: JSON.stringify({ [await sha256Hex("wan-edge-other-key")]: "other" }) })],
    ["the development server secret", async () => ({ SERVER_SECRET: "wan-edge-development-server-secret-not-for-production" })],
    ["a short server secret", async () => ({ SERVER_SECRET: "short" })],
    ["no server secret", async () => ({ SERVER_SECRET: undefined })],
    ["the emulator URL", async () => ({ EMULATOR_URL: "http://127.0.0.1:8788" })],
    ["an UPSTREAM binding", async () => ({ UPSTREAM: {} as Fetcher })],
    ["a plain-http provider", async () => ({ EVOLINK_BASE_URL: "http://api.evolink.ai" })],
    ["a loopback provider (the emulator)", async () => ({ EVOLINK_BASE_URL: "https://127.0.0.1:8788/evolink" })],
    ["a plain-http public base URL", async () => ({ PUBLIC_BASE_URL: "http://wan.example.com" })],
    ["malformed API_KEYS", async () => ({ API_KEYS: "not json" })],
    ["raw keys instead of hashes", async () => ({ API_KEYS: JSON.stringify({ "wan-edge-dev-key": "dev" }) })],
    ["the development admin secret", async () => ({ ADMIN_SECRET: "wan-edge-development-admin-secret-not-for-production" })],
    ["a short admin secret", async () => ({ ADMIN_SECRET: "admin" })],
    ["PRICES that are not JSON", async () => ({ PRICES: "{version" })],
    ["PRICES without a version", async () => ({ PRICES: JSON.stringify({ prices: {} }) })],
    ["a negative price", async () => ({ PRICES: JSON.stringify({ version: "v1", prices: { evolink: { "wan2.7-i2v": { per_second_usd: { "720p": -1, "1080p": 0.1 } } } } }) })],
    ["a per-image price for a video model", async () => ({ PRICES: JSON.stringify({ version: "v1", prices: { evolink: { "wan2.7-i2v": { per_image_usd: 0.1 } } } }) })],
    ["a limit that is not a positive integer", async () => ({ TENANT_MAX_RUNNING_JOBS: "0" })],
  ])("refuses %s", async (_name, change) => {
    const env = await productionEnv(await change());
    expect(() => loadConfig(env)).toThrow(ConfigError);
  });

  it("answers every request with a 500 that reveals nothing when misconfigured", async () => {
    const env = await productionEnv({ API_KEYS: JSON.stringify({ [await sha256Hex("wan-edge-dev-key")]: "dev" }) });
    const response = await createApp().request("/v1/jobs/job_0000000000aaaaaaaaaaaaaaaa", { headers: { authorization: "Bearer wan-edge-dev-key" } }, env);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toContain("misconfigured");
    expect(text).not.toContain("wan-edge-dev-key");
    expect(text).not.toContain("API_KEYS");
    expect(text).not.toContain(productionSecret);
  });

  it("lays PRICES over the built-in prices, entry by entry, under its own version", async () => {
    const prices = { version: "2026-12-acme", prices: { evolink: { "wan2.7-i2v": { per_second_usd: { "720p": 0.09, "1080p": 0.13 } } }, pixeldojo: { "wan2.7-image-pro": { unpriced: "credits only" } } } };
    const book = loadConfig(await productionEnv({ PRICES: JSON.stringify(prices) })).prices;
    expect(book.version).toBe("2026-12-acme");
    expect(book.prices.evolink["wan2.7-i2v"]).toMatchObject({ per_second_usd: { "720p": 0.09, "1080p": 0.13 }, source: "configured" });
    expect(book.prices.pixeldojo["wan2.7-image-pro"]).toMatchObject({ per_image_usd: null, note: "credits only" });
    expect(book.prices.shortapi["wan2.7-i2v"]).toMatchObject({ per_second_usd: { "720p": 0.085 }, source: "published" });
  });

  it("names every bad field of PRICES in its refusal", async () => {
    const env = await productionEnv({ PRICES: JSON.stringify({ version: "", prices: { nobody: {}, evolink: { "wan2.7-i2v": { per_second_usd: { "720p": "cheap", "1080p": 1 } } } } }) });
    expect(() => loadConfig(env)).toThrow(/version.*prices\.nobody|prices\.nobody.*version/s);
  });

  it("keeps the admin API off without ADMIN_SECRET, and accepts a long one", async () => {
    expect(loadConfig(await productionEnv()).adminSecret).toBeNull();
    expect(loadConfig(await productionEnv({ ADMIN_SECRET: "an-admin-secret-of-forty-characters-long" })).adminSecret).toBe("an-admin-secret-of-forty-characters-long");
    const response = await createApp().request("/admin/v1/tenants", { headers: { authorization: "Bearer anything" } }, await productionEnv());
    expect(response.status).toBe(403);
  });

  it("starts with no API keys at all: every /v1 request is 401", async () => {
    const env = await productionEnv({ API_KEYS: undefined });
    const response = await createApp().request("/v1/jobs/job_0000000000aaaaaaaaaaaaaaaa", { headers: { authorization: "Bearer wan-edge-dev-key" } }, env);
    expect(response.status).toBe(401);
  });
});

describe("upstream fetch", () => {
  it("uses the network in production and can be called as a method", async () => {
    const context = { fetch: upstreamFetch(await productionEnv()) };
    // workerd throws "Illegal invocation" if global fetch is called with a foreign `this`;
    // an unparseable URL proves the call reached fetch itself.
    await expect(context.fetch("not a url")).rejects.toThrow(/Invalid URL|URL/);
  });
});
