import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { JobJson } from "./helpers";
import { emulator, gateway, getJob, otherKey, resetEmulator, setFaults, submit, waitForJob } from "./helpers";
import { completedWithVariants, keyOf, keysUnder, uploadPng } from "./media-helpers";
import { eventually, newTenant, usage } from "./tenant-helpers";

afterEach(resetEmulator);

type Output = JobJson["outputs"][number] & { thumbnail_url?: string; poster_url?: string; width?: number; height?: number; duration_seconds?: number };

async function sink(name: string): Promise<Array<{ type: string; data: JobJson & { deleted_at: string | null } }>> {
  const received = (await (await emulator(`/__control/webhooks/${name}`)).json()) as Array<{ body: string }>;
  return received.map((delivery) => JSON.parse(delivery.body) as { type: string; data: JobJson & { deleted_at: string | null } });
}

async function deleteJob(id: string, key?: string): Promise<Response> {
  return gateway(`/v1/jobs/${id}`, { method: "DELETE", ...(key ? { key } : {}) });
}

describe("DELETE /v1/jobs/{id}", () => {
  it("removes every object of the job and the upload only it used; the record stays, without links", async () => {
    const upload = await uploadPng(640, 480);
    const name = `deleted-${crypto.randomUUID()}`;
    const { json } = await submit({ first_frame: upload.url }, { provider: "evolink", webhook: { url: `http://emulator.test/__control/webhooks/${name}`, events: ["job.completed", "job.deleted"] } });
    const job = await completedWithVariants(json.id);
    const output = job.outputs[0] as Output;
    expect(output.poster_url).toBeDefined();
    expect(output.thumbnail_url).toBeDefined();
    const links = [output.url, output.poster_url!, output.thumbnail_url!, upload.url];
    for (const link of links) {
      // Twice: the second read comes from this location's edge cache.
      expect((await gateway(new URL(link).pathname, { key: null })).status).toBe(200);
      expect((await gateway(new URL(link).pathname, { key: null })).headers.get("x-cache")).toBe("HIT");
    }
    expect((await keysUnder(`outputs/${job.id}/`)).sort()).toEqual([keyOf(output.url), keyOf(output.poster_url!), keyOf(output.thumbnail_url!)].sort());

    const response = await deleteJob(job.id);
    expect(response.status).toBe(200);
    const deleted = (await response.json()) as JobJson & { deleted_at: string | null; outputs: Output[] };
    expect(deleted.status).toBe("completed");
    expect(deleted.deleted_at).toEqual(expect.any(String));
    expect(deleted.outputs).toEqual([{ content_type: output.content_type, bytes: output.bytes, sha256: output.sha256, index: 0, width: output.width, height: output.height, duration_seconds: output.duration_seconds }]);

    // Nothing left in R2, and the Worker answers 404 for every link (this location's cache purged).
    expect(await keysUnder(`outputs/${job.id}/`)).toEqual([]);
    expect(await env.MEDIA.head(keyOf(upload.url))).toBeNull();
    for (const link of links) {
      const gone = await gateway(new URL(link).pathname, { key: null });
      expect(gone.status).toBe(404);
      expect(gone.headers.get("content-type")).toBe("application/problem+json");
    }
    expect((await getJob(job.id))["deleted_at"]).toBe(deleted.deleted_at);

    // Deleting again answers the same job.
    const again = await deleteJob(job.id);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { deleted_at: string }).deleted_at).toBe(deleted.deleted_at);

    await waitForJob(job.id, () => true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = await sink(name);
    expect(events.map((event) => event.type)).toEqual(["job.completed", "job.deleted"]);
    expect(events[1]!.data.deleted_at).toBe(deleted.deleted_at);
    expect(events[1]!.data.outputs[0]!.url).toBeUndefined();
  });

  it("keeps an upload another job of the tenant still uses, and deletes it with the last one", async () => {
    const upload = await uploadPng(32, 32);
    const first = (await submit({ first_frame: upload.url }, { provider: "evolink" })).json;
    const second = (await submit({ first_frame: upload.url }, { provider: "evolink" })).json;
    await completedWithVariants(first.id);
    await completedWithVariants(second.id);

    expect((await deleteJob(first.id)).status).toBe(200);
    expect(await keysUnder(`outputs/${first.id}/`)).toEqual([]);
    expect((await gateway(new URL(upload.url).pathname, { key: null })).status).toBe(200);

    expect((await deleteJob(second.id)).status).toBe(200);
    expect(await env.MEDIA.head(keyOf(upload.url))).toBeNull();
    expect((await gateway(new URL(upload.url).pathname, { key: null })).status).toBe(404);
  });

  it("is a 409 while the job runs (cancel first), and works once it is canceled", async () => {
    await setFaults({ provider: "evolink", duration_ms: 30_000 });
    const { json } = await submit({ first_frame: "https://cdn.example.com/cat.png" }, { provider: "evolink" });
    const refused = await deleteJob(json.id);
    expect(refused.status).toBe(409);
    const problem = (await refused.json()) as { code: string; detail: string; job: JobJson };
    expect(problem.code).toBe("conflict");
    expect(problem.detail).toContain("cancel it first");
    expect(problem.job.status).toBe("running");

    expect((await gateway(`/v1/jobs/${json.id}/cancel`, { method: "POST" })).status).toBe(202);
    const deleted = await deleteJob(json.id);
    expect(deleted.status).toBe(200);
    expect(((await deleted.json()) as { status: string; deleted_at: string | null }).deleted_at).toEqual(expect.any(String));
  });

  it("is a plain 404 for another tenant's job and for an unknown id", async () => {
    const { json } = await submit({ first_frame: "https://cdn.example.com/cat.png" }, { provider: "evolink" });
    await waitForJob(json.id);
    expect((await deleteJob(json.id, otherKey)).status).toBe(404);
    expect((await deleteJob("job_00000000000000000000000000")).status).toBe(404);
    expect((await deleteJob("nope")).status).toBe(404);
    expect((await getJob(json.id))["deleted_at"]).toBeNull();
    expect((await gateway(new URL(json.outputs[0]?.url ?? (await getJob(json.id)).outputs[0]!.url).pathname, { key: null })).status).toBe(200);
  });
});

