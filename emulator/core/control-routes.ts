/**
 * @module control-routes
 * `/__control/*`: how tests, benchmarks and chaos runs steer and inspect the emulator
 * (../../shared/EMULATOR.md, "Control"). Answers are plain JSON; errors are
 * `{"error": "<message>"}` with 400, because the caller is a developer reading a failure.
 */
import { Hono } from "hono";
import type { EmulatorCore } from "./core";
import { parseFaultPlan } from "./fault-plan";
import type { Personality } from "./personality";
import { phaseAt } from "./task-store";

/** The listing shared by `GET /` and `GET /__control/health`. */
export function healthBody(personalities: readonly Personality[]) {
  return {
    ok: true,
    service: "wan-edge provider emulator",
    personalities: personalities.map(({ name, description }) => ({ name, prefix: `/${name}`, description })),
    control: [
      "PUT /__control/faults",
      "GET /__control/faults",
      "DELETE /__control/faults",
      "GET /__control/log",
      "GET /__control/tasks",
      "DELETE /__control/state",
    ],
  };
}

/** Mount at `/__control`. */
export function createControlRoutes(core: EmulatorCore, personalities: readonly Personality[]): Hono {
  const app = new Hono();

  app.get("/health", (c) => c.json(healthBody(personalities)));

  app.put("/faults", async (c) => {
    let input: unknown;
    try {
      input = await c.req.json();
    } catch {
      return c.json({ error: "the fault plan must be a JSON object" }, 400);
    }
    const parsed = parseFaultPlan(input, personalities);
    if (!parsed.ok) return c.json({ error: parsed.message }, 400);
    core.faults.set(parsed.provider, parsed.plan);
    if (parsed.plan.seed !== undefined) core.random.reseed(parsed.plan.seed);
    return c.json({ ok: true, faults: core.faults.snapshot() });
  });

  app.get("/faults", (c) => c.json(core.faults.snapshot()));

  app.delete("/faults", (c) => {
    core.faults.reset();
    core.random.reseed();
    return c.json({ ok: true });
  });

  app.get("/log", (c) => c.json(core.log.list()));

  app.get("/tasks", async (c) => {
    const now = core.now();
    const listing = [];
    // Sequential on purpose: hashing large outputs one at a time keeps memory flat.
    for (const task of core.tasks.list()) {
      const hashes: string[] = [];
      for (const file of task.outputs) hashes.push(await core.outputSha256(file));
      const phase = phaseAt(task, now);
      listing.push({
        provider: task.provider,
        id: task.id,
        status: phase.status,
        progress: phase.progress,
        created_at: task.createdAt,
        duration_ms: task.durationMs,
        fail_code: task.failure?.code ?? null,
        output_urls: task.outputs.map((file) => file.url),
        output_sha256: hashes,
        output_bytes: task.outputs.map((file) => file.spec.totalBytes),
        callback_url: task.callbackUrl,
        idempotency_key: task.idempotencyKey,
        create_answer: task.createAnswer,
        replays: task.replays,
        callbacks: task.callbacks,
        data: task.data,
      });
    }
    return c.json(listing);
  });

  app.delete("/state", (c) => {
    core.clearState();
    return c.json({ ok: true });
  });

  return app;
}
