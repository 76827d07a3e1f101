/**
 * @module media-stream
 * Generates output files as streams, never as whole buffers, so a 500 MB "video" costs one
 * 64 KiB block of memory. A video is the real sample clip followed by one top-level MP4 `free`
 * box (players skip it) whose payload is a seeded 64 KiB block repeated: every seed gives a
 * different file and hash, every byte is reproducible. An image is the sample PNG with the
 * seed in a `tEXt` chunk, so images also differ per seed.
 */
import { SAMPLE_MP4, SAMPLE_PNG } from "./media-assets";
import { mulberry32 } from "./random";

export type MediaKind = "video" | "image";

/** What identifies a generated file's bytes. */
export interface MediaSpec {
  kind: MediaKind;
  /** Seeds the padding (video) or the `tEXt` chunk (image). */
  seed: number;
  /** Total file size; for images always `mediaHead(spec).length`. */
  totalBytes: number;
}

/** Padding is emitted in blocks of this size; one block is allocated per stream. */
export const BLOCK_BYTES = 64 * 1024;

const FREE_HEADER_BYTES = 8;
const FREE_LARGE_HEADER_BYTES = 16;

/** Why `totalBytes` cannot hold the clip plus a well-formed `free` box, or null if it can. */
export function videoSizeProblem(totalBytes: number): string | null {
  const clip = SAMPLE_MP4.length;
  if (totalBytes === clip || totalBytes >= clip + FREE_HEADER_BYTES) return null;
  return `must be ${clip} (the bare clip) or at least ${clip + FREE_HEADER_BYTES} (clip + free box)`;
}

/** The default size of a file of this kind: the bare clip, or the seeded PNG. */
export function naturalMediaBytes(kind: MediaKind, seed: number): number {
  return kind === "video" ? SAMPLE_MP4.length : seededPng(seed).length;
}

/** The file's bytes before the repeated padding (a fresh copy: streams may hand it off). */
export function mediaHead(spec: MediaSpec): Uint8Array {
  if (spec.kind === "image") return seededPng(spec.seed);
  const padding = spec.totalBytes - SAMPLE_MP4.length;
  if (padding <= 0) return SAMPLE_MP4.slice();
  const large = padding > 0xffffffff;
  const header = large ? FREE_LARGE_HEADER_BYTES : FREE_HEADER_BYTES;
  const head = new Uint8Array(SAMPLE_MP4.length + header);
  head.set(SAMPLE_MP4);
  const view = new DataView(head.buffer, SAMPLE_MP4.length, header);
  // ISO/IEC 14496-12 box header: size 1 means "a 64-bit size follows the type".
  view.setUint32(0, large ? 1 : padding);
  head.set([0x66, 0x72, 0x65, 0x65], SAMPLE_MP4.length + 4); // "free"
  if (large) view.setBigUint64(8, BigInt(padding));
  return head;
}

/** Options for one read of a file. */
export interface MediaStreamOptions {
  /** First byte (inclusive); default 0. */
  start?: number;
  /** Last byte + 1 (exclusive); default the file size. */
  end?: number;
  /** Absolute offset at which the stream errors, emulating a cut connection. */
  cutAt?: number;
}

/**
 * Streams the bytes of `spec` in [start, end).
 * @example new Response(createMediaStream({ kind: "video", seed: 7, totalBytes: 5e6 }))
 */
export function createMediaStream(
  spec: MediaSpec,
  options: MediaStreamOptions = {},
): ReadableStream<Uint8Array> {
  const head = mediaHead(spec);
  const end = Math.min(options.end ?? spec.totalBytes, spec.totalBytes);
  const cut = options.cutAt !== undefined && options.cutAt < end;
  const limit = cut ? (options.cutAt as number) : end;
  let block: Uint8Array | null = null;
  let position = options.start ?? 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (position >= limit) {
        if (cut) controller.error(new Error("emulated connection cut mid-body"));
        else controller.close();
        return;
      }
      let chunk: Uint8Array;
      if (position < head.length) {
        chunk = head.subarray(position, Math.min(head.length, limit));
      } else {
        block ??= paddingBlock(spec.seed);
        const offset = (position - head.length) % BLOCK_BYTES;
        chunk = block.subarray(offset, Math.min(BLOCK_BYTES, offset + (limit - position)));
      }
      position += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

/**
 * SHA-256 (hex) of the whole file, computed by streaming it through `crypto.DigestStream`
 * (workerd's incremental digest), so memory stays at one block whatever the size.
 */
export async function digestMedia(spec: MediaSpec): Promise<string> {
  const digest = new crypto.DigestStream("SHA-256");
  await createMediaStream(spec).pipeTo(digest);
  return toHex(await digest.digest);
}

/** Lowercase hex of a digest. */
export function toHex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function paddingBlock(seed: number): Uint8Array {
  const next = mulberry32(seed);
  const words = new Uint32Array(BLOCK_BYTES / 4);
  for (let index = 0; index < words.length; index += 1) words[index] = Math.floor(next() * 4294967296);
  return new Uint8Array(words.buffer);
}

/** The sample PNG with a `tEXt` chunk `emulator-seed\0<seed>` inserted after IHDR. */
function seededPng(seed: number): Uint8Array {
  const ihdrEnd = 8 + 4 + 4 + 13 + 4; // signature, then IHDR's length, type, data, CRC
  const data = new TextEncoder().encode(`emulator-seed\0${seed >>> 0}`);
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set([0x74, 0x45, 0x58, 0x74], 4); // "tEXt"
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const png = new Uint8Array(SAMPLE_PNG.length + chunk.length);
  png.set(SAMPLE_PNG.subarray(0, ihdrEnd));
  png.set(chunk, ihdrEnd);
  png.set(SAMPLE_PNG.subarray(ihdrEnd), ihdrEnd + chunk.length);
  return png;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 as PNG chunks use it (ISO 3309, reflected polynomial 0xedb88320). */
function crc32(bytes: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n += 1) {
      let c = n;
      for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
