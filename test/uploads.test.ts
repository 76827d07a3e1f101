import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../src/app-env";
import { apiKeyAuth } from "../src/http/auth";
import { renderProblem } from "../src/http/problem";
import { uploadLimits } from "../src/media/store-upload";
import { uploadRoutes } from "../src/routes/uploads";
import { devKey, gateway, sha256Hex } from "./helpers";

// The route is not mounted in the app yet: mount it here exactly as app.ts mounts routes.
const app = new Hono<AppEnv>();
app.use("/v1/*", apiKeyAuth());
app.route("/", uploadRoutes);
app.onError((error) => renderProblem(error));

/** POSTs like an HTTP client: a byte array goes with its Content-Length, a stream without. */
function upload(body: Uint8Array | ReadableStream | null, contentType: string | null, init: { key?: string | null; headers?: Record<string, string> } = {}) {
  const headers = new Headers(init.headers);
  if (body instanceof Uint8Array && !headers.has("content-length")) headers.set("content-length", String(body.byteLength));
  if (contentType !== null) headers.set("content-type", contentType);
  const key = init.key === undefined ? devKey : init.key;
  if (key !== null) headers.set("authorization", `Bearer ${key}`);
  return app.request("/v1/uploads", { method: "POST", body, headers }, env);
}

const bytes = (...values: Array<number | string>) =>
  new Uint8Array(values.flatMap((value) => (typeof value === "string" ? [...value].map((char) => char.charCodeAt(0)) : [value])));

/** A valid 1×1 RGBA PNG (IHDR, IDAT, IEND with correct CRCs). */
const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="), (char) => char.charCodeAt(0));
/** A JFIF header followed by filler: enough for the signature check. */
const jpeg = bytes(0xff, 0xd8, 0xff, 0xe0, 0, 16, "JFIF", 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, ...new Array(64).fill(0));
/** A canonical 44-byte WAV header (PCM, mono, 8 kHz, 16-bit) and 100 samples of silence. */
const wav = bytes("RIFF", 236, 0, 0, 0, "WAVE", "fmt ", 16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0, "data", 200, 0, 0, 0, ...new Array(200).fill(0));
const mp4 = bytes(0, 0, 0, 0x18, "ftypisom", 0, 0, 2, 0, "isomiso2", ...new Array(64).fill(0));

interface Uploaded {
  id: string;
  created_at: string;
  expires_at: string;
  url: string;
  content_type: string;
  bytes: number;
  sha256: string;
}

async function uploadedObjects(): Promise<number> {
  return (await env.MEDIA.list({ prefix: "uploads/" })).objects.length;
}

async function expectProblem(response: Response, status: number, code: string): Promise<{ detail: string }> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const problem = (await response.json()) as { code: string; detail: string };
  expect(problem.code).toBe(code);
  return problem;
}

