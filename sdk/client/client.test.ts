/**
 * The client inside workerd (so it runs in Workers, with no Node API): its SSE parser, its
 * resumption with Last-Event-ID, Standard Webhooks verification against the gateway's own
 * signer, and a job followed end to end through the gateway's default export.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signWebhook } from "../../src/webhooks/webhook-signing";
import { createClient, parseSse, verifyWebhook, WanEdgeError, WebhookVerificationError, type Job } from "./index";

const encoder = new TextEncoder();

/** A body that delivers `chunks` one read at a time. */
function chunked(chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(encoder.encode(next));
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>) {
  const messages = [];
  for await (const message of parseSse(body)) messages.push(message);
  return messages;
}

describe("parseSse", () => {
  it("reads fields, comments, multi-line data, ids and retry, whatever the line endings and chunking", async () => {
    const messages = await collect(chunked(["retry: 2000\r", "\nevent: job\r\ndata: {\"a\":", "1}\n\n: keep-alive\n\nid: 7\ndata: one\rdata:two\r\r", "data: no id here\n\n", "data: never dispatched"]));
    expect(messages).toEqual([
      { event: "job", data: '{"a":1}', lastEventId: null, retry: 2000 },
      { event: "message", data: "one\ntwo", lastEventId: "7", retry: null },
      { event: "message", data: "no id here", lastEventId: "7", retry: null },
    ]);
  });

  it("keeps a character split across chunks whole", async () => {
    const bytes = encoder.encode("data: é\n\n");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 7)); // splits the two bytes of é
        controller.enqueue(bytes.slice(7));
        controller.close();
      },
    });
    expect((await collect(stream)).map((message) => message.data)).toEqual(["é"]);
  });
});

describe("jobs.events", () => {
  const job = (status: string, progress: number) => JSON.stringify({ id: "job_1", status, progress });

  it("reconnects after a dropped stream with Last-Event-ID and does not repeat a state", async () => {
    const requests: Array<string | null> = [];
    const streams = [
      [`retry: 1\nid: 1\nevent: job\ndata: ${job("running", 10)}\n\n`, `id: 2\nevent: job\ndata: ${job("running", 50)}\n\n`], // then the connection drops
      [`id: 2\nevent: job\ndata: ${job("running", 50)}\n\n`, `id: 3\nevent: job\ndata: ${job("completed", 100)}\n\n`],
    ];
    const client = createClient({
      apiKey: "k",
      fetch: async (_input, init) => {
        requests.push(new Headers(init?.headers).get("last-event-id"));
        return new Response(chunked(streams.shift() ?? []), { headers: { "content-type": "text/event-stream" } });
      },
    });
    const seen = [];
    for await (const event of client.jobs.events("job_1")) seen.push([event.id, event.job.status, event.job.progress]);
    expect(seen).toEqual([["1", "running", 10], ["2", "running", 50], ["3", "completed", 100]]);
    expect(requests).toEqual([null, "2"]);
  });

  it("does not retry a 404, and throws the problem", async () => {
    const problem = { type: "https://x/p", title: "Not found", status: 404, code: "not_found", detail: "No job job_x" };
    const client = createClient({ apiKey: "k", fetch: async () => Response.json(problem, { status: 404 }) });
    const error = await (async () => {
      for await (const _ of client.jobs.events("job_x")) void _;
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WanEdgeError);
    expect((error as WanEdgeError).problem).toEqual(problem);
  });
});

describe("verifyWebhook", () => {
  const secret = ["whsec", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"].join("_"); // the Standard Webhooks spec's test vector
  const body = JSON.stringify({ type: "job.completed", timestamp: "2026-11-30T00:00:00.000Z", data: { id: "job_1" } });
  const at = 1_800_000_000;
  const headersFor = async (signedBody: string, timestamp = at) => ({
    "webhook-id": "msg_1",
    "webhook-timestamp": String(timestamp),
    "webhook-signature": `v1,bm90IHRoaXMgb25l ${await signWebhook(secret, "msg_1", timestamp, signedBody)}`,
  });
  const now = () => at * 1000;

  it("accepts what the gateway signs, among other signatures, and returns the event", async () => {
    const event = await verifyWebhook(body, new Headers(await headersFor(body)), secret, { now });
    expect(event.type).toBe("job.completed");
    expect(event.data.id).toBe("job_1");
  });

  it.each([
    ["a changed body", async () => verifyWebhook(body.replace("job_1", "job_2"), await headersFor(body), secret, { now })],
    ["another secret", async () => verifyWebhook(body, await headersFor(body), "whsec_c2Vjb25kIHNlY3JldA==", { now })],
    ["a timestamp past the tolerance", async () => verifyWebhook(body, await headersFor(body, at - 301), secret, { now })],
    ["a missing header", async () => verifyWebhook(body, { "webhook-id": "msg_1" }, secret, { now })],
  ])("refuses %s", async (_case, attempt) => {
    await expect(attempt()).rejects.toBeInstanceOf(WebhookVerificationError);
  });
});

describe("the client against the gateway", () => {
  const client = createClient({ baseUrl: "http://gateway.test", apiKey: "wan-edge-dev-key", fetch: (input, init) => exports.default.fetch(new Request(input, init)) });

  it("creates a job, follows its events to completed, and finds it in the list", async () => {
    const created = await client.jobs.create({ model: "wan2.7-i2v", input: { prompt: "a cat", first_frame: "https://cdn.example.com/cat.png", duration: 2 } });
    const statuses: Job["status"][] = [];
    const done = await client.jobs.wait(created.id, { onUpdate: (job) => statuses.push(job.status) });
    expect(done.status).toBe("completed");
    expect(statuses.at(-1)).toBe("completed");
    expect(done.outputs[0]?.content_type).toBe("video/mp4");
    const page = await client.jobs.list({ status: "completed", limit: 50 });
    expect(page.data.map((job) => job.id)).toContain(created.id);
  });

  it("throws the problem document with every field error", async () => {
    const error = await client.jobs
      .create({ model: "wan2.7-i2v", input: { first_frame: "https://cdn.example.com/cat.png", duration: 20, first_clip: "https://cdn.example.com/c.mp4" } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WanEdgeError);
    expect((error as WanEdgeError).status).toBe(400);
    expect((error as WanEdgeError).errors.map((field) => field.path).sort()).toEqual(["input.duration", "input.first_frame"]);
  });
});
