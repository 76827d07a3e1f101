import { describe, expect, it } from "vitest";
import { providerRequest } from "./provider-http";

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
