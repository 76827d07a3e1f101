import { describe, expect, it } from "vitest";
import { mediaHead, naturalMedia } from "../../emulator/core/media-stream";

// The emulator's generated outputs: a real 1-second 64×64 MP4 (H.264) and a 16×16 PNG.
const SAMPLE_MP4 = naturalMedia({ kind: "video", seed: 1, width: 64, height: 64, seconds: 1 });
const SAMPLE_PNG = naturalMedia({ kind: "image", seed: 1, width: 16, height: 16, seconds: 0 });
import type { ContainerVerdict } from "./container-check";
import { containerCheck } from "./container-check";

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));
const u32 = (value: number) => [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
const u64 = (value: number) => [...u32(Math.floor(value / 2 ** 32)), ...u32(value >>> 0)];
const le32 = (value: number) => [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
const concat = (...parts: Array<ArrayLike<number>>) => {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) bytes.set(part, (at += part.length) - part.length);
  return bytes;
};

/** An MP4 box with a 32-bit size (`large`: size 1 and a 64-bit largesize). */
function box(type: string, payload: ArrayLike<number> = [], large = false): Uint8Array {
  return large ? concat(u32(1), ascii(type), u64(16 + payload.length), payload) : concat(u32(8 + payload.length), ascii(type), payload);
}
const zeros = (count: number) => new Array<number>(count).fill(0);
const ftyp = box("ftyp", ascii("isom\0\0\x02\0isomiso2"));
const mvhd0 = (timescale: number, duration: number) => box("mvhd", [0, 0, 0, 0, ...u32(0), ...u32(0), ...u32(timescale), ...u32(duration), ...zeros(80)]);
const mvhd1 = (timescale: number, duration: number) => box("mvhd", [1, 0, 0, 0, ...u64(0), ...u64(0), ...u32(timescale), ...u64(duration), ...zeros(80)]);
/** A `tkhd` of `version` with the size as 16.16 fixed point in its last 8 bytes. */
const tkhd = (version: 0 | 1, width: number, height: number) =>
  box("tkhd", [version, 0, 0, 3, ...zeros(version === 1 ? 32 : 20), ...zeros(52), ...u32(width * 65536), ...u32(height * 65536)]);
const hdlr = (handler: string) => box("hdlr", [0, 0, 0, 0, ...u32(0), ...ascii(handler), ...zeros(12), 0]);
const trak = (handler: string, header: Uint8Array) => box("trak", concat(header, box("edts", zeros(20)), box("mdia", concat(box("mdhd", zeros(24)), hdlr(handler), box("minf", zeros(30))))));
const moov = (...children: Uint8Array[]) => box("moov", concat(...children));
const mdat = (size: number, large = false) => box("mdat", new Uint8Array(size).map((_, index) => (index * 7) & 0xff), large);

/** Feeds `bytes` in `chunk`-byte pieces and returns the verdict (the first `push` failure wins). */
function verdict(type: string, bytes: Uint8Array, declared: number | null = null, chunk = 1000): ContainerVerdict {
  const check = containerCheck(type, declared)!;
  for (let at = 0; at < bytes.length; at += chunk) {
    const problem = check.push(bytes.subarray(at, at + chunk));
    if (problem) return { ok: false, problem };
  }
  return check.finish();
}

/** Every way `bytes` can be cut short, fed whole or a byte at a time, with no length sent. */
function expectEveryTruncationRefused(type: string, bytes: Uint8Array): void {
  for (let cut = 0; cut < bytes.length; cut++) {
    for (const chunk of [1, 7, bytes.length]) {
      const result = verdict(type, bytes.subarray(0, cut), null, chunk);
      expect(result.ok, `cut at ${cut} of ${bytes.length} in ${chunk}-byte chunks`).toBe(false);
    }
  }
}

describe("MP4 whole-file check", () => {
  const faststart = concat(ftyp, moov(mvhd0(1000, 5000), trak("vide", tkhd(0, 1280, 720))), mdat(500));

  it("accepts the emulator's real clip and reads its size and duration", () => {
    expect(verdict("video/mp4", SAMPLE_MP4)).toEqual({ ok: true, metadata: { width: 64, height: 64, duration_seconds: 1 } });
    expect(verdict("video/mp4", SAMPLE_MP4, SAMPLE_MP4.length, 1)).toEqual({ ok: true, metadata: { width: 64, height: 64, duration_seconds: 1 } });
  });

  it.each([
    ["moov before mdat", faststart],
    ["mdat before moov", concat(ftyp, mdat(500), moov(mvhd0(1000, 5000), trak("vide", tkhd(0, 1280, 720))))],
    ["as QuickTime", concat(box("ftyp", ascii("qt  \0\0\0\0qt  ")), box("wide"), mdat(500), moov(mvhd0(1000, 5000), trak("vide", tkhd(0, 1280, 720))))],
  ])("accepts a whole file, %s, in any chunking", (_, bytes) => {
    for (const chunk of [1, 3, 8, 64, bytes.length]) {
      expect(verdict("video/mp4", bytes, null, chunk)).toEqual({ ok: true, metadata: { width: 1280, height: 720, duration_seconds: 5 } });
    }
  });

  it("refuses the file cut at every byte, whatever the chunking", () => {
    expectEveryTruncationRefused("video/mp4", faststart);
    expectEveryTruncationRefused("video/mp4", SAMPLE_MP4);
  });

  it("says where a clean early end stopped", () => {
    const result = verdict("video/mp4", faststart.subarray(0, faststart.length - 100));
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/ends inside box mdat .*100 bytes short/) });
  });

  it("refuses a box that overruns the declared length at once, before the rest is read", () => {
    const check = containerCheck("video/mp4", faststart.length - 10)!;
    expect(check.push(faststart.subarray(0, faststart.length - 400))).toMatch(/box mdat .* overruns the file's/);
  });

  it.each([
    ["a child overrunning its parent", concat(ftyp, box("moov", concat(u32(5000), ascii("trak"), zeros(50))), mdat(10)), /overruns its parent moov/],
    ["no moov", concat(ftyp, box("free", zeros(10)), mdat(100)), /no moov/],
    ["no mdat", concat(ftyp, moov(mvhd0(1000, 1000))), /no mdat/],
    ["a box smaller than its header", concat(ftyp, u32(4), ascii("mdat")), /less than its own header/],
    ["no ftyp first", concat(box("free"), ftyp, moov(), mdat(10)), /ftyp/],
    ["a few stray bytes at the end", concat(faststart, [0, 0, 0, 0]), /ends inside a top-level box header/],
    ["size 0 (to the end) with no Content-Length", concat(ftyp, moov(mvhd0(1000, 1000)), u32(0), ascii("mdat"), zeros(40)), /size 0.*Content-Length/],
  ])("refuses %s", (_, bytes, problem) => {
    expect(verdict("video/mp4", bytes)).toEqual({ ok: false, problem: expect.stringMatching(problem) });
  });

  it("takes size 0 as 'to the end of the file' when the length is known", () => {
    const bytes = concat(ftyp, moov(mvhd0(600, 3000), trak("vide", tkhd(0, 640, 360))), u32(0), ascii("mdat"), zeros(40));
    expect(verdict("video/mp4", bytes, bytes.length)).toEqual({ ok: true, metadata: { width: 640, height: 360, duration_seconds: 5 } });
    expect(verdict("video/mp4", bytes.subarray(0, bytes.length - 1), bytes.length).ok).toBe(false);
  });

  it("reads 64-bit box sizes and version-1 headers", () => {
    const bytes = concat(ftyp, box("moov", concat(mvhd1(90000, 90000 * 12.5), trak("vide", tkhd(1, 1920, 1080))), true), mdat(300, true));
    expect(verdict("video/mp4", bytes, null, 5)).toEqual({ ok: true, metadata: { width: 1920, height: 1080, duration_seconds: 12.5 } });
    expectEveryTruncationRefused("video/mp4", bytes);
  });

  it("walks a multi-gigabyte largesize box by arithmetic", () => {
    const size = 5 * 2 ** 30;
    const head = concat(ftyp, moov(mvhd0(1000, 1000)), u32(1), ascii("mdat"), u64(size));
    const check = containerCheck("video/mp4", head.length - 16 + size)!;
    expect(check.push(head)).toBeNull();
    const block = new Uint8Array(64 * 1024 * 1024);
    for (let left = size - 16; left > 0; left -= block.length) expect(check.push(block.subarray(0, Math.min(block.length, left)))).toBeNull();
    expect(check.finish()).toEqual({ ok: true, metadata: { duration_seconds: 1 } });
  });

  it("takes the size of the video track (hdlr vide), not of the first track", () => {
    const bytes = concat(ftyp, moov(mvhd0(1000, 2000), trak("soun", tkhd(0, 0, 0)), trak("vide", tkhd(0, 720, 1280))), mdat(10));
    expect(verdict("video/mp4", bytes)).toEqual({ ok: true, metadata: { width: 720, height: 1280, duration_seconds: 2 } });
  });

  it("leaves out what the headers do not say (unknown duration, no video track)", () => {
    const bytes = concat(ftyp, moov(mvhd0(1000, 0xffffffff), trak("soun", tkhd(0, 0, 0))), mdat(10));
    expect(verdict("video/mp4", bytes)).toEqual({ ok: true, metadata: {} });
  });

  it("accepts the emulator's padded outputs (a free box, 64-bit when over 4 GiB)", () => {
    const spec = { kind: "video" as const, seed: 1, width: 1280, height: 720, seconds: 5 };
    const head = mediaHead({ ...spec, totalBytes: naturalMedia(spec).length + 1000 });
    const check = containerCheck("video/mp4", null)!;
    check.push(head);
    check.push(new Uint8Array(1000 - 8));
    expect(check.finish()).toMatchObject({ ok: true, metadata: { width: 1280, height: 720, duration_seconds: 5 } });
  });
});

