/**
 * Keys through the admin API, inside workerd: made (shown once), listed by prefix only,
 * revoked (refused on the very next request — no cache anywhere), rotated with an overlap;
 * the admin secret guards it all; the configured API_KEYS keep working as a bootstrap.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { ApiKeyObject } from "../src/tenants/api-key-object";
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { devKey, emulator, gateway } from "./helpers";
import { admin, eventually, newTenant } from "./tenant-helpers";

const jobsStatus = async (key: string) => (await gateway("/v1/jobs", { key })).status;

describe("the admin API's guard", () => {
  it.each([
    ["no secret", undefined],
    ["a wrong secret", "Bearer not-the-admin-secret"],
    ["an API key", `Bearer ${devKey}`],
  ])("refuses %s with a 401 problem", async (_name, authorization) => {
    const response = await admin("/admin/v1/tenants", { headers: authorization ? { authorization } : { authorization: "" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.text()).not.toContain(env.ADMIN_SECRET as string);
  });

  it("is not an API key: the admin secret opens nothing under /v1", async () => {
    expect(await jobsStatus(env.ADMIN_SECRET as string)).toBe(401);
  });
});

describe("API keys made through the admin API", () => {
  it("shows a key once; lists it by prefix only; the key works for its tenant alone", async () => {
    const { tenant, key, keyId } = await newTenant();
    expect(key).toMatch(/^wek_[0-9a-z]{16}_[0-9a-z]{40}$/);
    expect(await jobsStatus(key)).toBe(200);

    const listed = (await (await admin(`/admin/v1/keys?tenant=${tenant}`)).json()) as { data: Array<Record<string, unknown>> };
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).toMatchObject({ id: keyId, tenant, status: "active", prefix: key.slice(0, 25) });
    const text = JSON.stringify(listed) + (await (await admin(`/admin/v1/keys/${keyId}`)).text());
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(25));
    expect(Object.keys(listed.data[0]!)).not.toContain("key");

    // Another tenant's job is a 404 for it, as for any key.
    const job = (await (await gateway("/v1/jobs", { method: "POST", body: JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: "https://cdn.example.com/cat.png" } }) })).json()) as { id: string };
    expect((await gateway(`/v1/jobs/${job.id}`, { key })).status).toBe(404);
  });

  it("refuses a revoked key on the very next request", async () => {
    const { key, keyId } = await newTenant();
    expect(await jobsStatus(key)).toBe(200);
    const revoked = await admin(`/admin/v1/keys/${keyId}/revoke`, { method: "POST" });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ id: keyId, status: "revoked" });
    expect(await jobsStatus(key)).toBe(401);
    expect((await gateway("/v1/jobs", { method: "POST", key, body: JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: "https://cdn.example.com/cat.png" } }) })).status).toBe(401);
    // Revoking again changes nothing; a revoked key cannot be rotated back to life.
    expect((await admin(`/admin/v1/keys/${keyId}/revoke`, { method: "POST" })).status).toBe(200);
    expect((await admin(`/admin/v1/keys/${keyId}/rotate`, { method: "POST" })).status).toBe(409);
  });

  it("rotates a key: the new one works at once, the old one until its overlap ends", async () => {
    const { tenant, key, keyId } = await newTenant();
    const rotated = await admin(`/admin/v1/keys/${keyId}/rotate`, { method: "POST", body: JSON.stringify({ overlap_seconds: 3600 }) });
    expect(rotated.status).toBe(201);
    const body = (await rotated.json()) as { key: string; id: string; replaces: string; previous: { status: string; expires_at: string; replaced_by: string } };
    expect(body).toMatchObject({ replaces: keyId, previous: { status: "expiring", replaced_by: body.id } });
    expect(Date.parse(body.previous.expires_at) - Date.now()).toBeGreaterThan(3_500_000);
    expect(await jobsStatus(body.key)).toBe(200);
    expect(await jobsStatus(key)).toBe(200);

    // The overlap ends (the key's own object's clock moves past it): the old key is refused.
    const stub = env.KEYS.get(env.KEYS.idFromName(keyId));
    await runInDurableObject(stub, (object: ApiKeyObject) => {
      object.now = () => Date.now() + 3_601_000;
    });
    expect(await jobsStatus(key)).toBe(401);
    expect(await jobsStatus(body.key)).toBe(200);

    // Rotating with no overlap stops the old key at once.
    const again = (await (await admin(`/admin/v1/keys/${body.id}/rotate`, { method: "POST", body: JSON.stringify({ overlap_seconds: 0 }) })).json()) as { key: string };
    expect(await jobsStatus(body.key)).toBe(401);
    expect(await jobsStatus(again.key)).toBe(200);
    const keys = (await (await admin(`/admin/v1/keys?tenant=${tenant}`)).json()) as { data: Array<{ status: string }> };
    expect(keys.data.map((entry) => entry.status).sort()).toEqual(["active", "expired", "expiring"]);
  });

  it("refuses a well-formed key nobody made, and keys for a tenant that does not exist", async () => {
    expect(await jobsStatus(`wek_${"a".repeat(16)}_${"b".repeat(40)}`)).toBe(401);
    const response = await admin("/admin/v1/keys", { method: "POST", body: JSON.stringify({ tenant: "nobody-here" }) });
    expect(response.status).toBe(404);
  });

  it("keeps the configured API_KEYS working, and can make keys for their tenants", async () => {
    expect(await jobsStatus(devKey)).toBe(200);
    const made = (await (await admin("/admin/v1/keys", { method: "POST", body: JSON.stringify({ tenant: "dev", name: "ci" }) })).json()) as { key: string; id: string };
    expect(await jobsStatus(made.key)).toBe(200);
    const tenants = (await (await admin("/admin/v1/tenants")).json()) as { data: Array<{ id: string; source: string }> };
    expect(tenants.data.find((tenant) => tenant.id === "dev")).toMatchObject({ source: "configured" });
    await admin(`/admin/v1/keys/${made.id}/revoke`, { method: "POST" });
  });
});

describe("tenants and their settings", () => {
  it("validates every field of a tenant's settings and names each bad one", async () => {
    const response = await admin("/admin/v1/tenants", {
      method: "POST",
      body: JSON.stringify({ id: "Bad Id", settings: { budget: { limit_usd: -1, period: "week" }, limits: { max_running_jobs: 0 }, media_access: "secret", retention_days: 0 } }),
    });
    expect(response.status).toBe(400);
    const paths = ((await response.json()) as { errors: Array<{ path: string }> }).errors.map((error) => error.path).sort();
    expect(paths).toEqual(["id", "settings.budget.limit_usd", "settings.budget.period", "settings.limits.max_running_jobs", "settings.media_access", "settings.retention_days"]);
  });

  it("keeps the settings, including the media defaults other parts read, and refuses a second tenant with the same id", async () => {
    const { tenant } = await newTenant({ retention_days: 30, media_access: "private", budget: { limit_usd: 25, period: "total" } });
    const read = (await (await admin(`/admin/v1/tenants/${tenant}`)).json()) as Record<string, unknown>;
    expect(read).toMatchObject({
      id: tenant,
      source: "admin",
      settings: { retention_days: 30, media_access: "private", budget: { limit_usd: 25, period: "total" }, limits: { max_running_jobs: null } },
      budget: { limit_usd: 25, spent_usd: 0, reserved_usd: 0, remaining_usd: 25 },
    });
    const cleared = (await (await admin(`/admin/v1/tenants/${tenant}`, { method: "PATCH", body: JSON.stringify({ settings: { budget: null } }) })).json()) as Record<string, unknown>;
    expect(cleared).toMatchObject({ budget: null, settings: { retention_days: 30, media_access: "private" } });
    expect((await admin("/admin/v1/tenants", { method: "POST", body: JSON.stringify({ id: tenant }) })).status).toBe(409);
    expect((await admin("/admin/v1/tenants", { method: "POST", body: JSON.stringify({ id: "dev" }) })).status).toBe(409);
  });

  it("signs deliveries under both secrets during a webhook secret rotation's overlap: either verifies", async () => {
    const { tenant, key } = await newTenant();
    const old = ((await (await gateway("/v1/webhooks/secret", { key })).json()) as { secret: string }).secret;
    const rotated = (await (await admin(`/admin/v1/tenants/${tenant}/webhook-secret/rotate`, { method: "POST", body: JSON.stringify({ overlap_seconds: 600 }) })).json()) as { secret: string };
    const name = `rotation-${crypto.randomUUID()}`;
    const body = JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: "https://cdn.example.com/cat.png" }, provider: "evolink", webhook: { url: `http://emulator.test/__control/webhooks/${name}` } });
    await gateway("/v1/jobs", { method: "POST", key, body });
    const received = await eventually(async () => (await (await emulator(`/__control/webhooks/${name}`)).json()) as Array<{ headers: Record<string, string>; body: string }>, (list) => list.length > 0);
    const delivery = received[0]!;
    expect(delivery.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const secret of [rotated.secret, old]) expect(() => new Webhook(secret).verify(delivery.body, delivery.headers)).not.toThrow();
  });

  it("rotates a tenant's webhook secret with an overlap: GET /v1/webhooks/secret gives the new one", async () => {
    const { tenant, key } = await newTenant();
    const before = (await (await gateway("/v1/webhooks/secret", { key })).json()) as { secret: string };
    const rotated = (await (await admin(`/admin/v1/tenants/${tenant}/webhook-secret/rotate`, { method: "POST", body: JSON.stringify({ overlap_seconds: 600 }) })).json()) as { secret: string; previous_valid_until: string };
    expect(rotated.secret).not.toBe(before.secret);
    const after = (await (await gateway("/v1/webhooks/secret", { key })).json()) as { secret: string; previous_valid_until: string };
    expect(after).toMatchObject({ secret: rotated.secret, previous_valid_until: rotated.previous_valid_until });
  });
});
