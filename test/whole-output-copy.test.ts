/**
 * The copy of a provider's output into real (Miniflare) R2 stores only whole files: a body cut
 * mid-way (an error, or a clean early end without Content-Length) never becomes an object and
 * leaves no multipart upload behind; a whole one does, with the metadata its headers state.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MediaSpec } from "../emulator/core/media-stream";
import { createMediaStream, digestMedia } from "../emulator/core/media-stream";
import type { CopyOptions } from "../src/media/copy-to-r2";
import { copyToR2 } from "../src/media/copy-to-r2";
import { sha256Hex } from "./helpers";

const mib = 1024 * 1024;
const video = (seed: number, totalBytes = 12 * mib): MediaSpec => ({ kind: "video", seed, totalBytes, width: 1280, height: 720, seconds: 5 });

interface Recorded {
  bucket: R2Bucket;
  uploads: Array<{ key: string; uploadId: string }>;
  aborted: number;
  completed: number;
}

/** `env.MEDIA`, recording the multipart uploads it is asked to create, abort and complete. */
function recordingBucket(): Recorded {
  const recorded: Recorded = { bucket: env.MEDIA, uploads: [], aborted: 0, completed: 0 };
  recorded.bucket = new Proxy(env.MEDIA, {
    get(target, property) {
      if (property === "createMultipartUpload") {
        return async (key: string, options?: R2MultipartOptions) => {
          const upload = await target.createMultipartUpload(key, options);
          recorded.uploads.push({ key, uploadId: upload.uploadId });
          return {
            key: upload.key,
            uploadId: upload.uploadId,
            uploadPart: (part: number, value: Uint8Array) => upload.uploadPart(part, value),
            abort: () => ((recorded.aborted += 1), upload.abort()),
            complete: (parts: R2UploadedPart[]) => ((recorded.completed += 1), upload.complete(parts)),
          };
        };
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return recorded;
}

let counter = 0;

/** Copies one response body through `copyToR2` under a fresh key prefix. */
async function copy(body: ReadableStream<Uint8Array>, headers: Record<string, string>, kind: CopyOptions["kind"] = "video") {
  const recorded = recordingBucket();
  const prefix = `whole-copy-test/${(counter += 1)}/`;
  const result = await copyToR2({
    fetch: (async () => new Response(body, { headers })) as unknown as typeof fetch,
    bucket: recorded.bucket,
    url: "https://cdn.example.com/out.mp4",
    keyFor: (contentType) => `${prefix}out.${contentType.split("/")[1]}`,
    kind,
    maxBytes: 64 * mib,
    urlProblem: () => null,
    partSize: 5 * mib,
  });
  const stored = await env.MEDIA.list({ prefix });
  return { result, recorded, storedKeys: stored.objects.map((object) => object.key) };
}

/** An aborted upload can no longer be completed: proof that nothing of it is left. */
async function expectAbortedForGood(upload: { key: string; uploadId: string }) {
  const resumed = env.MEDIA.resumeMultipartUpload(upload.key, upload.uploadId);
  await expect(resumed.complete([])).rejects.toThrow();
}

describe("copying a provider's output into R2", () => {
  it("stores a whole video of unknown length (multipart) with its size and duration", async () => {
    const spec = video(1);
    const { result, recorded, storedKeys } = await copy(createMediaStream(spec), {});
    expect(result).toMatchObject({ ok: true, value: { bytes: spec.totalBytes, sha256: await digestMedia(spec), multipart: true, metadata: { width: 1280, height: 720, duration_seconds: 5 } } });
    expect(recorded.completed).toBe(1);
    expect(storedKeys).toHaveLength(1);
    const stored = await env.MEDIA.get(storedKeys[0]!);
    expect(await sha256Hex(new Uint8Array(await stored!.arrayBuffer()))).toBe(await digestMedia(spec));
  });

  it("stores a whole video of known length (piped) with its metadata", async () => {
    const spec = video(2, 3 * mib);
    const { result, storedKeys } = await copy(createMediaStream(spec), { "content-length": String(spec.totalBytes) });
    expect(result).toMatchObject({ ok: true, value: { bytes: spec.totalBytes, multipart: false, metadata: { width: 1280, height: 720, duration_seconds: 5 } } });
    expect(storedKeys).toHaveLength(1);
  });

  it("stores a whole image with its size", async () => {
    const spec: MediaSpec = { kind: "image", seed: 5, totalBytes: 0, width: 16, height: 16, seconds: 0 };
    const { mediaHead } = await import("../emulator/core/media-stream");
    const png = mediaHead(spec);
    const { result } = await copy(new Blob([png]).stream(), {}, "image");
    expect(result).toMatchObject({ ok: true, value: { contentType: "image/png", bytes: png.length, metadata: { width: 16, height: 16 } } });
  });

  it("refuses a body that ends cleanly halfway without Content-Length: no object, the upload aborted", async () => {
    const spec = video(3);
    // Ends after more than one part was uploaded, at a clean chunk boundary, with no error.
    const { result, recorded, storedKeys } = await copy(createMediaStream(spec, { end: 7 * mib }), {});
    expect(result).toEqual({ ok: false, error: { code: "output_incomplete", message: expect.stringMatching(/not a whole video file: the file ends inside box free .* bytes short/), retryable: true } });
    expect(storedKeys).toEqual([]);
    expect(recorded.uploads).toHaveLength(1);
    expect([recorded.aborted, recorded.completed]).toEqual([1, 0]);
    await expectAbortedForGood(recorded.uploads[0]!);
  });

  it("refuses a chunked body whose connection fails mid-way: no object, the upload aborted", async () => {
    const spec = video(4);
    const { result, recorded, storedKeys } = await copy(createMediaStream(spec, { cutAt: 6 * mib + 123 }), {});
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: "output_download_failed", retryable: true }) });
    expect(storedKeys).toEqual([]);
    expect([recorded.aborted, recorded.completed]).toEqual([1, 0]);
    await expectAbortedForGood(recorded.uploads[0]!);
  });

  it("refuses a body shorter than its Content-Length", async () => {
    const spec = video(5, 3 * mib);
    const { result, storedKeys } = await copy(createMediaStream(spec, { end: 2 * mib }), { "content-length": String(spec.totalBytes) });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: "output_download_failed", retryable: true }) });
    expect(storedKeys).toEqual([]);
  });

  it("refuses a file cut short even when the Content-Length matches the cut (the structure says so)", async () => {
    const spec = video(6, 3 * mib);
    const cut = 2 * mib + 17;
    const { result, storedKeys } = await copy(createMediaStream(spec, { end: cut }), { "content-length": String(cut) });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: "output_incomplete", message: expect.stringMatching(/overruns the file's/), retryable: true }) });
    expect(storedKeys).toEqual([]);
  });

  it("treats a body of a few bytes as a cut download (retryable)", async () => {
    const { result, storedKeys } = await copy(createMediaStream(video(7), { end: 5 }), {});
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: "output_incomplete", retryable: true }) });
    expect(storedKeys).toEqual([]);
  });
});