// A minimal baseline JPEG's structure: SOI, APP0, DQT, SOF0 (48×32), DHT, SOS, scan data, EOI.
const jpeg = concat(
  [0xff, 0xd8],
  [0xff, 0xe0, 0, 16, ...ascii("JFIF\0"), 1, 1, 0, 0, 1, 0, 1, 0, 0],
  [0xff, 0xdb, 0, 67, 0, ...zeros(64)],
  [0xff, 0xc0, 0, 11, 8, 0, 48, 0, 32, 1, 1, 0x11, 0],
  [0xff, 0xc4, 0, 20, 0, ...zeros(17)],
  [0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0],
  [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0x00, 0x78],
  [0xff, 0xd9],
);

// PNG chunks after the signature; the sample PNG from the emulator is a real one.
const webpVp8x = concat(ascii("RIFF"), le32(4 + 18 + 18), ascii("WEBP"), ascii("VP8X"), le32(10), [0, 0, 0, 0, 99, 0, 0, 49, 0, 0], ascii("VP8 "), le32(10), [0, 0, 0, 0x9d, 0x01, 0x2a, 100, 0, 50, 0]);
const webpLossless = concat(ascii("RIFF"), le32(4 + 8 + 6), ascii("WEBP"), ascii("VP8L"), le32(5), [0x2f, ...le32(((10 - 1) << 14) | (20 - 1))], [0]);
const bmp = concat(ascii("BM"), le32(26 + 6), zeros(4), le32(26), le32(40), le32(2), le32(-3 >>> 0), zeros(6));