describe("POST /v1/uploads", () => {
  it("stores a PNG and returns a permanent URL with its size and SHA-256", async () => {
    const response = await upload(png, "image/png");
    expect(response.status).toBe(201);
    const json = (await response.json()) as Uploaded;
    expect(json).toEqual({
      id: expect.stringMatching(/^upl_[0-9a-z]{20}$/),
      object: "upload",
      url: expect.stringMatching(/^http:\/\/gateway\.test\/media\/uploads\/[0-9a-f]{16}\/[0-9a-z]{20}\/upload\.png$/),
      content_type: "image/png",
      bytes: png.length,
      sha256: await sha256Hex(png),
      created_at: expect.any(String),
      expires_at: expect.any(String),
      deleted_at: null,
      expired_at: null,
    });
    // The id names the upload's folder; it is kept UPLOAD_RETENTION_DAYS (30) at least.
    expect(json.url).toContain(`/${json.id.slice(4)}/upload.png`);
    expect(Date.parse(json.expires_at) - Date.parse(json.created_at)).toBe(30 * 86_400_000);
    expect(response.headers.get("location")).toBe(json.url);
    expect(json.url).not.toContain("/dev/");

    const served = await gateway(new URL(json.url).pathname, { key: null });
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);
  });

  it.each([
    ["a JPEG", jpeg, "image/jpeg", "image/jpeg", "jpg"],
    ["a JPEG sent as image/jpg", jpeg, "image/jpg", "image/jpeg", "jpg"],
    ["a WAV", wav, "audio/wav", "audio/wav", "wav"],
    ["a PNG with Content-Type parameters", png, "image/png; name=cat.png", "image/png", "png"],
    ["an MP4 declared as QuickTime (stored as what it is)", mp4, "video/quicktime", "video/mp4", "mp4"],
  ])("stores %s", async (_, body, declared, stored, extension) => {
    const response = await upload(body, declared);
    expect(response.status).toBe(201);
    const json = (await response.json()) as Uploaded;
    expect(json).toMatchObject({ content_type: stored, bytes: body.length, sha256: await sha256Hex(body) });
    expect(json.url.endsWith(`.${extension}`)).toBe(true);
  });

  it("stores an upload streamed without Content-Length (multipart)", async () => {
    const response = await upload(new Blob([png]).stream(), "image/png");
    expect(response.status).toBe(201);
    const json = (await response.json()) as Uploaded;
    expect(json).toMatchObject({ bytes: png.length, sha256: await sha256Hex(png) });
    const served = await gateway(new URL(json.url).pathname, { key: null });
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);
  });

  it("streams a 30 MB video in without buffering it, hashing every byte", async () => {
    const video = new Uint8Array(30 * 1024 * 1024);
    video.set(mp4);
    for (let index = mp4.length; index < video.length; index += 4096) video[index] = index & 0xff;
    const response = await upload(video, "video/mp4");
    expect(response.status).toBe(201);
    const json = (await response.json()) as Uploaded;
    expect(json).toMatchObject({ content_type: "video/mp4", bytes: video.length, sha256: await sha256Hex(video) });
    const head = await env.MEDIA.head(new URL(json.url).pathname.slice("/media/".length));
    expect(head?.size).toBe(video.length);
    expect(head?.httpMetadata?.contentType).toBe("video/mp4");
  });

  it("refuses a PNG declared as video/mp4 with 415, naming both types, and stores nothing", async () => {
    const before = await uploadedObjects();
    const problem = await expectProblem(await upload(png, "video/mp4"), 415, "unsupported_media_type");
    expect(problem.detail).toBe("The bytes are image/png, but Content-Type says video/mp4. Send the file with its real type.");
    expect(await uploadedObjects()).toBe(before);
  });

  it("refuses bytes no signature recognises", async () => {
    const problem = await expectProblem(await upload(bytes("<html><body>hello</body></html>"), "image/png"), 415, "unsupported_media_type");
    expect(problem.detail).toMatch(/not a image\/png file/);
  });

  it.each([["application/pdf"], ["image/gif"], ["text/plain"], [null]])("refuses Content-Type %s with 415", async (type) => {
    const problem = await expectProblem(await upload(png, type), 415, "unsupported_media_type");
    expect(problem.detail).toContain("image/png, image/jpeg");
  });

  it("refuses a declared length over the limit with 413 from the header alone", async () => {
    const before = await uploadedObjects();
    const headers = { "content-length": String(uploadLimits.image + 1) };
    const problem = await expectProblem(await upload(png, "image/png", { headers }), 413, "payload_too_large");
    expect(problem.detail).toBe(`Image uploads may be at most 20 MB (${uploadLimits.image} bytes); this one is ${uploadLimits.image + 1} bytes.`);
    expect(await uploadedObjects()).toBe(before);
  });

  it("stops a streamed upload at the limit with 413 and leaves no object behind", async () => {
    const before = await uploadedObjects();
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = new Uint8Array(1024 * 1024);
        if (sent === 0) chunk.set(png);
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const problem = await expectProblem(await upload(endless, "image/png"), 413, "payload_too_large");
    expect(problem.detail).toBe(`Image uploads may be at most 20 MB (${uploadLimits.image} bytes).`);
    expect(sent).toBeLessThanOrEqual(uploadLimits.image + 2 * 1024 * 1024);
    expect(await uploadedObjects()).toBe(before);
  });

  it("answers a body shorter than its Content-Length with 400 and stores nothing", async () => {
    const before = await uploadedObjects();
    const problem = await expectProblem(await upload(png, "image/png", { headers: { "content-length": "999" } }), 400, "invalid_request");
    expect(problem.detail).toMatch(/cut short/);
    expect(await uploadedObjects()).toBe(before);
  });

  it("answers a malformed Content-Length with 400", async () => {
    await expectProblem(await upload(png, "image/png", { headers: { "content-length": "70 bytes" } }), 400, "invalid_request");
  });

  it("answers an empty body with 400", async () => {
    await expectProblem(await upload(new Uint8Array(0), "image/png"), 400, "invalid_request");
    await expectProblem(await upload(null, "image/png"), 400, "invalid_request");
  });

  it("answers a body too short to be the declared type with 415", async () => {
    await expectProblem(await upload(bytes(0x89, "PNG"), "image/png"), 415, "unsupported_media_type");
  });

  it("needs an API key", async () => {
    const response = await upload(png, "image/png", { key: null });
    await expectProblem(response, 401, "unauthorized");
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
  });
});
