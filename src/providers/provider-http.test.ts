import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import type { ProviderErrors } from "./provider-http";
import { callProvider, mediaUrls, progressPercent, providerRequest } from "./provider-http";

const context = (fetcher: typeof fetch, timeoutMs?: number) => ({ fetch: fetcher, baseUrl: "https://provider.example", apiKey: "sk-test", now: Date.now, timeoutMs });

describe("providerRequest", () => {
  it("sends JSON with the key as a Bearer token and parses the JSON answer", async () => {
    let sent: Request | undefined;
    const result = await providerRequest(context(async (input, init) => {
      sent = new Request(input, init);
      return Response.json({ id: "task-1" }, { status: 201 });
    }), "POST", "/v1/tasks", { body: { prompt: "a cat" } });
    expect(result).toMatchObject({ ok: true, value: { status: 201, body: { id: "task-1" } } });
    expect(sent!.url).toBe("https://provider.example/v1/tasks");
    expect(sent!.headers.get("authorization")).toBe("Bearer sk-test");
    expect(sent!.headers.get("content-type")).toBe("application/json");
    expect(await sent!.json()).toEqual({ prompt: "a cat" });
  });

  it("reports a provider that does not answer in time as a retryable timeout", async () => {
    const hanging = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init!.signal!.addEventListener("abort", () => reject(init!.signal!.reason), { once: true }))) as typeof fetch;
    const result = await providerRequest(context(hanging, 20), "GET", "/v1/tasks/1");
    expect(result).toEqual({ ok: false, error: { kind: "timeout", message: "the provider did not answer in time", retryable: true } });
  });

  it("reports a body that stalls past the deadline as an answer without a body, not a hang", async () => {
    // As a real fetch does, the signal's abort ends the body it is still reading.
    const result = await providerRequest(context(async (_input, init) => {
      const stalled = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"id":'));
          init!.signal!.addEventListener("abort", () => controller.error(init!.signal!.reason), { once: true });
        },
      });
      return new Response(stalled, { status: 200 });
    }, 20), "GET", "/v1/tasks/1");
    expect(result).toMatchObject({ ok: true, value: { status: 200, body: undefined } });
  });

  it("reports an unreachable provider as unavailable", async () => {
    const result = await providerRequest(context(async () => {
      throw new TypeError("connection refused");
    }), "GET", "/v1/tasks/1");
    expect(result).toMatchObject({ ok: false, error: { kind: "unavailable", retryable: true } });
  });
});

describe("callProvider", () => {
  const errors: ProviderErrors = {
    name: "Example",
    failure: (response) => ({ kind: "rejected", message: `refused with ${response.status}`, retryable: false, httpStatus: response.status }),
    failedInBody: (body) => typeof body === "object" && body !== null && "code" in body && body.code !== 0,
  };
  const schema = z.looseObject({ id: z.string() });
  const answering = (status: number, body: unknown) => context(async () => Response.json(body, { status }));

  it("reads a success that fits the schema", async () => {
    const result = await callProvider(answering(200, { id: "t-1", extra: true }), errors, { operation: "read", method: "GET", path: "/t" }, schema, (body) => body.id.toUpperCase());
    expect(result).toEqual({ ok: true, value: "T-1" });
  });

  it("hands an error status, or an error inside a 2xx body, to the provider's error map", async () => {
    expect(await callProvider(answering(404, { id: "x" }), errors, { operation: "read", method: "GET", path: "/t" }, schema, () => 1)).toEqual({ ok: false, error: { kind: "rejected", message: "refused with 404", retryable: false, httpStatus: 404 } });
    expect(await callProvider(answering(200, { code: 7, id: "x" }), errors, { operation: "create", method: "POST", path: "/t" }, schema, () => 1)).toMatchObject({ ok: false, error: { kind: "rejected", httpStatus: 200 } });
  });

  it("reports a 2xx it cannot read as a retryable protocol problem that keeps the status", async () => {
    const result = await callProvider(answering(201, { job: "?" }), errors, { operation: "create", method: "POST", path: "/t" }, schema, () => 1);
    expect(result).toEqual({ ok: false, error: { kind: "protocol", message: "Example's answer to the create was not understood", retryable: true, httpStatus: 201 } });
  });

  it("sends the call's headers and body, with its own timeout", async () => {
    let sent: Request | undefined;
    const hanging = context(async (input, init) => {
      sent = new Request(input, init);
      return new Promise<Response>((_resolve, reject) => init!.signal!.addEventListener("abort", () => reject(init!.signal!.reason), { once: true }));
    }, 60_000);
    const result = await callProvider(hanging, errors, { operation: "create", method: "POST", path: "/t", body: { a: 1 }, headers: { "Idempotency-Key": "k" }, timeoutMs: 20 }, schema, () => 1);
    expect(result).toMatchObject({ ok: false, error: { kind: "timeout", retryable: true } });
    expect(sent!.headers.get("idempotency-key")).toBe("k");
    expect(await sent!.json()).toEqual({ a: 1 });
  });
});

describe("reading helpers", () => {
  it("finds the http(s) URLs in every documented result shape", () => {
    expect(mediaUrls("https://a/1.mp4")).toEqual(["https://a/1.mp4"]);
    expect(mediaUrls({ url: "https://a/2.mp4" })).toEqual(["https://a/2.mp4"]);
    expect(mediaUrls([{ url: "https://a/3.png" }, "https://a/4.png", [{ url: "https://a/5.png" }]])).toEqual(["https://a/3.png", "https://a/4.png", "https://a/5.png"]);
    expect(mediaUrls(["data:image/png;base64,AAAA", "ftp://a/x", 7, null, { href: "https://a/6" }])).toEqual([]);
  });

  it("reads progress as a number or a percentage string", () => {
    expect(progressPercent(45)).toBe(45);
    expect(progressPercent("45%")).toBe(45);
    expect(progressPercent("120")).toBe(100);
    expect(progressPercent("soon")).toBeNull();
    expect(progressPercent(undefined)).toBeNull();
  });
});
