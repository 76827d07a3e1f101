import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { emulator, gateway, getJob, jobStub, resetEmulator, submit } from "./helpers";
import { completedWithVariants, fastForward, keyOf, keysUnder, uploadPng } from "./media-helpers";
import { newTenant } from "./tenant-helpers";

afterEach(resetEmulator);

const day = 86_400_000;
interface Job {
  id: string;
  status: string;
  created_at: string;
  outputs: Array<{ url?: string; sha256: string; thumbnail_url?: string; poster_url?: string }>;
  retention: { days: number } | null;
  expires_at: string | null;
  expired_at: string | null;
  deleted_at: string | null;
  media: { access: string; link_ttl_seconds: number };
}

const uploadStub = (id: string) => env.UPLOADS.get(env.UPLOADS.idFromName(id));
const served = async (url: string) => (await gateway(new URL(url).pathname, { key: null })).status;

describe("retention: a job's own alarm deletes its media at expiry", () => {
  it("removes outputs, poster and thumbnail after `retention.days`, keeps the record with expired_at, and tells the webhook", async () => {
    const upload = await uploadPng(64, 48);
    const name = `expired-${crypto.randomUUID()}`;
    const { json } = await submit({ first_frame: upload.url }, { provider: "evolink", retention: { days: 1 }, webhook: { url: `http://emulator.test/__control/webhooks/${name}`, events: ["job.deleted"] } });
    const job = (await completedWithVariants(json.id)) as unknown as Job;
    expect(job.retention).toEqual({ days: 1 });
    expect(Date.parse(job.expires_at!) - Date.parse(job.created_at)).toBe(day);
    const output = job.outputs[0]!;
    const links = [output.url!, output.poster_url!, output.thumbnail_url!];
    for (const link of links) expect(await served(link)).toBe(200);

    // A minute before its expiry nothing happens.
    await fastForward(jobStub(job.id), day - 60_000 - (Date.now() - Date.parse(job.created_at)));
    expect(((await getJob(job.id)) as unknown as Job).expired_at).toBeNull();
    expect(await keysUnder(`outputs/${job.id}/`)).toHaveLength(3);

    await fastForward(jobStub(job.id), 120_000);
    const expired = (await getJob(job.id)) as unknown as Job;
    expect(expired.status).toBe("completed");
    expect(expired.expired_at).toEqual(expect.any(String));
    expect(expired.deleted_at).toBeNull();
    expect(expired.outputs[0]!.url).toBeUndefined();
    expect(expired.outputs[0]!.sha256).toBe(output.sha256);
    expect(await keysUnder(`outputs/${job.id}/`)).toEqual([]);
    for (const link of links) expect(await served(link)).toBe(404);
    // The upload is not past its own expiry (30 days): it stays until then.
    expect(await served(upload.url)).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = ((await (await emulator(`/__control/webhooks/${name}`)).json()) as Array<{ body: string }>).map((delivery) => JSON.parse(delivery.body) as { type: string; data: Job });
    expect(events.map((event) => [event.type, event.data.expired_at])).toEqual([["job.deleted", expired.expired_at]]);
  });

  it("keeps media forever with `retention: null`, the default", async () => {
    const { json } = await submit({ first_frame: "https://cdn.example.com/cat.png" }, { provider: "evolink", retention: null });
    const job = (await completedWithVariants(json.id)) as unknown as Job;
    expect([job.retention, job.expires_at]).toEqual([null, null]);
    await fastForward(jobStub(job.id), 5000 * day);
    expect(((await getJob(job.id)) as unknown as Job).expired_at).toBeNull();
    expect(await served(job.outputs[0]!.url!)).toBe(200);
  });

  it("takes the tenant's defaults (its settings) where the request says nothing, and the request's word over them", async () => {
    const { key } = await newTenant({ retention_days: 3, media_access: "private" });
    const post = async (extra: Record<string, unknown>) => {
      const response = await gateway("/v1/jobs", { method: "POST", key, body: JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: "https://cdn.example.com/cat.png" }, provider: "evolink", ...extra }) });
      expect(response.status, await response.clone().text()).toBe(202);
      return (await response.json()) as Job;
    };
    const byDefault = await post({});
    expect([byDefault.retention, byDefault.media]).toEqual([{ days: 3 }, { access: "private", link_ttl_seconds: 3600 }]);
    const chosen = await post({ retention: null, media: { access: "public", link_ttl_seconds: 120 } });
    expect([chosen.retention, chosen.media]).toEqual([null, { access: "public", link_ttl_seconds: 120 }]);
    // A tenant without settings: public, kept forever.
    const plain = (await submit({ first_frame: "https://cdn.example.com/cat.png" }, { provider: "evolink" })).accepted as unknown as Job;
    expect([plain.retention, plain.media.access]).toEqual([null, "public"]);
  });

  it.each([
    [{ retention: { days: 0 } }, "retention.days"],
    [{ retention: { days: 1.5 } }, "retention.days"],
    [{ retention: { weeks: 1 } }, "retention.weeks"],
    [{ media: { access: "secret" } }, "media.access"],
    [{ media: { link_ttl_seconds: 10 } }, "media.link_ttl_seconds"],
    [{ media: { link_ttl_seconds: 8 * 86_400 } }, "media.link_ttl_seconds"],
  ])("refuses %j naming %s", async (extra, path) => {
    const { response, json } = await submit({ first_frame: "https://cdn.example.com/cat.png" }, extra);
    expect(response.status).toBe(400);
    expect((json.errors ?? []).map((error) => error.path)).toContain(path);
  });
});

describe("uploads expire after UPLOAD_RETENTION_DAYS unless a job still keeps them", () => {
  it("deletes an upload no job uses once its days are over", async () => {
    const upload = await uploadPng(8, 8);
    await fastForward(uploadStub(upload.id), 30 * day - 60_000);
    expect(await served(upload.url)).toBe(200);
    await fastForward(uploadStub(upload.id), 120_000);
    expect(await env.MEDIA.head(keyOf(upload.url))).toBeNull();
    expect(await served(upload.url)).toBe(404);
  });

  it("keeps an upload past its days while a job keeps its media, and deletes it when that job's media expire", async () => {
    const upload = await uploadPng(8, 8);
    const { json } = await submit({ first_frame: upload.url }, { provider: "evolink", retention: { days: 40 } });
    await completedWithVariants(json.id);
    await fastForward(uploadStub(upload.id), 31 * day);
    expect(await served(upload.url)).toBe(200); // past its own 30 days, but the job keeps it

    await fastForward(jobStub(json.id), 41 * day);
    expect(((await getJob(json.id)) as unknown as Job).expired_at).toEqual(expect.any(String));
    expect(await env.MEDIA.head(keyOf(upload.url))).toBeNull();
    expect(await served(upload.url)).toBe(404);
  });

  it("keeps an upload its own days when the job that used it expires first", async () => {
    const upload = await uploadPng(8, 8);
    const { json } = await submit({ first_frame: upload.url }, { provider: "evolink", retention: { days: 1 } });
    await completedWithVariants(json.id);
    await fastForward(jobStub(json.id), 2 * day);
    expect(((await getJob(json.id)) as unknown as Job).expired_at).toEqual(expect.any(String));
    expect(await served(upload.url)).toBe(200);
    await fastForward(uploadStub(upload.id), 30 * day + 60_000);
    expect(await served(upload.url)).toBe(404);
  });
});
