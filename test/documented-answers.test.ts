/**
 * The providers' documented vocabularies, injected by the emulator's fault plan, against the
 * whole gateway (issue 12): no job waits for its deadline on a terminal upstream status, no
 * task is created again while one that may bill is alive, and no provider's refusal fails a
 * job another eligible provider can serve. Ends with a seeded mixed run over every provider.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobJson } from "./helpers";
import { emulator, image, resetEmulator, setFaults, submit, waitForJob } from "./helpers";

interface Task {
  provider: string;
  id: string;
  status: string;
  callback_url?: string | null;
  idempotency_key?: string | null;
}

beforeEach(async () => {
  await emulator("/__control/state", { method: "DELETE" });
});
afterEach(resetEmulator);

async function tasks(): Promise<Task[]> {
  return (await (await emulator("/__control/tasks")).json()) as Task[];
}

/** Submits and waits for the end, which must come long before the job's 30-minute deadline. */
async function run(input: Record<string, unknown>, provider: string | string[]): Promise<JobJson> {
  const started = Date.now();
  const { response, json } = await submit(input, { provider });
  expect(response.status, JSON.stringify(json)).toBe(202);
  const job = await waitForJob(json.id, undefined, 40_000);
  expect(Date.now() - started).toBeLessThan(40_000);
  return job;
}

const attempts = (job: JobJson) => job.attempts.map((attempt) => [attempt.provider, attempt.status]);

describe("terminal statuses end the attempt at once", () => {
  it("EvoLink `cancelled` fails over to the next provider", async () => {
    await setFaults({ provider: "evolink", cancel_rate: 1 });
    const job = await run({ first_frame: image }, ["evolink", "shortapi"]);
    expect(job.status).toBe("completed");
    expect(attempts(job)).toEqual([["evolink", "failed"], ["shortapi", "completed"]]);
    expect(job.attempts[0]!.upstream_status).toBe("cancelled");
    expect(job.attempts[0]!.error?.code).toBe("upstream_canceled");
  });

  it.each([
    ["CANCELED", { cancel_rate: 1 }],
    ["UNKNOWN", { forget_rate: 1 }],
  ])("DashScope `%s` fails over", async (status, faults) => {
    await setFaults({ provider: "dashscope", duration_ms: 1_500, ...faults });
    const job = await run({ first_frame: image }, ["dashscope", "evolink"]);
    expect(job.status).toBe("completed");
    expect(attempts(job)).toEqual([["dashscope", "failed"], ["evolink", "completed"]]);
    expect(job.attempts[0]!.upstream_status).toBe(status);
  });
});

describe("in-progress statuses are waited for, never resubmitted", () => {
  it("DashScope `SUSPENDED` keeps waiting and completes with the same task", async () => {
    await setFaults({ provider: "dashscope", suspend_ms: 4_000 });
    const job = await run({ first_frame: image }, ["dashscope", "evolink"]);
    expect(job.status).toBe("completed");
    expect(attempts(job)).toEqual([["dashscope", "completed"]]);
    expect((await tasks()).filter((task) => task.provider === "evolink")).toEqual([]);
  });

  it("AI/ML API `waiting` then `active` are in progress: one task, completed there", async () => {
    await setFaults({ provider: "aimlapi", status_vocabulary: "universal" });
    const job = await run({ first_frame: image, prompt: "a cat plays piano" }, ["aimlapi", "evolink"]);
    expect(job.status).toBe("completed");
    expect(attempts(job)).toEqual([["aimlapi", "completed"]]);
    expect((await tasks()).map((task) => task.provider)).toEqual(["aimlapi"]);
  });

  it("a status no adapter knows (PixelDojo `processing`) is read again, not failed over", async () => {
    await setFaults({ provider: "pixeldojo", status_vocabulary: "emulator", duration_ms: 2_500 });
    const job = await run({ first_frame: image }, ["pixeldojo", "evolink"]);
    expect(job.status).toBe("completed");
    expect(attempts(job)).toEqual([["pixeldojo", "completed"]]);
  });
});

