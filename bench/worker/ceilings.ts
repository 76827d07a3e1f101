/**
 * @module bench/worker/ceilings — the bare routes the gateway is compared with, in the same
 * runtime: each does the least its gateway counterpart must do, and nothing else.
 *
 * - `GET  /__bench/bare`            a bare Hono route (the ceiling for any request)
 * - `POST /__bench/do-write`        creates a new Durable Object and inserts one SQLite row
 *                                   (the old submit ceiling, kept as a reference row)
 * - `POST /__bench/durable-submit`  the same durable work as a write-ahead submit, with no
 *                                   validation, routing, listing or job logic (`BenchObject.submit`);
 *                                   `?list=<tenant>` adds the tenant-index write, `&admit=<tenant>`
 *                                   the tenant account's admission (diagnostic rows)
 * - `POST /__bench/pipe?url=`       downloads `url` straight into `R2.put` with a known length
 *                                   (the ceiling for the media copy)
 * - `POST /__bench/clear-media`     deletes every object in the bucket
 */
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";
import type { Env } from "../../src/env";

export type BenchEnv = Env & { BENCH: DurableObjectNamespace<BenchObject>; BENCH_METER?: string };

export class BenchObject extends DurableObject<BenchEnv> {
  async insert(value: string): Promise<number> {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, value TEXT)");
    this.ctx.storage.sql.exec("INSERT INTO rows (value) VALUES (?)", value);
    return 1;
  }

  /**
   * What a write-ahead submit must make durable, in the order the job object makes it
   * (src/jobs/job-object.ts `create` and `perform`), and nothing more:
   * 1. the record, with a backstop alarm, in one commit — made durable before anything
   *    else happens (the job's listing call waits for it at the output gate; here `sync`);
   * 2. the create's intent (the attempt, with its idempotency key), with the alarm moved to
   *    the create's deadline, and `sync` — only then does the create leave;
   * 3. the provider's create (the emulator's EvoLink create, with the same key);
   * 4. its outcome and the alarm of the next read, committed before the answer (the output
   *    gate holds the RPC's return until the commit is durable, as it holds the job's).
   */
  async submit(body: string, key: string, listAs: string | null = null): Promise<string | null> {
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    sql.exec("CREATE TABLE IF NOT EXISTS record (id INTEGER PRIMARY KEY, body TEXT, created_at INTEGER)");
    sql.exec("CREATE TABLE IF NOT EXISTS attempts (id INTEGER PRIMARY KEY, idempotency_key TEXT, status TEXT, upstream_id TEXT)");
    sql.exec("INSERT INTO record (body, created_at) VALUES (?, ?)", body, now);
    await this.ctx.storage.setAlarm(now + 1_000);
    await this.ctx.storage.sync();
    // Diagnostic variant (bench/edge-probe.mjs): also list it in a tenant index, as the job does.
    if (listAs) {
      const stamp = new Date(now).toISOString();
      await this.env.TENANTS.get(this.env.TENANTS.idFromName(listAs)).upsert({ id: `bench_${this.ctx.id.toString().slice(0, 40)}`, created_at: stamp, status: "queued", updated_at: stamp });
    }
    sql.exec("INSERT INTO attempts (idempotency_key, status) VALUES (?, 'creating')", key);
    await this.ctx.storage.setAlarm(now + 20_000);
    await this.ctx.storage.sync();
    const response = await fetch(`${this.env.EVOLINK_BASE_URL}/v1/videos/generations`, {
      method: "POST",
      headers: { authorization: `Bearer ${this.env.EVOLINK_API_KEY}`, "content-type": "application/json", "idempotency-key": key },
      body,
      signal: AbortSignal.timeout(20_000),
    });
    const answer = (await response.json().catch(() => null)) as { id?: string } | null;
    sql.exec("UPDATE attempts SET status = ?, upstream_id = ? WHERE idempotency_key = ?", response.ok ? "running" : "failed", answer?.id ?? null, key);
    await this.ctx.storage.setAlarm(Date.now() + 5_000);
    return answer?.id ?? null;
  }

  /** The ceiling's objects are never woken again in a run; an alarm has nothing to do. */
  override async alarm(): Promise<void> {}
}

export const ceilings = new Hono<{ Bindings: BenchEnv }>();

ceilings.get("/__bench/bare", (c) => c.json({ ok: true }));

ceilings.post("/__bench/do-write", async (c) => {
  const stub = c.env.BENCH.get(c.env.BENCH.newUniqueId());
  await stub.insert(await c.req.text());
  return c.json({ ok: true }, 202);
});

ceilings.post("/__bench/durable-submit", async (c) => {
  const id = c.env.BENCH.newUniqueId();
  // Diagnostic variant: first the tenant account's admission (budget hold, rate limit: one
  // durable write in the tenant's own object, which every submit of the tenant goes through).
  const admitAs = c.req.query("admit");
  if (admitAs) await c.env.ACCOUNTS.get(c.env.ACCOUNTS.idFromName(admitAs)).admit({ job_id: `bench_${id.toString().slice(0, 40)}`, reserve_micros: 425_000, priced_reserve_micros: 425_000 });
  const upstreamId = await c.env.BENCH.get(id).submit(await c.req.text(), `${id.toString()}.1`, c.req.query("list") ?? null);
  return c.json({ id: id.toString(), upstream_id: upstreamId }, 202);
});

ceilings.post("/__bench/pipe", async (c) => {
  const started = Date.now();
  const response = await fetch(c.req.query("url")!);
  const length = Number(response.headers.get("content-length"));
  const fixed = new FixedLengthStream(length);
  const key = `bench/${crypto.randomUUID()}`;
  const [, object] = await Promise.all([response.body!.pipeTo(fixed.writable), c.env.MEDIA.put(key, fixed.readable)]);
  return c.json({ bytes: object?.size ?? 0, ms: Date.now() - started, key });
});

ceilings.post("/__bench/clear-media", async (c) => {
  let deleted = 0;
  for (;;) {
    const page = await c.env.MEDIA.list({ limit: 1000 });
    if (page.objects.length === 0) break;
    await c.env.MEDIA.delete(page.objects.map((object) => object.key));
    deleted += page.objects.length;
  }
  return c.json({ deleted });
});
