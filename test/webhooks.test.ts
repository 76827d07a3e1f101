import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import type { JobObject } from "../src/jobs/job-object";
import type { JobJson } from "./helpers";
import { emulator, gateway, image, jobStub, otherKey, resetEmulator, submit, waitForJob } from "./helpers";

afterEach(resetEmulator);

interface Received {
  at: number;
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function sink(name: string): Promise<Received[]> {
  return (await (await emulator(`/__control/webhooks/${name}`)).json()) as Received[];
}

async function planSink(name: string, plan: Record<string, unknown>): Promise<void> {
  await emulator(`/__control/webhooks/${name}`, { method: "PUT", body: JSON.stringify(plan), headers: { "content-type": "application/json" } });
}

async function secret(key?: string): Promise<string> {
  return ((await (await gateway("/v1/webhooks/secret", key ? { key } : {})).json()) as { secret: string }).secret;
}

async function deliveries(id: string) {
  return ((await (await gateway(`/v1/jobs/${id}/deliveries`)).json()) as { data: Array<{ id: string; type: string; state: string; attempts: Array<{ status: number | null; outcome: string }> }> }).data;
}

/** Moves the job's clock forward and runs its alarm, as many times as asked. */
async function fastForward(id: string, byMs: number): Promise<void> {
  const stub = jobStub(id);
  await runInDurableObject(stub, (instance: JobObject) => {
    const base = instance.now;
    instance.now = () => base() + byMs;
  });
  await runDurableObjectAlarm(stub);
}

describe("outbound webhooks", () => {
  it("numbers events with the job's sequence and never sends a running event after the terminal one", async () => {
    const name = `order-${crypto.randomUUID()}`;
    await planSink(name, { fail: 1, status: 500 }); // job.running fails once and would be retried in 5 s
    const { json } = await submit({ first_frame: image }, { provider: "evolink", webhook: { url: `http://emulator.test/__control/webhooks/${name}`, events: ["job.running", "job.completed"] } });
    await waitForJob(json.id);
    await fastForward(json.id, 60_000); // well past the retry of job.running
    await new Promise((resolve) => setTimeout(resolve, 300));
    const bodies = (await sink(name)).filter((delivery) => delivery.status < 300).map((delivery) => JSON.parse(delivery.body) as { type: string; sequence: number; data: JobJson });
    expect(bodies.map((body) => body.type)).toEqual(["job.completed"]);
    expect(bodies[0]!.sequence).toBe(bodies[0]!.data.sequence);
    const states = Object.fromEntries((await deliveries(json.id)).map((delivery) => [delivery.type, delivery.state]));
    expect(states).toEqual({ "job.running": "superseded", "job.completed": "delivered" });
  });

  it("signs every delivery so the standardwebhooks library verifies it, and sends job.completed after R2", async () => {
    const name = `ok-${crypto.randomUUID()}`;
    const { json } = await submit({ first_frame: image }, { provider: "evolink", webhook: { url: `http://emulator.test/__control/webhooks/${name}`, events: ["job.running", "job.completed"] } });
    const job = await waitForJob(json.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const received = await sink(name);
    expect(received.map((delivery) => (JSON.parse(delivery.body) as { type: string }).type)).toEqual(["job.running", "job.completed"]);
    const verifier = new Webhook(await secret());
    for (const delivery of received) {
      const payload = verifier.verify(delivery.body, delivery.headers) as { type: string; data: JobJson };
      expect(payload.data.id).toBe(job.id);
    }
    const completed = JSON.parse(received[1]!.body) as { data: JobJson };
    expect(completed.data.status).toBe("completed");
    expect(completed.data.outputs).toEqual(job.outputs); // the outputs were already in R2
    // a tampered body does not verify
    expect(() => verifier.verify(received[1]!.body.replace("completed", "failed"), received[1]!.headers)).toThrow();
  });

  it("retries a failing receiver with one webhook-id until it succeeds", async () => {
    const name = `flaky-${crypto.randomUUID()}`;
    await planSink(name, { fail: 3, status: 500 });
    const { json } = await submit({ first_frame: image }, { provider: "evolink", webhook: { url: `http://emulator.test/__control/webhooks/${name}` } });
    await waitForJob(json.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await sink(name)).length).toBe(1); // first attempt failed; the next is due in 5 s
    await fastForward(json.id, 5_000); // 2nd attempt
    await fastForward(json.id, 5_000 + 5 * 60_000); // 3rd after 5 min
    await fastForward(json.id, 5_000 + 35 * 60_000); // 4th after 30 min
    const received = await sink(name);
    expect(received.map((delivery) => delivery.status)).toEqual([500, 500, 500, 204]);
    expect(new Set(received.map((delivery) => delivery.headers["webhook-id"])).size).toBe(1);
    // Later attempts carry their own (fast-forwarded) timestamps: check each signature exactly.
    const signer = new Webhook(await secret());
    for (const delivery of received) {
      const expected = signer.sign(delivery.headers["webhook-id"]!, new Date(Number(delivery.headers["webhook-timestamp"]) * 1000), delivery.body);
      expect(delivery.headers["webhook-signature"]).toBe(expected);
    }
    const [log] = await deliveries(json.id);
    expect(log).toMatchObject({ type: "job.completed", state: "delivered" });
    expect(log!.attempts.map((attempt) => attempt.outcome)).toEqual(["retry", "retry", "retry", "delivered"]);
  });

  it("stops at 410 Gone", async () => {
    const name = `gone-${crypto.randomUUID()}`;
    await planSink(name, { fail: 5, status: 410 });
    const { json } = await submit({ first_frame: image }, { provider: "evolink", webhook: { url: `http://emulator.test/__control/webhooks/${name}` } });
    await waitForJob(json.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await fastForward(json.id, 24 * 3_600_000);
    expect((await sink(name)).map((delivery) => delivery.status)).toEqual([410]);
    expect((await deliveries(json.id))[0]).toMatchObject({ state: "gone" });
  });

  it("replays the latest event on request, with the same webhook-id", async () => {
    const name = `replay-${crypto.randomUUID()}`;
    const { json } = await submit({ first_frame: image }, { provider: "evolink", webhook: { url: `http://emulator.test/__control/webhooks/${name}` } });
    await waitForJob(json.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const response = await gateway(`/v1/jobs/${json.id}/deliveries/replay`, { method: "POST" });
    expect(response.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const received = await sink(name);
    expect(received).toHaveLength(2);
    expect(received[0]!.headers["webhook-id"]).toBe(received[1]!.headers["webhook-id"]);
  });

  it("a job without a webhook has no deliveries and nothing to replay (and no outbox tables)", async () => {
    const { json } = await submit({ first_frame: image }, { provider: "evolink" });
    const job = await waitForJob(json.id);
    expect(job.status).toBe("completed");
    expect(await deliveries(json.id)).toEqual([]);
    const replay = await gateway(`/v1/jobs/${json.id}/deliveries/replay`, { method: "POST" });
    expect(replay.status).toBe(409);
    await abortAllDurableObjects(); // a fresh instance reads the stored job the same way
    expect(await deliveries(json.id)).toEqual([]);
    const tables = await runInDurableObject(jobStub(json.id), (_instance, state) => state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray().map((row) => row.name));
    expect(tables).toEqual(expect.arrayContaining(["job", "job_events"]));
    expect(tables).not.toContain("deliveries");
  });

  it("gives each tenant its own secret", async () => {
    expect(await secret()).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    expect(await secret(otherKey)).not.toBe(await secret());
  });

  it.each([
    ["http://hooks.example.com/x", "https"],
    ["https://10.0.0.5/hook", "IP"],
    ["https://192.168.1.10/hook", "IP"],
    ["ftp://hooks.example.com/x", "https"],
  ])("refuses the webhook URL %s", async (url) => {
    const { response, json } = await submit({ first_frame: image }, { webhook: { url } });
    expect(response.status).toBe(400);
    expect(json.errors!.map((error) => error.path)).toEqual(["webhook.url"]);
  });
});
