import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { DeliverDeps } from "./deliver-webhook";
import { deliverWebhook } from "./deliver-webhook";
import { webhookSecretFor } from "./webhook-signing";

const secret = await webhookSecretFor("wan-edge-test-server-secret-0123456789", "dev");
const body = JSON.stringify({ type: "job.completed", timestamp: "2026-11-24T12:00:00.000Z", data: { id: "job_1" } });
const delivery = { url: "https://app.example/hooks/wan", id: "msg_job_1_completed", body, secret };

/** A clock that advances 7 ms per reading, so durations are deterministic. */
function clock(start = Date.now()) {
  let now = start;
  return () => (now += 7) - 7;
}

interface Sent {
  url: string;
  init: RequestInit;
}

function fetchAnswering(respond: (signal: AbortSignal) => Response | Promise<Response>, sent: Sent[] = []): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push({ url: String(input), init: init! });
    return respond(init!.signal!);
  }) as typeof fetch;
}

const deps = (fetcher: typeof fetch, extra: Partial<DeliverDeps> = {}): DeliverDeps => ({ fetch: fetcher, now: clock(), ...extra });

describe("deliverWebhook", () => {
  it("POSTs the body once, signed so a Standard Webhooks verifier accepts it, without following redirects", async () => {
    const sent: Sent[] = [];
    const result = await deliverWebhook(delivery, deps(fetchAnswering(() => new Response(null, { status: 204 }), sent)));
    expect(result).toEqual({ outcome: "delivered", status: 204, error: null, durationMs: 7 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(delivery.url);
    expect(sent[0]!.init).toMatchObject({ method: "POST", body, redirect: "manual" });
    const headers = sent[0]!.init.headers as Record<string, string>;
    expect(headers).toMatchObject({ "webhook-id": delivery.id, "content-type": "application/json" });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("signs with the attempt's own timestamp", async () => {
    const sent: Sent[] = [];
    const start = Date.parse("2026-11-24T12:00:00.000Z");
    await deliverWebhook(delivery, deps(fetchAnswering(() => new Response("ok"), sent), { now: clock(start) }));
    expect((sent[0]!.init.headers as Record<string, string>)["webhook-timestamp"]).toBe(String(start / 1000));
  });

  it.each([
    [200, "delivered", null],
    [410, "gone", "HTTP 410: endpoint removed"],
    [500, "retry", "HTTP 500: endpoint removed"],
    [404, "retry", "HTTP 404: endpoint removed"],
  ] as const)("answers HTTP %d → %s", async (status, outcome, error) => {
    const result = await deliverWebhook(delivery, deps(fetchAnswering(() => new Response("endpoint\nremoved", { status }))));
    expect(result).toMatchObject({ outcome, status, error });
  });

  it("treats a redirect as a failed attempt and names where it pointed", async () => {
    const sent: Sent[] = [];
    const redirect = () => new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest" } });
    const result = await deliverWebhook(delivery, deps(fetchAnswering(redirect, sent)));
    expect(result).toMatchObject({ outcome: "retry", status: 302, error: "HTTP 302 redirect to http://169.254.169.254/latest (redirects are not followed)" });
    expect(sent).toHaveLength(1);
  });

  it("gives up waiting after the timeout and retries later", async () => {
    const hang = (signal: AbortSignal) =>
      new Promise<Response>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
    const result = await deliverWebhook(delivery, deps(fetchAnswering(hang), { timeoutMs: 20 }));
    expect(result).toMatchObject({ outcome: "retry", status: null, error: "no response within 0.02 s" });
  });

  it("records a network error without throwing", async () => {
    const refuse = (() => Promise.reject(new TypeError("Network connection lost."))) as unknown as typeof fetch;
    const result = await deliverWebhook(delivery, deps(refuse));
    expect(result).toMatchObject({ outcome: "retry", status: null, error: "network error: Network connection lost." });
  });

  it("never throws, even when fetch throws a non-error", async () => {
    const broken = (() => {
      throw "boom";
    }) as unknown as typeof fetch;
    expect(await deliverWebhook(delivery, deps(broken))).toMatchObject({ outcome: "retry", status: null, error: "network error: boom" });
  });

  it("records a secret it cannot sign with as a failed attempt, sending nothing", async () => {
    const sent: Sent[] = [];
    const result = await deliverWebhook({ ...delivery, secret: "whsec_***" }, deps(fetchAnswering(() => new Response(null), sent)));
    expect(result).toMatchObject({ outcome: "retry", status: null, error: "the delivery could not be signed" });
    expect(sent).toEqual([]);
  });

  it("reads only a few KB of an endless answer and cancels the rest", async () => {
    let pulled = 0;
    let canceled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1024;
        controller.enqueue(new Uint8Array(1024).fill(120));
      },
      cancel() {
        canceled = true;
      },
    });
    const result = await deliverWebhook(delivery, deps(fetchAnswering(() => new Response(endless, { status: 503 }))));
    expect(result.outcome).toBe("retry");
    expect(result.error).toMatch(/^HTTP 503: x{200}…$/);
    expect(pulled).toBeLessThanOrEqual(8 * 1024);
    expect(canceled).toBe(true);
  });

  it("still decides from the status when the answer's body hangs past the timeout", async () => {
    const stalled = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const result = await deliverWebhook(delivery, deps(fetchAnswering(() => new Response(stalled, { status: 500 })), { timeoutMs: 20 }));
    expect(result).toMatchObject({ outcome: "retry", status: 500, error: "HTTP 500" });
  });
});