describe("a provider's refusal excludes that provider, not the job", () => {
  it.each(["pixeldojo", "shortapi", "dashscope", "evolink"])("%s refusing the model: the next provider serves the job", async (refusing) => {
    await setFaults({ provider: refusing, create_rejection_rate: 1 });
    const other = refusing === "evolink" ? "shortapi" : "evolink";
    const job = await run({ first_frame: image }, [refusing, other]);
    expect(job.status).toBe("completed");
    expect(attempts(job)).toEqual([[refusing, "failed"], [other, "completed"]]);
    expect(job.attempts[0]!.error?.code).toBe("upstream_rejected");
  });

  it("fails only when every eligible provider refused, naming each reason", async () => {
    await setFaults({ provider: "pixeldojo", create_rejection_rate: 1 });
    await setFaults({ provider: "shortapi", create_rejection_rate: 1 });
    const job = await run({ first_frame: image }, ["pixeldojo", "shortapi"]);
    expect(job.status).toBe("failed");
    expect(job.error!.message).toMatch(/pixeldojo: .*model/i);
    expect(job.error!.message).toMatch(/shortapi: .*invalid model/i);
  });
});

describe("a create whose answer never arrives", () => {
  it("is sent again with the same key where the provider honours one: one task, never two", async () => {
    await setFaults({ provider: "evolink", submit_hang_rate: 1, submit_hang_ms: 0 });
    const job = await run({ first_frame: image }, ["evolink", "shortapi"]);
    expect(job.status).toBe("completed");
    const made = (await tasks()).filter((task) => task.callback_url?.includes(job.id));
    // Every task made for the job is one of its attempts: nothing is orphaned, the key held.
    const known = new Set(job.attempts.map((attempt) => attempt.upstream_id));
    expect(made.filter((task) => !known.has(task.id))).toEqual([]);
    expect(made.filter((task) => task.provider === "evolink")).toHaveLength(1);
  });
});

describe("a seeded mixed run over every documented vocabulary", () => {
  it("ends every job before its deadline, bills no job twice and fails none another provider could serve", async () => {
    const plans: Array<Record<string, unknown>> = [
      { provider: "evolink", cancel_rate: 0.3, seed: 11 },
      { provider: "dashscope", forget_rate: 0.2, cancel_rate: 0.2, suspend_ms: 1_000, suspend_rate: 0.3, seed: 12 },
      { provider: "aimlapi", status_vocabulary: "universal", seed: 13 },
      { provider: "pixeldojo", create_rejection_rate: 0.5, progress_format: "string", result_shape: "output", seed: 14 },
      { provider: "shortapi", create_rejection_rate: 0.3, result_shape: "images", seed: 15 },
    ];
    for (const plan of plans) await setFaults(plan);
    const everyone = ["pixeldojo", "shortapi", "evolink", "dashscope", "aimlapi"];
    const submitted = await Promise.all(
      Array.from({ length: 20 }, (_, index) => submit({ first_frame: image, prompt: "a cat plays piano", seed: 100 + index, duration: 5 }, { provider: [...everyone.slice(index % 5), ...everyone.slice(0, index % 5)] })),
    );
    const jobs = await Promise.all(submitted.map(({ json }) => waitForJob(json.id, undefined, 60_000)));
    const made = await tasks();
    for (const job of jobs) {
      expect(job.status, JSON.stringify(job.attempts)).toBe("completed");
      // Never billed twice: one attempt the provider completed, and it is the one used.
      expect(job.attempts.filter((attempt) => attempt.status === "completed")).toHaveLength(1);
      const used = job.attempts.find((attempt) => attempt.status === "completed")!;
      expect(made.find((task) => task.id === used.upstream_id)?.status).toBe("completed");
    }
  }, 90_000);
});