describe("DELETE /v1/uploads/{id}", () => {
  it("deletes the file now: R2 has nothing, the link is a 404, the answer says when", async () => {
    const upload = await uploadPng(16, 16);
    expect((await gateway(new URL(upload.url).pathname, { key: null })).status).toBe(200);
    expect((await gateway(new URL(upload.url).pathname, { key: null })).headers.get("x-cache")).toBe("HIT");
    expect((await gateway(`/v1/uploads/${upload.id}`, { method: "DELETE", key: otherKey })).status).toBe(404);

    const response = await gateway(`/v1/uploads/${upload.id}`, { method: "DELETE" });
    expect(response.status).toBe(200);
    const deleted = (await response.json()) as { id: string; url?: string; deleted_at: string | null };
    expect(deleted).toMatchObject({ id: upload.id, deleted_at: expect.any(String) });
    expect(deleted.url).toBeUndefined();
    expect(await keysUnder(keyOf(upload.url).replace(/upload\.png$/, ""))).toEqual([]);
    expect((await gateway(new URL(upload.url).pathname, { key: null })).status).toBe(404);

    const again = await gateway(`/v1/uploads/${upload.id}`, { method: "DELETE" });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { deleted_at: string }).deleted_at).toBe(deleted.deleted_at);
  });

  it("is a 404 for an id nobody uploaded under, or one of the wrong shape", async () => {
    expect((await gateway("/v1/uploads/upl_00000000000000000000", { method: "DELETE" })).status).toBe(404);
    expect((await gateway("/v1/uploads/nope", { method: "DELETE" })).status).toBe(404);
  });
});

describe("the tenant's storage count", () => {
  it("counts outputs, posters, thumbnails and uploads, and forgets them once deleted", async () => {
    const { key } = await newTenant();
    const upload = await uploadPng(64, 48, key);
    const { json } = await submit({ first_frame: upload.url }, { provider: "evolink" }, key);
    await completedWithVariants(json.id, key);
    const held = await eventually(
      () => usage(key),
      (value) => value.storage.objects === 4,
    );
    expect(held.storage.by_kind).toMatchObject({ output: { objects: 3 }, upload: { objects: 1 } });

    expect((await deleteJob(json.id, key)).status).toBe(200);
    const after = await usage(key);
    expect([after.storage.objects, after.storage.bytes]).toEqual([0, 0]);
  });
});
