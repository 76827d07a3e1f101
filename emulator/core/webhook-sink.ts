/**
 * @module webhook-sink
 * `/__control/webhooks/{name}`: a stand-in webhook receiver, so tests and `npm start` can
 * watch wan-edge's outbound webhooks arrive (and make them fail) without a server of their
 * own. Not a provider protocol; development only.
 *
 * - `PUT  /__control/webhooks/{name}` `{"fail": n, "status": 500|410, "delay_ms": n}`:
 *   answer the next `n` deliveries with `status` (default 500), optionally slowly.
 * - `POST /__control/webhooks/{name}`: a delivery; recorded, then 2xx (or the planned failure).
 * - `GET  /__control/webhooks/{name}`: every delivery received, with its headers and body.
 */
import { Hono } from "hono";

interface Received {
  at: number;
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Plan {
  fail: number;
  status: number;
  delayMs: number;
}

export function createWebhookSink(now: () => number): Hono {
  const app = new Hono();
  const received = new Map<string, Received[]>();
  const plans = new Map<string, Plan>();

  app.put("/:name", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { fail?: unknown; status?: unknown; delay_ms?: unknown };
    const fail = Number(body.fail ?? 0);
    const status = Number(body.status ?? 500);
    const delayMs = Number(body.delay_ms ?? 0);
    if (!Number.isInteger(fail) || fail < 0 || !Number.isInteger(status) || status < 200 || status > 599 || !(delayMs >= 0)) {
      return c.json({ error: "fail must be an integer ≥ 0, status an HTTP status, delay_ms ≥ 0" }, 400);
    }
    plans.set(c.req.param("name"), { fail, status, delayMs });
    return c.json({ ok: true });
  });

  app.post("/:name", async (c) => {
    const name = c.req.param("name");
    const plan = plans.get(name);
    const failing = plan !== undefined && plan.fail > 0;
    if (plan && failing) plan.fail -= 1;
    if (plan && plan.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, plan.delayMs));
    const status = failing ? plan!.status : 204;
    const list = received.get(name) ?? [];
    list.push({ at: now(), status, headers: Object.fromEntries(c.req.raw.headers), body: await c.req.text() });
    received.set(name, list);
    return status === 204 ? c.body(null, 204) : c.json({ error: "planned failure" }, status as 500);
  });

  app.get("/:name", (c) => c.json(received.get(c.req.param("name")) ?? []));
  return app;
}
