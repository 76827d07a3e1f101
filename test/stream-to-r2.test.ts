import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StreamToR2Options } from "../src/media/stream-to-r2";
import { streamToR2 } from "../src/media/stream-to-r2";
import { sha256Hex } from "./helpers";

const mib = 1024 * 1024;
const mp4Head = new Uint8Array([0, 0, 0, 0x18, ..."ftypisom".split("").map((char) => char.charCodeAt(0)), 0, 0, 2, 0]);

/** `size` bytes starting with an MP4 signature, delivered in 1 MiB chunks. */
function file(size: number): { bytes: Uint8Array; stream: () => ReadableStream<Uint8Array> } {
  const bytes = new Uint8Array(size).map((_, index) => (index * 31) & 0xff);
  bytes.set(mp4Head);
  return { bytes, stream: () => new Blob([bytes]).stream() };
}

/** The SHA-256 of what R2 holds under `key`. */
async function storedSha256(key: string): Promise<string> {
  const object = await env.MEDIA.get(key);
  return sha256Hex(new Uint8Array(await object!.arrayBuffer()));
}

let counter = 0;
function options(overrides: Partial<StreamToR2Options> & Pick<StreamToR2Options, "body" | "length">): StreamToR2Options & { keys: string[] } {
  const keys: string[] = [];
  const unique = `stream-test/${(counter += 1)}`;
  return {
    bucket: env.MEDIA,
    maxBytes: 64 * mib,
    accept: (sniffed) => sniffed,
    keyFor: (contentType) => {
      const key = `${unique}.${contentType.split("/")[1]}`;
      keys.push(key);
      return key;
    },
    keys,
    ...overrides,
  };
}

describe("streamToR2", () => {
  it("pipes a body of known length through two reused 1 MiB blocks", async () => {
    const { bytes, stream } = file(3 * mib + 5);
    const run = options({ body: stream(), length: bytes.length });
    const result = await streamToR2(run);
    expect(result).toMatchObject({ ok: true, value: { key: run.keys[0], bytes: bytes.length, sha256: await sha256Hex(bytes), contentType: "video/mp4", multipart: false } });
    const peak = result.ok ? result.value.peakBufferedBytes : -1;
    expect([mib, 2 * mib]).toContain(peak); // one block, or two when a write was still running
    // The blocks are reused: what R2 holds is still the source, byte for byte.
    expect(await storedSha256(run.keys[0]!)).toBe(await sha256Hex(bytes));
  });

  it("uploads a body of unknown length in parts, two part buffers reused throughout", async () => {
    const { bytes, stream } = file(11 * mib);
    const run = options({ body: stream(), length: null });
    const result = await streamToR2(run);
    expect(result).toMatchObject({ ok: true, value: { bytes: bytes.length, sha256: await sha256Hex(bytes), multipart: true } });
    expect([8 * mib, 16 * mib]).toContain(result.ok && result.value.peakBufferedBytes);
    expect(await storedSha256(run.keys[0]!)).toBe(await sha256Hex(bytes));
  });

  it.each([
    ["a known length", true],
    ["an unknown length", false],
  ])("reads a script-made stream of tiny chunks (signature split across them) with %s", async (_, known) => {
    const { bytes } = file(100_003);
    let offset = 0;
    const trickle = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        const size = offset < 64 ? 5 : 7919; // the 12-byte signature arrives in three chunks
        controller.enqueue(bytes.slice(offset, offset + size));
        offset += size;
      },
    });
    const run = options({ body: trickle, length: known ? bytes.length : null });
    const result = await streamToR2(run);
    expect(result).toMatchObject({ ok: true, value: { bytes: bytes.length, sha256: await sha256Hex(bytes), contentType: "video/mp4", multipart: !known } });
    const stored = await env.MEDIA.get(run.keys[0]!);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(bytes);
  });

  it("refuses bytes `accept` rejects before choosing a key", async () => {
    const { stream } = file(1000);
    const run = options({ body: stream(), length: null, accept: () => null });
    expect(await streamToR2(run)).toEqual({ ok: false, failure: { reason: "refused", sniffed: "video/mp4" } });
    expect(run.keys).toEqual([]);
  });

  it("reports an empty body as too short with 0 bytes", async () => {
    expect(await streamToR2(options({ body: new Blob([]).stream(), length: null }))).toEqual({ ok: false, failure: { reason: "too_short", bytes: 0 } });
  });

  it.each([
    ["a declared length", 2001, { reason: "too_large", declared: 2001 }],
    ["an unknown length", null, { reason: "too_large", declared: null }],
  ] as const)("stops at the limit with %s and leaves nothing behind", async (_, length, failure) => {
    const { stream } = file(2001);
    const run = options({ body: stream(), length, maxBytes: 2000 });
    expect(await streamToR2(run)).toEqual({ ok: false, failure });
    for (const key of run.keys) expect(await env.MEDIA.head(key)).toBeNull();
  });

  it("reports a source that fails mid-way as interrupted and deletes the partial object", async () => {
    let sent = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 0) return controller.error(new Error("connection reset"));
        sent += 1;
        controller.enqueue(file(4096).bytes);
      },
    });
    const run = options({ body: failing, length: null });
    expect(await streamToR2(run)).toEqual({ ok: false, failure: { reason: "interrupted" } });
    expect(await env.MEDIA.head(run.keys[0]!)).toBeNull();
  });
});
