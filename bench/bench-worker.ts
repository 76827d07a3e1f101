/**
 * The Worker the benchmarks run: the production gateway plus the ceilings it is compared
 * with, in the same runtime (never deployed).
 *
 * - `GET  /__bench/bare`       a bare Hono route (the ceiling for any request)
 * - `POST /__bench/do-write`   a bare route that creates a new Durable Object and inserts
 *                              one SQLite row (the ceiling for a submit)
 * - `POST /__bench/pipe?url=`  downloads `url` straight into `R2.put` with a known length
 *                              (the ceiling for the media copy)
 * - `POST /__bench/clear-media` deletes every object in the bucket, so each copy round starts
 *                              from the same empty local R2 (it slows down as it fills)
 */
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";
import type { Env } from "../src/env";
import gateway from "../src/index";

export * from "../src/index";

export class BenchObject extends DurableObject {
  async insert(value: string): Promise<number> {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, value TEXT)");
    this.ctx.storage.sql.exec("INSERT INTO rows (value) VALUES (?)", value);
    return 1;
  }
}

type BenchEnv = Env & { BENCH: DurableObjectNamespace<BenchObject> };

const bench = new Hono<{ Bindings: BenchEnv }>();
bench.get("/__bench/bare", (c) => c.json({ ok: true }));
bench.post("/__bench/do-write", async (c) => {
  const stub = c.env.BENCH.get(c.env.BENCH.newUniqueId());
  await stub.insert(await c.req.text());
  return c.json({ ok: true }, 202);
});
bench.post("/__bench/pipe", async (c) => {
  const started = Date.now();
  const response = await fetch(c.req.query("url")!);
  const length = Number(response.headers.get("content-length"));
  const fixed = new FixedLengthStream(length);
  const key = `bench/${crypto.randomUUID()}`;
  const [, object] = await Promise.all([response.body!.pipeTo(fixed.writable), c.env.MEDIA.put(key, fixed.readable)]);
  return c.json({ bytes: object?.size ?? 0, ms: Date.now() - started, key });
});

bench.post("/__bench/clear-media", async (c) => {
  let deleted = 0;
  for (;;) {
    const page = await c.env.MEDIA.list({ limit: 1000 });
    if (page.objects.length === 0) break;
    await c.env.MEDIA.delete(page.objects.map((object) => object.key));
    deleted += page.objects.length;
  }
  return c.json({ deleted });
});

export default {
  fetch(request: Request, env: BenchEnv, ctx: ExecutionContext) {
    if (new URL(request.url).pathname.startsWith("/__bench/")) return bench.fetch(request, env, ctx);
    return gateway.fetch(request, env, ctx);
  },
};
