import { describe, expect, it } from "vitest";
import { emulatorLog, gateway, getJob, image, otherKey, submit, waitForJob } from "./helpers";

describe("authentication", () => {
  it("rejects a request without a key with a 401 problem", async () => {
    const response = await gateway("/v1/jobs/job_0000000000aaaaaaaaaaaaaaaa", { key: null });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    expect(await response.json()).toMatchObject({ status: 401, code: "unauthorized", title: "Unauthorized" });
  });

  it("rejects a wrong key, and does not echo it", async () => {
    const response = await gateway("/v1/jobs", { method: "POST", key: "sk-wrong-key-123", body: JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: image } }) });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain("sk-wrong-key-123");
  });

  it("answers every request with an X-Request-Id, echoing the client's", async () => {
    const mine = await gateway("/healthz", { headers: { "x-request-id": "req-abc-123" } });
    expect(mine.headers.get("x-request-id")).toBe("req-abc-123");
    const failed = await gateway("/v1/jobs/nope", { key: null });
    expect(failed.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("puts X-Request-Id on responses a route builds itself: media, 304, the event stream", async () => {
    const { json } = await submit({ first_frame: image }, { provider: "evolink" });
    const job = await waitForJob(json.id);
    const media = await gateway(new URL(job.outputs[0]!.url).pathname, { key: null, headers: { "x-request-id": "req-media" } });
    expect(media.status).toBe(200);
    expect(media.headers.get("x-request-id")).toBe("req-media");
    expect((await media.arrayBuffer()).byteLength).toBe(job.outputs[0]!.bytes);
    const unchanged = await gateway(new URL(job.outputs[0]!.url).pathname, { key: null, headers: { "if-none-match": media.headers.get("etag")!, "x-request-id": "req-304" } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get("x-request-id")).toBe("req-304");
    const stream = await gateway(`/v1/jobs/${json.id}/events`, { headers: { "x-request-id": "req-sse" } });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    expect(stream.headers.get("x-request-id")).toBe("req-sse");
    expect(await stream.text()).toContain("event: job");
  });
});

describe("POST /v1/jobs validation", () => {
  it("names every bad field by JSON path and creates nothing", async () => {
    const { response, json } = await submit({ first_frame: image, first_clip: "https://cdn.example.com/c.mp4", duration: 20, seed: -1 }, { metadata: { a: 1 }, extra: true });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(json.code).toBe("invalid_request");
    expect(json.errors!.map((error) => error.path).sort()).toEqual(["extra", "input.duration", "input.first_frame", "input.seed", "metadata.a"]);
  });

  it("rejects a mode that disagrees with the materials", async () => {
    const { response, json } = await submit({ mode: "first_last_frame", first_frame: image });
    expect(response.status).toBe(400);
    expect(json.errors!.map((error) => error.path).sort()).toEqual(["input.last_frame", "input.mode"]);
  });

  it("rejects plain-http input URLs other than loopback", async () => {
    const { response, json } = await submit({ first_frame: "http://cdn.example.com/cat.png" });
    expect(response.status).toBe(400);
    expect(json.errors).toEqual([{ path: "input.first_frame", message: expect.stringContaining("https") }]);
  });

  it.each([
    ["an unknown model", { model: "wan9-video", input: { first_frame: image } }, "model"],
    ["a missing input", { model: "wan2.7-i2v" }, "input"],
    ["a bad provider", { model: "wan2.7-i2v", input: { first_frame: image }, provider: "openai" }, "provider"],
    ["too much metadata", { model: "wan2.7-i2v", input: { first_frame: image }, metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) }, "metadata"],
  ])("rejects %s", async (_name, body, path) => {
    const response = await gateway("/v1/jobs", { method: "POST", body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    const json = (await response.json()) as { errors: Array<{ path: string }> };
    expect(json.errors.map((error) => error.path)).toContain(path);
  });

  it("rejects malformed JSON and non-JSON bodies", async () => {
    const broken = await gateway("/v1/jobs", { method: "POST", body: "{nope" });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ code: "invalid_request", errors: [{ path: "$" }] });
    const form = await gateway("/v1/jobs", { method: "POST", body: "a=b", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(form.status).toBe(415);
  });

  it("answers 422 unsupported, naming the feature that excluded each provider, and submits nothing", async () => {
    const postsBefore = (await emulatorLog()).filter((entry) => entry.method === "POST").length;
    const { response, json } = await submit({ first_frame: image, seed: 0 }, { provider: ["evolink", "shortapi"] });
    expect(response.status).toBe(422);
    expect(json.code).toBe("unsupported");
    expect(json.excluded).toEqual([
      { provider: "evolink", reason: "seed 0 is outside 1–2147483647" },
      { provider: "shortapi", reason: "seed is not supported" },
    ]);
    expect((await emulatorLog()).filter((entry) => entry.method === "POST")).toHaveLength(postsBefore);
  });

  it("answers 422 unsupported for a duration the pinned provider does not make (SDKs do not retry a 4xx)", async () => {
    const { response, json } = await submit({ first_frame: image, prompt: "p", duration: 7 }, { provider: "aimlapi" });
    expect(response.status).toBe(422);
    expect(response.headers.get("retry-after")).toBeNull();
    expect(json).toMatchObject({ code: "unsupported", excluded: [{ provider: "aimlapi", reason: "duration 7 is not supported (allowed: 5/10/15)" }] });
  });
});

describe("GET /v1/jobs/{id}", () => {
  it("returns the normalised job to its owner and a plain 404 to another tenant", async () => {
    const { response, json } = await submit({ first_frame: image, prompt: "a cat plays piano" }, { metadata: { order: "A-17" } });
    expect(response.status).toBe(202);
    expect(response.headers.get("location")).toBe(`http://gateway.test/v1/jobs/${json.id}`);
    expect(json).toMatchObject({
      object: "job",
      model: "wan2.7-i2v",
      input: { first_frame: image, prompt: "a cat plays piano", mode: "first_frame", resolution: "720p", duration: 5, prompt_extend: false, watermark: false },
      metadata: { order: "A-17" },
      urls: { self: `http://gateway.test/v1/jobs/${json.id}`, events: `http://gateway.test/v1/jobs/${json.id}/events`, cancel: `http://gateway.test/v1/jobs/${json.id}/cancel` },
    });
    expect(json.id).toMatch(/^job_[0-9a-z]{26}$/);
    expect((await getJob(json.id)).id).toBe(json.id);

    const stranger = await gateway(`/v1/jobs/${json.id}`, { key: otherKey });
    expect(stranger.status).toBe(404);
    expect(await stranger.json()).toMatchObject({ code: "not_found" });
  });

  it("404s an unknown or malformed id", async () => {
    expect((await gateway("/v1/jobs/job_0000000000aaaaaaaaaaaaaaaa")).status).toBe(404);
    expect((await gateway("/v1/jobs/../../etc")).status).toBe(404);
  });

  it("404s unknown routes as problem+json", async () => {
    const response = await gateway("/v2/nothing");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});