describe("image whole-file checks", () => {
  it.each([
    ["image/png", SAMPLE_PNG, { width: 16, height: 16 }],
    ["image/jpeg", jpeg, { width: 32, height: 48 }],
    ["image/webp", webpVp8x, { width: 100, height: 50 }],
    ["image/webp", webpLossless, { width: 20, height: 10 }],
    ["image/bmp", bmp, { width: 2, height: 3 }],
  ])("accepts a whole %s and reads its size, in any chunking, and refuses every truncation", (type, bytes, size) => {
    for (const chunk of [1, 2, 5, bytes.length]) {
      expect(verdict(type, bytes, null, chunk)).toEqual({ ok: true, metadata: size });
      expect(verdict(type, bytes, bytes.length, chunk)).toEqual({ ok: true, metadata: size });
    }
    expectEveryTruncationRefused(type, bytes);
  });

  it.each([
    ["image/png", concat(SAMPLE_PNG, [0]), /follow the end/],
    ["image/png", concat(SAMPLE_PNG.subarray(0, 8), SAMPLE_PNG.subarray(33)), /not IHDR/],
    ["image/png", concat([0x89], ascii("PNX\r\n\x1a\n"), SAMPLE_PNG.subarray(8)), /signature/],
    ["image/jpeg", concat(jpeg, [0]), /EOI/],
    ["image/jpeg", concat(jpeg.subarray(0, 2), [0x00], jpeg.subarray(2)), /no JPEG marker/],
    ["image/webp", concat(webpVp8x, [0, 0]), /follow the end/],
    ["image/webp", concat(ascii("RIFF"), le32(4 + 18), ascii("WEBP"), ascii("VP8X"), le32(40), zeros(10)), /overruns the RIFF length/],
    ["image/bmp", concat(bmp, [0]), /follow the end/],
  ])("refuses a malformed %s (%#)", (type, bytes, problem) => {
    expect(verdict(type, bytes)).toEqual({ ok: false, problem: expect.stringMatching(problem) });
  });

  it("refuses a RIFF length that disagrees with Content-Length before reading on", () => {
    const check = containerCheck("image/webp", webpVp8x.length + 2)!;
    expect(check.push(webpVp8x.subarray(0, 12))).toMatch(/RIFF header says/);
  });

  it("has no check for types that are never outputs", () => {
    expect(containerCheck("audio/mpeg", null)).toBeNull();
    expect(containerCheck("toString", null)).toBeNull();
  });
});
