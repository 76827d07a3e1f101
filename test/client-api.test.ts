import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { JobJson } from "./helpers";
import { emulator, emulatorLog, gateway, getJob, image, jobStub, otherKey, resetEmulator, setFaults, submit, waitForJob } from "./helpers";

afterEach(resetEmulator);

const body = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: image, prompt: "idempotent cat" }, provider: "evolink", ...extra });

describe("Idempotency-Key", () => {
  it("two concurrent POSTs with one key create one job and one upstream task", async () => {
    const key = `key-${crypto.randomUUID()}`;
    const before = (await emulatorLog()).filter((entry) => entry.method === "POST").length;
    const [first, second] = await Promise.all([
      gateway("/v1/jobs", { method: "POST", body: body(), headers: { "idempotency-key": key } }),
      gateway("/v1/jobs", { method: "POST", body: body(), headers: { "idempotency-key": key } }),
    ]);
    const [a, b] = [(await first.json()) as JobJson, (await second.json()) as JobJson];
    expect(a.id).toBe(b.id);
    expect([first.status, second.status].sort()).toEqual([200, 202]);
    const replay = first.status === 200 ? first : second;
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const creates = (await emulatorLog()).filter((entry) => entry.method === "POST").length - before;
    expect(creates).toBe(1);

    // a later retry with the same key and body returns the original job, submitting nothing
    const later = await gateway("/v1/jobs", { method: "POST", body: body(), headers: { "idempotency-key": key } });
    expect(later.status).toBe(200);
    expect(((await later.json()) as JobJson).id).toBe(a.id);
    expect((await emulatorLog()).filter((entry) => entry.method === "POST").length - before).toBe(1);
  });

  it("a retry that meets the first create in flight answers once the job is stored", async () => {
    await setFaults({ provider: "evolink", submit_delay_ms: 600 });
    const key = `key-${crypto.randomUUID()}`;
    const first = gateway("/v1/jobs", { method: "POST", body: body(), headers: { "idempotency-key": key } });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the first create is upstream now
    const retry = await gateway("/v1/jobs", { method: "POST", body: body(), headers: { "idempotency-key": key } });
    const original = await first;
    expect([original.status, retry.status]).toEqual([202, 200]);
    const [a, b] = [(await original.json()) as JobJson, (await retry.json()) as JobJson];
    expect(b.id).toBe(a.id);
    // the stored job: its attempt was written before the create left, so the retry sees it
    expect(b.attempts).toEqual([expect.objectContaining({ provider: "evolink", status: expect.stringMatching(/^(creating|running)$/) })]);
    await jobStub(a.id).settled();
    expect((await jobStub(a.id).events("dev"))!.map((event) => event.type)).toEqual(["created", "create_started", "created"]);
    expect((await emulatorLog()).filter((entry) => entry.method === "POST" && JSON.stringify(entry.body).includes(a.id))).toHaveLength(1);
  });

  it("the same key with a different body is 422 idempotency_mismatch", async () => {
    const key = `key-${crypto.randomUUID()}`;
    expect((await gateway("/v1/jobs", { method: "POST", body: body(), headers: { "idempotency-key": key } })).status).toBe(202);
    const other = await gateway("/v1/jobs", { method: "POST", body: body({ metadata: { changed: "yes" } }), headers: { "idempotency-key": key } });
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ code: "idempotency_mismatch" });
  });

  it("keys are per tenant", async () => {
    const key = `key-${crypto.randomUUID()}`;
    const mine = (await (await gateway("/v1/jobs", { method: "POST", body: body(), headers: { "idempotency-key": key } })).json()) as JobJson;
    const theirs = await gateway("/v1/jobs", { method: "POST", body: body(), key: otherKey, headers: { "idempotency-key": key } });
    expect(theirs.status).toBe(202);
    expect(((await theirs.json()) as JobJson).id).not.toBe(mine.id);
  });
});

