import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { JobObject } from "../src/jobs/job-object";
import type { JobRecord } from "../src/jobs/job-types";
import type { JobView } from "../src/jobs/job-view";
import { emulatorLog, emulatorTask, gateway, image, jobStub, resetEmulator, setFaults, submit, waitForJob } from "./helpers";

afterEach(resetEmulator);

const lastFrame = "https://cdn.example.com/end.png";
const audio = "https://cdn.example.com/voice.mp3";

async function eventTypes(id: string): Promise<string[]> {
  return ((await jobStub(id).events("dev")) ?? []).map((event) => event.type);
}

describe("every provider completes a job through its own protocol", () => {
  it.each([
    ["dashscope", { first_frame: image, last_frame: lastFrame, driving_audio: audio, resolution: "1080p", seed: 0, watermark: true }],
    ["evolink", { first_clip: "https://cdn.example.com/clip.mp4", last_frame: lastFrame }],
    ["pixeldojo", { first_frame: image, last_frame: lastFrame, prompt: "waves" }],
    ["aimlapi", { first_frame: image, driving_audio: audio, prompt: "a cat plays piano", duration: 10 }],
    ["shortapi", { first_frame: image, driving_audio: audio }],
  ])("%s", async (provider, input) => {
    const { response, json } = await submit(input, { provider });
    expect(response.status, JSON.stringify(json)).toBe(202);
    const job = await waitForJob(json.id, undefined, 30_000);
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    expect(job.provider).toBe(provider);
    const upstream = await emulatorTask(job.attempts[0]!.upstream_id!);
    expect(upstream.provider).toBe(provider);
    expect(job.outputs[0]!.sha256).toBe(upstream.output_sha256[0]);
  });

  it.each(["evolink", "pixeldojo", "shortapi"])("%s by callback, and by polling when callbacks are lost", async (provider) => {
    // The callback (2 s in) races the backstop poll (1 s, then 3 s in): on a loaded machine
    // the poll can see the result first, and the late callback then changes nothing. So up
    // to three jobs, of which one must be hinted by its callback.
    let hinted = false;
    for (let tries = 0; tries < 3 && !hinted; tries++) {
      const byCallback = await waitForJob((await submit({ first_frame: image }, { provider })).json.id, undefined, 30_000);
      expect(byCallback.status).toBe("completed");
      hinted = (await eventTypes(byCallback.id)).includes("callback");
    }
    expect(hinted).toBe(true);

    await setFaults({ provider, callback_drop_rate: 1 });
    const byPolling = await waitForJob((await submit({ first_frame: image }, { provider })).json.id, undefined, 30_000);
    expect(byPolling.status).toBe("completed");
    expect(await eventTypes(byPolling.id)).not.toContain("callback");
  });
});

describe("routing", () => {
  it("never sends a last-frame request to AI/ML API, which cannot do it", async () => {
    const pinned = await submit({ first_frame: image, last_frame: lastFrame, prompt: "p" }, { provider: "aimlapi" });
    expect(pinned.response.status).toBe(422);
    expect(pinned.json.code).toBe("unsupported");
    expect(pinned.json.excluded).toEqual([{ provider: "aimlapi", reason: "mode first_last_frame is not supported" }]);

    // with every other provider failing to create, auto routing still never tries aimlapi
    for (const provider of ["dashscope", "evolink", "pixeldojo", "shortapi"]) await setFaults({ provider, submit_status: 503 });
    const before = (await emulatorLog()).length;
    const { json } = await submit({ first_frame: image, last_frame: lastFrame, prompt: "p" });
    expect(json.attempts.map((attempt) => attempt.provider).sort()).toEqual(["dashscope", "evolink", "pixeldojo", "shortapi"]);
    const tried = (await emulatorLog()).slice(before).map((entry) => entry.provider);
    expect(tried).not.toContain("aimlapi");
  });

  it("lists the models with their schema, and each provider's features and price", async () => {
    const response = await gateway("/v1/models");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Array<{ id: string; input_schema: { properties: Record<string, unknown> }; providers: Array<{ id: string; configured: boolean; features: { modes: string[] }; price: unknown }> }> };
    const i2v = body.data.find((model) => model.id === "wan2.7-i2v")!;
    expect(Object.keys(i2v.input_schema.properties)).toEqual(expect.arrayContaining(["first_frame", "duration", "mode"]));
    expect(i2v.providers.map((provider) => provider.id)).toEqual(["dashscope", "evolink", "pixeldojo", "aimlapi", "shortapi"]);
    expect(i2v.providers.find((provider) => provider.id === "aimlapi")!.features.modes).toEqual(["first_frame"]);
    expect(i2v.providers.find((provider) => provider.id === "shortapi")!.price).toEqual({ per_second_usd: { "720p": 0.085, "1080p": 0.085 }, source: "published", note: null, version: "builtin-2026-11-30" });
    expect(i2v.providers.every((provider) => provider.configured)).toBe(true);
    expect((await gateway("/v1/models", { key: null })).status).toBe(401);
  });
});

