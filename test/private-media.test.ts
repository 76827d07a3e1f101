import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { JobObject } from "../src/jobs/job-object";
import { checkMediaLink, signedMediaUrl } from "../src/media/media-links";
import { emulator, gateway, getJob, jobStub, resetEmulator, submit, waitForJob } from "./helpers";
import { completedWithVariants, fastForward, keyOf, uploadPng } from "./media-helpers";

afterEach(resetEmulator);

const secret = env.SERVER_SECRET!;
const base = "http://gateway.test";
interface Output {
  url: string;
  thumbnail_url?: string;
  poster_url?: string;
}

const pathOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};
const expiresOf = (url: string) => Number(new URL(url).searchParams.get("expires"));
const unsigned = (url: string) => new URL(url).pathname;

async function privateJob(ttl = 600, extra: Record<string, unknown> = {}) {
  const upload = await uploadPng(600, 300);
  const { json } = await submit({ first_frame: upload.url }, { provider: "evolink", media: { access: "private", link_ttl_seconds: ttl }, ...extra });
  const job = await completedWithVariants(json.id);
  return { job, output: job.outputs[0] as unknown as Output };
}

describe("private media", () => {
  it("hands out signed links that expire, and answers 403 to anything else, cached or not", async () => {
    const { job, output } = await privateJob(600);
    expect(job["media"]).toEqual({ access: "private", link_ttl_seconds: 600 });
    for (const link of [output.url, output.poster_url!, output.thumbnail_url!]) {
      expect(link).toMatch(/\?expires=\d+&signature=[\w-]{43}$/);
      expect(expiresOf(link)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 590);
      expect(expiresOf(link)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 600);

      const missing = await gateway(unsigned(link), { key: null });
      expect(missing.status).toBe(403);
      expect(missing.headers.get("content-type")).toBe("application/problem+json");
      expect(((await missing.json()) as { code: string }).code).toBe("forbidden");

      const first = await gateway(pathOf(link), { key: null });
      expect(first.status).toBe(200);
      expect(first.headers.get("cache-control")).toMatch(/^private, max-age=(59\d|600)$/);
      await first.arrayBuffer();
      // Now cached in this location: still only for a valid signature.
      const cached = await gateway(pathOf(link), { key: null });
      expect([cached.status, cached.headers.get("x-cache")]).toEqual([200, "HIT"]);
      expect((await gateway(unsigned(link), { key: null })).status).toBe(403);
      const tampered = link.replace(/signature=./, (match) => (match.endsWith("A") ? "signature=B" : "signature=A"));
      expect((await gateway(pathOf(tampered), { key: null })).status).toBe(403);
      const longer = link.replace(/expires=(\d+)/, (_, value: string) => `expires=${Number(value) + 3600}`);
      expect((await gateway(pathOf(longer), { key: null })).status).toBe(403);
    }

    // A link signed by the server but past its expiry: 403, saying so.
    const stale = await signedMediaUrl(base, keyOf(output.url), secret, Math.floor(Date.now() / 1000) - 1);
    const expired = await gateway(pathOf(stale), { key: null });
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { detail: string }).detail).toContain("expired");
    // Every object of a private job is stored private: the R2 objects say so.
    for (const link of [output.url, output.poster_url!, output.thumbnail_url!]) expect((await env.MEDIA.head(keyOf(link)))?.customMetadata).toEqual({ access: "private" });
  });

  it("signs links afresh each time the job is read", async () => {
    const { job, output } = await privateJob(120);
    await runInDurableObject(jobStub(job.id), (instance: JobObject) => {
      const clock = instance.now;
      instance.now = () => clock() + 3_600_000;
    });
    const later = (await getJob(job.id)).outputs[0] as unknown as Output;
    expect(expiresOf(later.url) - expiresOf(output.url)).toBeGreaterThanOrEqual(3600);
    expect(later.url).not.toBe(output.url);
  });

  it("signs the links of the event stream", async () => {
    const { job } = await privateJob(300);
    const stream = await gateway(`/v1/jobs/${job.id}/events`);
    const text = await stream.text(); // the job is terminal: the current state, then the end
    const data = JSON.parse(/data: (.*)\n/.exec(text)![1]!) as { outputs: Output[] };
    expect(data.outputs[0]!.url).toMatch(/\?expires=\d+&signature=/);
    expect((await gateway(pathOf(data.outputs[0]!.url), { key: null })).status).toBe(200);
  });

  it("signs the links of every webhook delivery afresh, so a late retry still carries working ones", async () => {
    const name = `private-${crypto.randomUUID()}`;
    await emulator(`/__control/webhooks/${name}`, { method: "PUT", body: JSON.stringify({ fail: 1, status: 500 }), headers: { "content-type": "application/json" } });
    const { job } = await privateJob(60, { webhook: { url: `http://emulator.test/__control/webhooks/${name}`, events: ["job.completed"] } });
    await waitForJob(job.id);
    await fastForward(jobStub(job.id), 3_600_000); // past the 5 s retry, an hour on
    await new Promise((resolve) => setTimeout(resolve, 300));
    const deliveries = ((await (await emulator(`/__control/webhooks/${name}`)).json()) as Array<{ status: number; headers: Record<string, string>; body: string }>).map((delivery) => ({
      ...delivery,
      event: JSON.parse(delivery.body) as { type: string; data: { outputs: Output[] } },
    }));
    expect(deliveries.map((delivery) => delivery.status)).toEqual([500, 204]);
    expect(new Set(deliveries.map((delivery) => delivery.headers["webhook-id"])).size).toBe(1);
    const [first, retry] = deliveries.map((delivery) => delivery.event.data.outputs[0]!.url);
    expect(expiresOf(retry!) - expiresOf(first!)).toBeGreaterThanOrEqual(3600);
    expect((await gateway(pathOf(retry!), { key: null })).status).toBe(200);
  });

  it("leaves public links plain, and a public object ignores a signature it does not need", async () => {
    const { json } = await submit({ first_frame: "https://cdn.example.com/cat.png" }, { provider: "evolink" });
    const job = await waitForJob(json.id);
    expect(job["media"]).toEqual({ access: "public", link_ttl_seconds: 3600 });
    expect(job.outputs[0]!.url).not.toContain("?");
    expect((await gateway(`${unsigned(job.outputs[0]!.url)}?expires=1&signature=nonsense`, { key: null })).status).toBe(200);
  });
});