describe("answering a submit", () => {
  it("answers with the upstream's acceptance when the create is quick: running, in one answer", async () => {
    const response = await gateway("/v1/jobs", { method: "POST", body: JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: image }, provider: "evolink" }) });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as JobJson;
    expect(accepted.status).toBe("running");
    expect(accepted.attempts).toEqual([expect.objectContaining({ provider: "evolink", status: "running", upstream_id: expect.any(String) })]);
    // stored with that outcome: a fresh instance reads the same
    // stored with that outcome, after the attempt was written ahead of the create
    expect((await jobStub(accepted.id).events("dev"))!.map((event) => event.type)).toEqual(["created", "create_started", "created"]);
  });

  it("lists a new job under the status it was answered with, also when the create left it queued", async () => {
    const listed = async (status: string) => ((await (await gateway(`/v1/jobs?status=${status}&limit=100`)).json()) as { data: JobJson[] }).data.map((job) => job.id);
    const running = (await (await gateway("/v1/jobs", { method: "POST", body: JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: image }, provider: "evolink" }) })).json()) as JobJson;
    expect(running.status).toBe("running");
    expect(await listed("running")).toContain(running.id);
    // A create answered 503 within the same millisecond leaves the job queued: the index
    // write made alongside the create (which guessed running) is corrected before the answer.
    await setFaults({ provider: "evolink", submit_status: 503 });
    const queued = (await (await gateway("/v1/jobs", { method: "POST", body: JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: image }, provider: "evolink" }) })).json()) as JobJson;
    expect(queued.status).toBe("queued");
    expect(await listed("queued")).toContain(queued.id);
    expect(await listed("running")).not.toContain(queued.id);
  });

  it("answers 202 queued after the answer budget (1 s) when the upstream create is slow, then submits", async () => {
    await setFaults({ provider: "evolink", submit_delay_ms: 3000 });
    const started = Date.now();
    const response = await gateway("/v1/jobs", { method: "POST", body: JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: image }, provider: "evolink" }) });
    expect(response.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(2500);
    const accepted = (await response.json()) as JobJson;
    // the attempt was written before the create left: it is visible while the create is in flight
    expect(accepted).toMatchObject({ status: "queued", attempts: [expect.objectContaining({ provider: "evolink", status: "creating", upstream_id: null })] });
    // listed at once (as queued), and then submitted by its own Durable Object
    const listed = async (status: string) => ((await (await gateway(`/v1/jobs?status=${status}&limit=100`)).json()) as { data: JobJson[] }).data.map((job) => job.id);
    expect(await listed("queued")).toContain(accepted.id);
    expect(await listed("running")).not.toContain(accepted.id);
    const running = await waitForJob(accepted.id, (job) => job.status !== "queued", 10_000);
    expect(running.attempts).toEqual([expect.objectContaining({ provider: "evolink", status: "running" })]);
    // the index follows the status change (written in the background)
    for (let tries = 0; !(await listed("running")).includes(accepted.id); tries++) {
      if (tries > 40) throw new Error("the listing never showed the job as running");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it("cancels the task a create in flight made, when the job is canceled meanwhile", async () => {
    await setFaults({ provider: "dashscope", submit_delay_ms: 2500, duration_ms: 30_000 });
    const response = await gateway("/v1/jobs", { method: "POST", body: JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: image }, provider: "dashscope" }) });
    const accepted = (await response.json()) as JobJson;
    const canceled = (await (await gateway(`/v1/jobs/${accepted.id}/cancel`, { method: "POST" })).json()) as JobJson;
    expect(canceled.status).toBe("canceled");
    expect(accepted.status).toBe("queued"); // answered after the 1 s budget, the create still in flight
    await jobStub(accepted.id).settled(); // the create returns after the cancel
    const events = (await jobStub(accepted.id).events("dev"))!;
    const cancel = events.find((event) => event.type === "upstream_cancel");
    expect(cancel).toBeDefined();
    const { upstream_id: upstreamId, ok } = JSON.parse(cancel!.detail!) as { upstream_id: string; ok: boolean };
    expect(ok).toBe(true);
    const tasks = (await (await emulator("/__control/tasks")).json()) as Array<{ id: string; status: string }>;
    expect(tasks.find((task) => task.id === upstreamId)?.status).toMatch(/cancel/i);
    expect((await emulatorLog()).filter((entry) => entry.path.endsWith(`/tasks/${upstreamId}/cancel`))).toHaveLength(1);
    expect((await getJob(accepted.id)).status).toBe("canceled");
  });
});