describe("failover", () => {
  it("completes on B when A answers 503 on create, with both in attempts[]", async () => {
    await setFaults({ provider: "evolink", submit_status: 503 });
    const { json } = await submit({ first_frame: image }, { provider: ["evolink", "shortapi"] });
    expect(json.status).toBe("running");
    expect(json.attempts.map((attempt) => [attempt.provider, attempt.status])).toEqual([["evolink", "failed"], ["shortapi", "running"]]);
    const job = await waitForJob(json.id, undefined, 30_000);
    expect(job.status).toBe("completed");
    expect(job.provider).toBe("shortapi");
    expect(job.usage.estimated_cost_usd).toBe(0.425); // ShortAPI's $0.085/s × 5 s
  });

  it("resubmits to B when A accepts and then fails retryably", async () => {
    await setFaults({ provider: "evolink", fail_rate: 1, fail_code: "service_error" });
    const { json } = await submit({ first_frame: image }, { provider: ["evolink", "shortapi"] });
    const job = await waitForJob(json.id, undefined, 30_000);
    expect(job.status).toBe("completed");
    expect(job.attempts.map((attempt) => [attempt.provider, attempt.status, attempt.error?.code ?? null])).toEqual([
      ["evolink", "failed", "upstream_generation_failed"],
      ["shortapi", "completed", null],
    ]);
  });

  it("abandons a task stuck at A and completes with the first result; A's result is billed, never hidden", async () => {
    await setFaults({ provider: "evolink", duration_ms: 3_000 });
    const { json } = await submit({ first_frame: image }, { provider: ["evolink", "shortapi"] });
    const evolinkTask = json.attempts[0]!.upstream_id!;
    // Time travel for this one attempt: its start deadline has passed while still pending.
    const stub = jobStub(json.id);
    await runInDurableObject(stub, async (instance: JobObject) => {
      const state = instance as unknown as { job: JobRecord };
      const attempts = state.job.attempts.map((attempt, index) => (index === 0 ? { ...attempt, start_deadline_at: Date.now() - 1, due: { tries: 0, due_at: Date.now() + 60_000 } } : attempt));
      state.job = { ...state.job, attempts };
    });
    await runDurableObjectAlarm(stub);
    const job = await waitForJob(json.id, undefined, 30_000);
    expect(job.status).toBe("completed");
    expect(job.attempts.map((attempt) => attempt.provider)).toEqual(["evolink", "shortapi"]);
    // First finished wins: the outputs are that attempt's file, whichever it was.
    const winner = job.attempts.find((attempt) => attempt.provider === job.provider)!;
    expect(job.outputs[0]!.sha256).toBe((await emulatorTask(winner.upstream_id!)).output_sha256[0]);

    // A finishes anyway (EvoLink cannot cancel): the job is unchanged but A is counted as billed.
    await waitFor(async () => (await emulatorTask(evolinkTask)).status === "completed");
    await runDurableObjectAlarm(stub);
    await waitFor(async () => (await gateway(`/v1/jobs/${json.id}`).then((response) => response.json() as Promise<JobView>)).usage.billed_attempts === 2);
    const after = (await gateway(`/v1/jobs/${json.id}`).then((response) => response.json())) as JobView;
    expect(after.outputs).toEqual(job.outputs);
    expect(after.attempts.map((attempt) => attempt.status)).toEqual(["completed", "completed"]);
  });

  it("cancels an abandoned task upstream where the provider allows it", async () => {
    await setFaults({ provider: "dashscope", duration_ms: 20_000 });
    const { json } = await submit({ first_frame: image }, { provider: ["dashscope", "evolink"] });
    const stub = jobStub(json.id);
    await runInDurableObject(stub, async (instance: JobObject) => {
      const state = instance as unknown as { job: JobRecord };
      state.job = { ...state.job, attempts: [{ ...state.job.attempts[0]!, start_deadline_at: Date.now() - 1, due: { tries: 0, due_at: Date.now() + 60_000 } }] };
    });
    await runDurableObjectAlarm(stub);
    expect(await eventTypes(json.id)).toContain("upstream_cancel");
    expect((await emulatorTask(json.attempts[0]!.upstream_id!)).status).toMatch(/cancel/i);
    expect((await waitForJob(json.id, undefined, 30_000)).provider).toBe("evolink");
  });

  it("maps every provider's out-of-credit answer to one code, trying each once", async () => {
    for (const provider of ["dashscope", "evolink", "pixeldojo", "aimlapi", "shortapi"]) await setFaults({ provider, credit_exhausted: true });
    const { json } = await submit({ first_frame: image, prompt: "p" });
    expect(json.status).toBe("failed");
    expect(json.error?.code).toBe("upstream_out_of_credit");
    expect(json.attempts.map((attempt) => attempt.error?.code)).toEqual(Array(5).fill("upstream_out_of_credit"));
    expect(new Set(json.attempts.map((attempt) => attempt.provider)).size).toBe(5);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("DashScope's account-wide query limit", () => {
  it("keeps task reads under 20 per second however many jobs poll", async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, async (_, index) => (await submit({ first_frame: image, seed: 900 + index }, { provider: "dashscope" })).json.id));
    const jobs = await Promise.all(ids.map((id) => waitForJob(id, undefined, 40_000)));
    expect(jobs.every((job) => job.status === "completed")).toBe(true);
    const reads = (await emulatorLog())
      .filter((entry) => entry.provider === "dashscope" && entry.method === "GET" && entry.path.includes("/api/v1/tasks/"))
      .map((entry) => (typeof entry.at === "number" ? entry.at : Date.parse(entry.at)))
      .sort((a, b) => a - b);
    expect(reads.length).toBeGreaterThanOrEqual(30);
    for (let index = 20; index < reads.length; index++) expect(reads[index]! - reads[index - 20]!).toBeGreaterThanOrEqual(1000);
  }, 60_000);
});
