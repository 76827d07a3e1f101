/**
 * @module media-check
 * Test helpers that read generated outputs the way a careful client would: MP4 top-level boxes
 * must tile the file exactly, and the `mvhd` duration, the video `tkhd` size and the `avc1`
 * entry are read back; a PNG's chunks are walked, CRCs checked and its zlib stream inflated.
 */
import { crc32 } from "./core/png-writer";

export interface Box {
  type: string;
  start: number;
  size: number;
  /** Offset of the payload (after the 8- or 16-byte header). */
  body: number;
}

const text = (bytes: Uint8Array, at: number, length = 4) => String.fromCharCode(...bytes.subarray(at, at + length));

/** The boxes in [start, end); throws unless they tile the range exactly. */
export function boxes(bytes: Uint8Array, start = 0, end = bytes.length): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: Box[] = [];
  for (let at = start; at < end; ) {
    if (end - at < 8) throw new Error(`${end - at} stray bytes at ${at}`);
    let size = view.getUint32(at);
    let body = at + 8;
    if (size === 1) {
      size = Number(view.getBigUint64(at + 8));
      body = at + 16;
    }
    if (size < body - at || at + size > end) throw new Error(`box ${text(bytes, at + 4)} at ${at} overruns (${size})`);
    found.push({ type: text(bytes, at + 4), start: at, size, body });
    at += size;
  }
  return found;
}

/** The box at a path such as ["moov", "trak", "tkhd"] (first match at each level). */
export function findBox(bytes: Uint8Array, path: string[]): Box {
  let range = { start: 0, end: bytes.length };
  let found: Box | undefined;
  for (const type of path) {
    found = boxes(bytes, range.start, range.end).find((box) => box.type === type);
    if (found === undefined) throw new Error(`no ${path.join("/")}`);
    range = { start: found.body, end: found.start + found.size };
  }
  return found as Box;
}

/** What an MP4's headers say. */
export interface Mp4Facts {
  topLevel: string[];
  durationSeconds: number;
  tkhdWidth: number;
  tkhdHeight: number;
  sampleEntryWidth: number;
  sampleEntryHeight: number;
  samples: number;
}

export function mp4Facts(bytes: Uint8Array): Mp4Facts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mvhd = findBox(bytes, ["moov", "mvhd"]);
  const tkhd = findBox(bytes, ["moov", "trak", "tkhd"]);
  const stbl = ["moov", "trak", "mdia", "minf", "stbl"];
  const stsd = findBox(bytes, [...stbl, "stsd"]);
  const stsz = findBox(bytes, [...stbl, "stsz"]);
  // version-0 layouts: mvhd timescale at +12, duration at +16; tkhd width/height at +76/+80.
  const avc1 = stsd.body + 8; // after version/flags and entry_count
  return {
    topLevel: boxes(bytes).map((box) => box.type),
    durationSeconds: view.getUint32(mvhd.body + 16) / view.getUint32(mvhd.body + 12),
    tkhdWidth: view.getUint32(tkhd.body + 76) / 0x10000,
    tkhdHeight: view.getUint32(tkhd.body + 80) / 0x10000,
    sampleEntryWidth: view.getUint16(avc1 + 8 + 24),
    sampleEntryHeight: view.getUint16(avc1 + 8 + 26),
    samples: view.getUint32(stsz.body + 8),
  };
}

/** What a PNG's chunks say; throws on a bad signature, CRC or order. */
export async function pngFacts(bytes: Uint8Array): Promise<{ width: number; height: number; chunks: string[]; inflated: Uint8Array }> {
  if ([...bytes.subarray(0, 8)].join() !== "137,80,78,71,13,10,26,10") throw new Error("not a PNG signature");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: string[] = [];
  const idat: Uint8Array[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = view.getUint32(at);
    const type = text(bytes, at + 4);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) throw new Error(`bad CRC in ${type}`);
    chunks.push(type);
    if (type === "IDAT") idat.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  if (chunks[0] !== "IHDR" || chunks.at(-1) !== "IEND") throw new Error(`bad chunk order ${chunks.join()}`);
  const inflated = new Uint8Array(await new Response(new Blob(idat).stream().pipeThrough(new DecompressionStream("deflate"))).arrayBuffer());
  return { width: view.getUint32(16), height: view.getUint32(20), chunks, inflated };
}
