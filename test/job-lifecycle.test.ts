import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { JobObject } from "../src/jobs/job-object";
import { callbackToken } from "../src/lib/tokens";
import { emulatorLog, emulatorTask, gateway, getJob, image, jobStub, mp4Boxes, resetEmulator, setFaults, sha256Hex, submit, waitForJob } from "./helpers";

afterEach(resetEmulator);

async function eventTypes(id: string): Promise<string[]> {
  const events = await jobStub(id).events("dev");
  return (events ?? []).map((event) => event.type);
}

async function callback(id: string, body: unknown, token?: string) {
  const secret = "wan-edge-development-server-secret-not-for-production";
  return gateway(`/callbacks/evolink/${id}/${token ?? (await callbackToken(secret, id))}`, { method: "POST", key: null, body: JSON.stringify(body) });
}

describe("a wan2.7-i2v job end to end", () => {
  it("completes by callback: R2 holds a valid MP4 with the reported SHA-256", async () => {
    const { response, json } = await submit({ first_frame: image, prompt: "a cat plays piano", seed: 42 });
    expect(response.status).toBe(202);
    expect(json.status).toBe("running");
    expect(json.provider).toBe("evolink");
    expect(json.attempts).toEqual([expect.objectContaining({ provider: "evolink", upstream_id: expect.stringMatching(/^task-unified-\d+-[a-z0-9]{8}$/), status: "running" })]);

    const job = await waitForJob(json.id);
    expect(job.status).toBe("completed");
    expect(job.progress).toBe(100);
    expect(job.completed_at).not.toBeNull();
    expect(job.outputs).toHaveLength(1);
    const [output] = job.outputs;
    expect(output).toMatchObject({ content_type: "video/mp4", index: 0 });
    expect(output!.url).toMatch(/^http:\/\/gateway\.test\/media\/outputs\//);

    // the callback was the trigger: a hint, then the re-read that saw completion
    expect(await eventTypes(json.id)).toContain("callback");
    const upstream = await emulatorTask(job.attempts[0]!.upstream_id!);
    expect(output!.sha256).toBe(upstream.output_sha256[0]);
    expect(output!.bytes).toBe(upstream.output_bytes[0]);

    const media = await gateway(new URL(output!.url).pathname, { key: null });
    expect(media.status).toBe(200);
    const bytes = new Uint8Array(await media.arrayBuffer());
    expect(await sha256Hex(bytes)).toBe(output!.sha256);
    expect(mp4Boxes(bytes).map(([type]) => type)).toEqual(expect.arrayContaining(["ftyp", "moov", "mdat"]));
    expect(mp4Boxes(bytes)[0]![0]).toBe("ftyp");
    // the provider's URL never appears in the job
    expect(JSON.stringify(job)).not.toContain("emulator.test");
  });

  it("completes by polling alone when every callback is dropped", async () => {
    await setFaults({ provider: "evolink", callback_drop_rate: 1 });
    const { json } = await submit();
    const job = await waitForJob(json.id);
    expect(job.status).toBe("completed");
    const types = await eventTypes(json.id);
    expect(types).not.toContain("callback");
    expect(types.filter((type) => type === "observed").length).toBeGreaterThan(0);
  });

  it("404s a callback with a wrong token and changes nothing", async () => {
    await setFaults({ provider: "evolink", callback_drop_rate: 1, duration_ms: 60_000 });
    const { json } = await submit();
    const before = await eventTypes(json.id);
    const response = await callback(json.id, { id: json.attempts[0]!.upstream_id, status: "completed", results: ["https://evil.example/x.mp4"] }, "forged-token");
    expect(response.status).toBe(404);
    expect(await eventTypes(json.id)).toEqual(before);
    expect((await getJob(json.id)).status).toBe("running");
  });

  it("does not believe a lying callback body: nothing changes until EvoLink agrees", async () => {
    await setFaults({ provider: "evolink", callback_drop_rate: 1, duration_ms: 3_000 });
    const { json } = await submit();
    const upstreamId = json.attempts[0]!.upstream_id!;
    const response = await callback(json.id, { id: upstreamId, status: "completed", progress: 100, results: ["https://evil.example/fake.mp4"] });
    expect(response.status).toBe(204);
    // the hint made the job re-read the task, which is still in progress upstream
    await new Promise((resolve) => setTimeout(resolve, 300));
    const meanwhile = await getJob(json.id);
    expect(meanwhile.status).toBe("running");
    expect(meanwhile.outputs).toEqual([]);
    expect(await eventTypes(json.id)).toContain("callback");
    const log = await emulatorLog();
    expect(log.some((entry) => entry.method === "GET" && entry.path.endsWith(`/v1/tasks/${upstreamId}`))).toBe(true);

    const job = await waitForJob(json.id);
    expect(job.status).toBe("completed");
    expect(job.outputs[0]!.sha256).toBe((await emulatorTask(upstreamId)).output_sha256[0]);
  });

  it("moves updated_at only with sequence: steps after completed that nobody sees leave the job as it was read", async () => {
    // The first frame is on a host the poster step cannot reach: its variants step changes
    // nothing a client sees, and neither does the account's settlement.
    const { json } = await submit({ first_frame: image }, { provider: "evolink" });
    const job = await waitForJob(json.id);
    expect(job.status).toBe("completed");
    const deadline = Date.now() + 10_000;
    while (!(await eventTypes(json.id)).includes("variants_made") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await eventTypes(json.id)).toContain("variants_made");
    const again = await getJob(json.id);
    expect(again.sequence).toBe(job.sequence);
    expect(again.updated_at).toBe(again.completed_at);
    expect(again).toEqual(job);
  });

  it("ignores duplicated and out-of-order callbacks", async () => {
    await setFaults({ provider: "evolink", callback_duplicates: 3, callback_shuffle: true });
    const { json } = await submit();
    const job = await waitForJob(json.id);
    expect(job.status).toBe("completed");
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the stale copies arrive
    const again = await getJob(json.id);
    expect(again).toEqual(job);
    const stored = await env.MEDIA.list({ prefix: `outputs/${json.id}/` });
    expect(stored.objects).toHaveLength(1);
    expect((await eventTypes(json.id)).filter((type) => type === "output_copied")).toHaveLength(1);
  });

  it("retries a create that answered 503 at the only allowed provider, then completes", async () => {
    await setFaults({ provider: "evolink", submit_status: 503 });
    const { json } = await submit({ first_frame: image }, { provider: "evolink" });
    expect(json.status).toBe("queued");
    expect(json.attempts).toEqual([expect.objectContaining({ status: "failed", upstream_id: null, error: expect.objectContaining({ code: "upstream_unavailable" }) })]);
    await resetEmulator();
    const job = await waitForJob(json.id);
    expect(job.status).toBe("completed");
    expect(job.attempts.map((attempt) => attempt.status)).toEqual(["failed", "completed"]);
    const creates = (await emulatorLog()).filter((entry) => entry.method === "POST" && entry.path.endsWith("/v1/videos/generations"));
    expect(creates.length).toBeGreaterThanOrEqual(2);
  });

  it("fails a job at its deadline with a clear error", async () => {
    await setFaults({ provider: "evolink", duration_ms: 3_600_000, callback_drop_rate: 1 });
    const { json } = await submit();
    const stub = jobStub(json.id);
    await runInDurableObject(stub, (instance: JobObject) => {
      instance.now = () => Date.now() + 31 * 60_000;
    });
    await runDurableObjectAlarm(stub);
    const job = await getJob(json.id);
    expect(job.status).toBe("failed");
    expect(job.error).toEqual({ code: "deadline_exceeded", message: "The job did not finish within its 1800 s deadline.", retryable: true });
    expect(job.attempts[0]!.status).toBe("abandoned");
  });

  it("survives eviction of its Durable Object mid-job", async () => {
    await setFaults({ provider: "evolink", callback_drop_rate: 1, duration_ms: 1_500 });
    const { json } = await submit();
    const stub = jobStub(json.id);
    await runInDurableObject(stub, (instance: JobObject) => {
      Object.assign(instance, { marker: "in-memory only" });
    });
    // Tear every instance down, keeping storage (evictDurableObject() waits forever here on
    // an object with a pending alarm, so the harsher abort stands in for eviction).
    await abortAllDurableObjects();
    await runInDurableObject(jobStub(json.id), (instance: JobObject) => {
      expect((instance as unknown as { marker?: string }).marker).toBeUndefined(); // a fresh instance
    });
    expect((await getJob(json.id)).status).toBe("running"); // reloaded from SQLite
    const job = await waitForJob(json.id);
    expect(job.status).toBe("completed");
    expect(job.attempts).toHaveLength(1);
  });
});

describe("large outputs", () => {
  it("copies a 50 MB output without Content-Length into R2, two part buffers in memory", async () => {
    const size = 50 * 1024 * 1024;
    await setFaults({ provider: "evolink", media_bytes: size, media_no_length: true });
    const { json } = await submit({ first_frame: image, seed: 7 });
    const job = await waitForJob(json.id, undefined, 60_000);
    expect(job.status).toBe("completed");
    expect(job.outputs[0]!.bytes).toBe(size);
    expect(job.outputs[0]!.sha256).toBe((await emulatorTask(job.attempts[0]!.upstream_id!)).output_sha256[0]);
    const events = (await jobStub(json.id).events("dev"))!;
    const copied = JSON.parse(events.find((event) => event.type === "output_copied")!.detail!) as { peakBufferedBytes: number; multipart: boolean };
    expect(copied.multipart).toBe(true);
    expect(copied.peakBufferedBytes).toBeLessThanOrEqual(16 * 1024 * 1024);
    const head = await env.MEDIA.head(new URL(job.outputs[0]!.url).pathname.slice("/media/".length));
    expect(head?.size).toBe(size);
  });

  it("copies a 50 MB output with Content-Length by piping (two 1 MiB blocks in memory)", async () => {
    const size = 50 * 1024 * 1024;
    await setFaults({ provider: "evolink", media_bytes: size });
    const { json } = await submit({ first_frame: image, seed: 8 });
    const job = await waitForJob(json.id, undefined, 60_000);
    expect(job.status).toBe("completed");
    expect(job.outputs[0]!.bytes).toBe(size);
    const events = (await jobStub(json.id).events("dev"))!;
    const copied = JSON.parse(events.find((event) => event.type === "output_copied")!.detail!) as { peakBufferedBytes: number; multipart: boolean };
    expect(copied.multipart).toBe(false);
    expect(copied.peakBufferedBytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    // Two reused blocks carried all of it: R2 holds the provider's bytes, byte for byte.
    const stored = await env.MEDIA.get(new URL(job.outputs[0]!.url).pathname.slice("/media/".length));
    expect(await sha256Hex(new Uint8Array(await stored!.arrayBuffer()))).toBe((await emulatorTask(job.attempts[0]!.upstream_id!)).output_sha256[0]);
  });

  it("retries a download cut mid-body and still completes", async () => {
    await setFaults({ provider: "evolink", media_bytes: 4 * 1024 * 1024, media_abort_rate: 0.5, seed: 3 });
    const { json } = await submit();
    const job = await waitForJob(json.id, undefined, 60_000);
    expect(job.status).toBe("completed");
    expect(job.outputs[0]!.sha256).toBe((await emulatorTask(job.attempts[0]!.upstream_id!)).output_sha256[0]);
  });

  it("aborts the multipart upload of a copy whose object died mid-copy, then copies again", async () => {
    await setFaults({ provider: "evolink", media_bytes: 120 * 1024 * 1024, media_no_length: true });
    const { json } = await submit({ first_frame: image, seed: 12 });
    // wait until the copy has recorded its multipart upload (before any part was sent)
    let upload: { key: string; upload_id: string } | null | undefined;
    for (let tries = 0; !upload; tries++) {
      if (tries > 400) throw new Error("the copy never started a multipart upload");
      upload = await runInDurableObject(jobStub(json.id), (instance: JobObject) => (instance as unknown as { job: { copy: { upload?: { key: string; upload_id: string } | null } | null } }).job.copy?.upload);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await abortAllDurableObjects(); // the instance dies mid-copy
    await setFaults({ provider: "evolink", media_bytes: 1024 * 1024 });
    await runDurableObjectAlarm(jobStub(json.id));
    const job = await waitForJob(json.id, undefined, 60_000);
    expect(job.status).toBe("completed");
    // the dead copy's upload is gone: nothing can complete it, and no object was left at its key
    const dead = env.MEDIA.resumeMultipartUpload(upload.key, upload.upload_id);
    await expect(dead.uploadPart(1, new Uint8Array(16))).rejects.toThrow();
    expect(await env.MEDIA.head(upload.key)).toBeNull();
    const left = (await env.MEDIA.list({ prefix: `outputs/${json.id}/` })).objects.map((object) => object.key);
    expect(left).toEqual([new URL(job.outputs[0]!.url).pathname.slice("/media/".length)]);
  });

  it("a job whose object dies before its first submit is done is submitted by its alarm", async () => {
    await setFaults({ provider: "evolink", submit_delay_ms: 2000 });
    const response = await gateway("/v1/jobs", { method: "POST", body: JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: image }, provider: "evolink" }) });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await abortAllDurableObjects(); // the create in flight dies with the instance
    await setFaults({ provider: "evolink" });
    expect((await getJob(id)).status).toBe("queued"); // reloaded, nothing lost
    const job = await waitForJob(id, (candidate) => candidate.status === "completed", 20_000);
    expect(job.attempts.map((attempt) => [attempt.provider, attempt.status])).toEqual([["evolink", "completed"]]);
    expect(await eventTypes(id)).toEqual(expect.arrayContaining(["created", "create_started"]));
  });
});
