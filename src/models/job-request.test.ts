import { describe, expect, it } from "vitest";
import { webhookUrlProblem } from "../webhooks/webhook-url";
import { validateJobRequest } from "./job-request";

const production = { environment: "production" as const, emulatorOrigin: null, publicBaseUrl: "https://wan.example.com" };
const development = { environment: "development" as const, emulatorOrigin: "http://127.0.0.1:8788", publicBaseUrl: "http://127.0.0.1:8787" };
type UrlConfig = typeof production | typeof development;

function validate(body: Record<string, unknown>, config: UrlConfig = production) {
  return validateJobRequest(body, config, (url) => webhookUrlProblem(url, config));
}

/** The errors of a refused request, as `path: message`. */
function errorsOf(body: Record<string, unknown>, config: UrlConfig = production): string[] {
  const result = validate(body, config);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors.map((error) => `${error.path}: ${error.message}`);
}

const i2v = (input: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ model: "wan2.7-i2v", input, ...extra });

describe("input URLs follow the gateway's one public-host rule", () => {
  it.each([
    ["https://10.0.0.8/a.png", "must name a host, not an IP address"],
    ["https://[::1]/a.png", "must name a host, not an IP address"],
    ["https://2130706433/a.png", "must name a host, not an IP address"],
    ["https://localhost/a.png", "must be a public host"],
    ["https://metadata.google.internal/a.png", "must be a public host"],
    ["https://printer.local/a.png", "must be a public host"],
    ["https://intranet/a.png", "must be a public host"],
    ["https://user:secret@cdn.example.com/a.png", "must not carry credentials"],
    ["http://cdn.example.com/a.png", "must use https"],
    ["http://127.0.0.1:8788/files/a.png", "must use https"],
  ])("refuses %s in production", (url, message) => {
    expect(errorsOf(i2v({ first_frame: url }))).toEqual([`input.first_frame: ${message}`]);
  });

  it.each([
    ["a public https URL", "https://cdn.example.com/a.png"],
    ["a public https URL on another port", "https://cdn.example.com:8443/a.png"],
    ["a URL this gateway issued", "https://wan.example.com/media/uploads/abc/x/upload.png"],
  ])("accepts %s in production", (_, url) => {
    expect(validate(i2v({ first_frame: url })).ok).toBe(true);
  });

  it("accepts the emulator's and loopback http URLs in local development only", () => {
    for (const url of ["http://127.0.0.1:8788/files/a.png", "http://localhost:9000/a.png", "https://cdn.example.com/a.png"]) {
      expect(validate(i2v({ first_frame: url }), development).ok).toBe(true);
    }
    expect(errorsOf(i2v({ first_frame: "https://10.0.0.8/a.png" }), development)).toEqual(["input.first_frame: must name a host, not an IP address"]);
  });

  it("checks every image of an image-pro request", () => {
    const body = { model: "wan2.7-image-pro", input: { prompt: "a cat", images: ["https://cdn.example.com/a.png", "https://192.168.1.2/b.png"] } };
    expect(errorsOf(body)).toEqual(["input.images[1]: must name a host, not an IP address"]);
  });
});

describe("input URL rules are reported with every other bad field", () => {
  it("when the model input fails its schema", () => {
    const errors = errorsOf(i2v({ first_frame: "https://localhost/a.png", last_frame: "https://10.1.2.3/b.png", duration: 20 }));
    expect(errors).toEqual(
      expect.arrayContaining(["input.duration: at most 15", "input.first_frame: must be a public host", "input.last_frame: must name a host, not an IP address"]),
    );
  });

  it("when a material combination is invalid", () => {
    const errors = errorsOf(i2v({ first_frame: "https://cdn.example.com/a.png", first_clip: "https://user:pw@cdn.example.com/c.mp4" }));
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/^input\.first_frame: cannot be combined/), "input.first_clip: must not carry credentials"]));
  });

  it("when the envelope fails (unknown field, bad metadata, bad webhook)", () => {
    const errors = errorsOf(i2v({ first_frame: "https://printer.local/a.png" }, { extra: 1, metadata: { a: 1 }, webhook: { url: "https://10.0.0.8/hook" } }));
    expect(errors).toEqual(
      expect.arrayContaining(["extra: unknown field", "input.first_frame: must be a public host", "webhook.url: must name a host, not an IP address", expect.stringMatching(/^metadata\.a: /)]),
    );
  });

  it("leaves a value that is not an http(s) URL to the schema's own message", () => {
    expect(errorsOf(i2v({ first_frame: "ftp://cdn.example.com/a.png" }))).toEqual(["input.first_frame: must be an http(s) URL"]);
  });
});

describe("metadata keys", () => {
  it.each(["__proto__", "constructor", "prototype"])("refuses the reserved key %s with a clear error, never drops it silently", (key) => {
    // As a client's JSON arrives: JSON.parse keeps "__proto__" as an own key.
    const body = JSON.parse(`{"model":"wan2.7-i2v","input":{"first_frame":"https://cdn.example.com/a.png"},"metadata":{"order":"A-17","${key}":"x"}}`) as Record<string, unknown>;
    expect(errorsOf(body)).toEqual([`metadata.${key}: is a reserved name (__proto__, constructor, prototype); choose another key`]);
  });

  it("keeps ordinary keys exactly as sent", () => {
    const result = validate(i2v({ first_frame: "https://cdn.example.com/a.png" }, { metadata: { order: "A-17", proto: "x", __proto: "y" } }));
    expect(result.ok && result.value.metadata).toEqual({ order: "A-17", proto: "x", __proto: "y" });
  });
});

describe("type errors", () => {
  it("says what a field of the wrong type should be, and keeps `required` for a missing one", () => {
    expect(errorsOf(i2v({ first_frame: 42, duration: "x" }))).toEqual(["input.first_frame: expected string, received number", "input.duration: expected number, received string"]);
    expect(errorsOf({ model: "wan2.7-image-pro", input: { n: 1 } })).toEqual(["input.prompt: required"]);
  });
});