describe("checkMediaLink", () => {
  const key = "outputs/job_x/k/0.mp4";
  const now = Date.parse("2026-12-01T00:00:00Z");
  const query = async (signedKey: string, expires: number) => new URL(await signedMediaUrl(base, signedKey, secret, expires)).searchParams;

  it.each([
    ["a valid link", key, now / 1000 + 60, { ok: true, expires: now / 1000 + 60 }],
    ["a link for another key", "outputs/job_y/k/0.mp4", now / 1000 + 60, { ok: false, reason: "invalid" }],
    ["a link at its expiry", key, now / 1000, { ok: false, reason: "expired" }],
  ])("judges %s", async (_name, signedKey, expires, verdict) => {
    expect(await checkMediaLink(key, await query(signedKey, expires), secret, now)).toEqual(verdict);
  });

  it("refuses a missing or malformed expiry or signature", async () => {
    expect(await checkMediaLink(key, new URLSearchParams(), secret, now)).toEqual({ ok: false, reason: "missing" });
    expect(await checkMediaLink(key, new URLSearchParams("expires=abc&signature=x"), secret, now)).toEqual({ ok: false, reason: "invalid" });
    const valid = await query(key, now / 1000 + 60);
    expect(await checkMediaLink(key, valid, "another-secret-of-the-same-kind-000000", now)).toEqual({ ok: false, reason: "invalid" });
  });
});