describe("Prefer: wait", () => {
  it("holds the response until the job is terminal and answers 200", async () => {
    const response = await gateway("/v1/jobs", { method: "POST", body: body(), headers: { prefer: "wait=20" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("preference-applied")).toBe("wait=20");
    expect(((await response.json()) as JobJson).status).toBe("completed");
  });

  it("answers 202 with the running job when the wait runs out", async () => {
    await setFaults({ provider: "evolink", duration_ms: 10_000 });
    const started = Date.now();
    const response = await gateway("/v1/jobs", { method: "POST", body: body(), headers: { prefer: "wait=1" } });
    expect(response.status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(((await response.json()) as JobJson).status).toBe("running");
  });
});

describe("cancel", () => {
  it("cancels a running job (202), upstream where the provider allows it, then 409", async () => {
    await setFaults({ provider: "dashscope", duration_ms: 30_000 });
    const { json } = await submit({ first_frame: image }, { provider: "dashscope" });
    const response = await gateway(`/v1/jobs/${json.id}/cancel`, { method: "POST" });
    expect(response.status).toBe(202);
    const canceled = (await response.json()) as JobJson;
    expect(canceled.status).toBe("canceled");
    expect(canceled.attempts[0]!.status).toBe("abandoned");
    const cancels = (await emulatorLog()).filter((entry) => entry.path.endsWith(`/tasks/${json.attempts[0]!.upstream_id}/cancel`));
    expect(cancels).toHaveLength(1);

    const again = await gateway(`/v1/jobs/${json.id}/cancel`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "conflict" });
  });

  it("cancels a queued job whose create keeps failing", async () => {
    await setFaults({ provider: "evolink", submit_status: 503 });
    const { json } = await submit({ first_frame: image }, { provider: "evolink" });
    expect(json.status).toBe("queued");
    const response = await gateway(`/v1/jobs/${json.id}/cancel`, { method: "POST" });
    expect(((await response.json()) as JobJson).status).toBe("canceled");
    await new Promise((resolve) => setTimeout(resolve, 1500)); // no retry happens after cancel
    expect((await getJob(json.id)).attempts).toHaveLength(1);
  });

  it("leaves no partial objects when canceled during the R2 copy", async () => {
    await setFaults({ provider: "evolink", media_bytes: 200 * 1024 * 1024, duration_ms: 500 });
    const { json } = await submit({ first_frame: image }, { provider: "evolink" });
    const copying = await waitForJob(json.id, (job) => job.progress === 99 || ["completed", "failed", "canceled"].includes(job.status), 20_000);
    expect(copying.status).toBe("running"); // upstream done, copy in flight
    const response = await gateway(`/v1/jobs/${json.id}/cancel`, { method: "POST" });
    expect(((await response.json()) as JobJson).status).toBe("canceled");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const left = await env.MEDIA.list({ prefix: `outputs/${json.id}/` });
    expect(left.objects).toEqual([]);
    expect((await getJob(json.id)).status).toBe("canceled");
  });

  it("409s a completed job", async () => {
    const { json } = await submit({ first_frame: image }, { provider: "evolink" });
    await waitForJob(json.id);
    expect((await gateway(`/v1/jobs/${json.id}/cancel`, { method: "POST" })).status).toBe(409);
  });
});

describe("live events", () => {
  async function readEvents(response: Response): Promise<string[]> {
    const text = await response.text();
    return text
      .split("\n\n")
      .filter((block) => block.includes("event: job"))
      .map((block) => (JSON.parse(block.split("\n").find((line) => line.startsWith("data: "))!.slice(6)) as JobJson).status);
  }

  it("streams queued → running → completed in order and ends after the terminal state", async () => {
    await setFaults({ provider: "evolink", submit_status: 503 });
    const { json } = await submit({ first_frame: image }, { provider: "evolink" });
    const response = await gateway(`/v1/jobs/${json.id}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    await resetEmulator();
    const statuses = await readEvents(response);
    const compact = statuses.filter((status, index) => status !== statuses[index - 1]);
    expect(compact).toEqual(["queued", "running", "completed"]);
  });

  it("gives a late client the current (terminal) state and ends", async () => {
    const { json } = await submit({ first_frame: image }, { provider: "evolink" });
    await waitForJob(json.id);
    expect(await readEvents(await gateway(`/v1/jobs/${json.id}/events`))).toEqual(["completed"]);
  });

  it("numbers every message with the job's sequence, and resumes after Last-Event-ID", async () => {
    const { json } = await submit({ first_frame: image }, { provider: "evolink" });
    await waitForJob(json.id);
    await jobStub(json.id).settled(); // the settlement and the poster come after `completed`, each a change
    const job = await getJob(json.id);
    const text = await (await gateway(`/v1/jobs/${json.id}/events`)).text();
    expect(text).toContain(`id: ${job.sequence}\nevent: job\n`);
    // a client that already saw this state is not sent it again
    expect(await readEvents(await gateway(`/v1/jobs/${json.id}/events`, { headers: { "last-event-id": String(job.sequence) } }))).toEqual([]);
    expect(await readEvents(await gateway(`/v1/jobs/${json.id}/events`, { headers: { "last-event-id": String(job.sequence - 1) } }))).toEqual(["completed"]);
  });
});

describe("tenant isolation", () => {
  it("another tenant's job id is a 404 on every job route", async () => {
    const { json } = await submit({ first_frame: image }, { provider: "evolink" });
    for (const [method, path] of [
      ["GET", `/v1/jobs/${json.id}`],
      ["POST", `/v1/jobs/${json.id}/cancel`],
      ["GET", `/v1/jobs/${json.id}/events`],
      ["GET", `/v1/jobs/${json.id}/deliveries`],
      ["POST", `/v1/jobs/${json.id}/deliveries/replay`],
    ] as const) {
      const response = await gateway(path, { method, key: otherKey });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await response.json()).toMatchObject({ code: "not_found" });
    }
    expect((await getJob(json.id)).status).not.toBe("canceled");
  });
});

describe("listing", () => {
  it("pages through 45 jobs newest first with no duplicate and no gap, filtering by status", async () => {
    const created: string[] = [];
    for (let index = 0; index < 45; index++) {
      await setFaults({ provider: "evolink", duration_ms: 3_600_000, callback_drop_rate: 1 });
      created.push((await submit({ first_frame: image }, { provider: "evolink" }, otherKey)).json.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await gateway(`/v1/jobs?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { key: otherKey });
      expect(response.status).toBe(200);
      const page = (await response.json()) as { data: JobJson[]; next_cursor: string | null };
      seen.push(...page.data.map((job) => job.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    const mine = seen.filter((id) => created.includes(id));
    expect(mine).toEqual([...created].reverse());
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBeGreaterThanOrEqual(5);

    const canceled = created[3]!;
    await gateway(`/v1/jobs/${canceled}/cancel`, { method: "POST", key: otherKey });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const filtered = (await (await gateway("/v1/jobs?status=canceled&limit=100", { key: otherKey })).json()) as { data: JobJson[] };
    expect(filtered.data.map((job) => job.id)).toContain(canceled);
    expect(filtered.data.every((job) => job.status === "canceled")).toBe(true);

    // another tenant's listing never shows them
    const theirs = (await (await gateway("/v1/jobs?limit=100")).json()) as { data: JobJson[] };
    expect(theirs.data.some((job) => created.includes(job.id))).toBe(false);
  });

  it("rejects a malformed cursor or limit with 400", async () => {
    expect((await gateway("/v1/jobs?cursor=not-a-cursor")).status).toBe(400);
    expect((await gateway("/v1/jobs?limit=0")).status).toBe(400);
    expect((await gateway("/v1/jobs?status=exploded")).status).toBe(400);
  });
});

describe("uploads as inputs", () => {
  const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="), (char) => char.charCodeAt(0));

  it("an uploaded PNG works as first_frame; a PNG declared as video/mp4 is refused", async () => {
    const upload = await gateway("/v1/uploads", { method: "POST", body: png, headers: { "content-type": "image/png" } });
    expect(upload.status).toBe(201);
    const file = (await upload.json()) as { url: string; content_type: string; bytes: number; sha256: string };
    expect(file).toMatchObject({ content_type: "image/png", bytes: png.length });
    expect(file.url).toMatch(/^http:\/\/gateway\.test\/media\//);
    expect((await gateway(new URL(file.url).pathname, { key: null })).status).toBe(200);

    const { response, json } = await submit({ first_frame: file.url }, { provider: "evolink" });
    expect(response.status).toBe(202);
    expect((await waitForJob(json.id)).status).toBe("completed");
    const sent = (await emulatorLog()).find((entry) => entry.method === "POST" && JSON.stringify(entry.body).includes(file.url));
    expect(sent).toBeDefined(); // the provider was given the permanent URL

    const lying = await gateway("/v1/uploads", { method: "POST", body: png, headers: { "content-type": "video/mp4" } });
    expect(lying.status).toBe(415);
  });
});
