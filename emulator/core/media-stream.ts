/**
 * @module media-stream
 * Generates output files as streams, never as whole buffers, so a 500 MB "video" costs one
 * 64 KiB block of memory. A video is a generated MP4 clip carrying the requested size and
 * duration (./mp4-writer.ts) followed, when a size is asked for, by one top-level MP4 `free` box
 * (players skip it) whose payload is a seeded 64 KiB block repeated; an image is a generated PNG
 * of the requested size (./png-writer.ts). The colour and the padding come from the seed: every
 * seed gives a different file and hash, every byte is reproducible.
 */
import { buildClip } from "./mp4-writer";
import { buildPng } from "./png-writer";
import { mulberry32 } from "./random";

export type MediaKind = "video" | "image";

/** What identifies a generated file's bytes. */
export interface MediaSpec {
  kind: MediaKind;
  /** Seeds the colour, the padding (video) and the `tEXt` chunk (image). */
  seed: number;
  /** Total file size; for images always `mediaHead(spec).length`. */
  totalBytes: number;
  /** Picture size in pixels, as the job asked for it. */
  width: number;
  height: number;
  /** Video duration in whole seconds (ignored for images). */
  seconds: number;
}

/** Padding is emitted in blocks of this size; one block is allocated per stream. */
export const BLOCK_BYTES = 64 * 1024;

const FREE_HEADER_BYTES = 8;
const FREE_LARGE_HEADER_BYTES = 16;

/**
 * The smallest padded size a plan may ask for: above every generated clip (1920×1080 for 15 s
 * is about 15 KB) plus its `free` header, so any `media_bytes` fits any request.
 */
export const MIN_PADDED_VIDEO_BYTES = 64 * 1024;

/** The file's own bytes, before any padding: the clip or the PNG. */
export function naturalMedia(spec: Omit<MediaSpec, "totalBytes">): Uint8Array {
  const next = mulberry32(spec.seed ^ 0x5eed);
  const pick = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
  if (spec.kind === "image") {
    return buildPng({ width: spec.width, height: spec.height, rgb: (pick(0, 255) << 16) | (pick(0, 255) << 8) | pick(0, 255), seed: spec.seed });
  }
  // Video-range Y'CbCr, away from 0–3 so the PCM samples never need emulation prevention.
  return buildClip({ width: spec.width, height: spec.height, seconds: spec.seconds, colour: { y: pick(32, 220), cb: pick(40, 216), cr: pick(40, 216) } });
}

/** The file's bytes before the repeated padding (a fresh copy: streams may hand it off). */
export function mediaHead(spec: MediaSpec): Uint8Array {
  const clip = naturalMedia(spec);
  if (spec.kind === "image") return clip;
  const padding = spec.totalBytes - clip.length;
  if (padding <= 0) return clip;
  const large = padding > 0xffffffff;
  const header = large ? FREE_LARGE_HEADER_BYTES : FREE_HEADER_BYTES;
  const head = new Uint8Array(clip.length + header);
  head.set(clip);
  const view = new DataView(head.buffer, clip.length, header);
  // ISO/IEC 14496-12 box header: size 1 means "a 64-bit size follows the type".
  view.setUint32(0, large ? 1 : padding);
  head.set([0x66, 0x72, 0x65, 0x65], clip.length + 4); // "free"
  if (large) view.setBigUint64(8, BigInt(padding));
  return head;
}

/**
 * The size a file will have: the natural size, or for a video `padTo` when it leaves room for a
 * `free` box (the plan guarantees it does, see MIN_PADDED_VIDEO_BYTES).
 */
export function mediaSize(spec: Omit<MediaSpec, "totalBytes">, padTo: number | undefined): number {
  const natural = naturalMedia(spec).length;
  if (spec.kind === "image" || padTo === undefined || padTo < natural + FREE_HEADER_BYTES) return natural;
  return padTo;
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
