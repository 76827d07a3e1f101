/**
 * @module png-writer
 * Builds the emulator's PNG outputs (PNG spec, RFC 1950/1951): a one-colour picture of the
 * requested width × height, small and cheap whatever the size. It is a 1-bit indexed image whose
 * one palette entry is the colour, so every row is zeros, and the zlib stream encodes that run
 * with fixed-Huffman back-references (13 bits per 258 bytes: about 13 KB for 4096×4096). A
 * `tEXt` chunk carries the seed, so two seeds never give the same file.
 */

export interface PngSpec {
  width: number;
  height: number;
  /** The colour, 0xRRGGBB. */
  rgb: number;
  seed: number;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/**
 * @example buildPng({ width: 2048, height: 2048, rgb: 0x3366cc, seed: 7 })
 */
export function buildPng(spec: PngSpec): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, spec.width);
  view.setUint32(4, spec.height);
  ihdr.set([1, 3, 0, 0, 0], 8); // bit depth 1, colour type 3 (indexed), deflate, no filter, no interlace
  const text = new TextEncoder().encode(`emulator-seed\0${spec.seed >>> 0}`);
  const palette = Uint8Array.of((spec.rgb >>> 16) & 0xff, (spec.rgb >>> 8) & 0xff, spec.rgb & 0xff);
  // Each row: filter byte 0 then ceil(width / 8) bytes of index 0.
  const rawLength = spec.height * (1 + Math.ceil(spec.width / 8));
  const parts = [
    SIGNATURE,
    chunk("IHDR", ihdr),
    chunk("tEXt", text),
    chunk("PLTE", palette),
    chunk("IDAT", zlibZeros(rawLength)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let index = 0; index < 4; index += 1) out[4 + index] = type.charCodeAt(index);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Writes a deflate bit stream: values least-significant bit first, Huffman codes most first. */
class DeflateBits {
  private readonly bytes: number[] = [];
  private current = 0;
  private count = 0;

  value(value: number, bits: number): void {
    for (let index = 0; index < bits; index += 1) this.push((value >>> index) & 1);
  }

  code(code: number, bits: number): void {
    for (let index = bits - 1; index >= 0; index -= 1) this.push((code >>> index) & 1);
  }

  finish(): number[] {
    if (this.count > 0) this.bytes.push(this.current);
    return this.bytes;
  }

  private push(bit: number): void {
    this.current |= bit << this.count;
    this.count += 1;
    if (this.count === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.count = 0;
    }
  }
}

/** Length codes 257–284: [first length, extra bits] (RFC 1951 §3.2.5); 285 is 258 exactly. */
const LENGTH_CODES: ReadonlyArray<readonly [number, number]> = [
  [3, 0], [4, 0], [5, 0], [6, 0], [7, 0], [8, 0], [9, 0], [10, 0], [11, 1], [13, 1], [15, 1], [17, 1],
  [19, 2], [23, 2], [27, 2], [31, 2], [35, 3], [43, 3], [51, 3], [59, 3], [67, 4], [83, 4], [99, 4], [115, 4],
  [131, 5], [163, 5], [195, 5], [227, 5],
];

/** The fixed Huffman code of a literal/length symbol (RFC 1951 §3.2.6). */
function fixedCode(bits: DeflateBits, symbol: number): void {
  if (symbol < 144) bits.code(0x30 + symbol, 8);
  else if (symbol < 256) bits.code(0x190 + symbol - 144, 9);
  else if (symbol < 280) bits.code(symbol - 256, 7);
  else bits.code(0xc0 + symbol - 280, 8);
}

/** A zlib stream of `length` zero bytes: one literal, then copies at distance 1. */
function zlibZeros(length: number): Uint8Array {
  const bits = new DeflateBits();
  bits.value(1, 1); // BFINAL
  bits.value(1, 2); // BTYPE 01: fixed Huffman codes
  let left = length;
  if (left > 0) {
    fixedCode(bits, 0);
    left -= 1;
  }
  while (left > 0) {
    if (left < 3) {
      fixedCode(bits, 0);
      left -= 1;
      continue;
    }
    // Never leave 1 or 2 bytes behind a 258 copy when a shorter copy can end the run.
    const run = left >= 258 + 3 || left === 258 ? 258 : Math.min(left, 257);
    if (run === 258) {
      fixedCode(bits, 285);
    } else {
      let symbol = LENGTH_CODES.length - 1;
      while ((LENGTH_CODES[symbol] as readonly [number, number])[0] > run) symbol -= 1;
      const [base, extra] = LENGTH_CODES[symbol] as readonly [number, number];
      fixedCode(bits, 257 + symbol);
      bits.value(run - base, extra);
    }
    bits.code(0, 5); // distance code 0: distance 1, no extra bits
    left -= run;
  }
  fixedCode(bits, 256); // end of block
  const deflate = bits.finish();
  // Adler-32 of zeros: A stays 1, B adds 1 per byte.
  const adler = (((length % 65521) << 16) | 1) >>> 0;
  const out = new Uint8Array(2 + deflate.length + 4);
  out.set([0x78, 0x01]); // CM 8 (deflate), 32 KiB window, FCHECK so that 0x7801 % 31 === 0
  out.set(deflate, 2);
  new DataView(out.buffer).setUint32(2 + deflate.length, adler);
  return out;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 as PNG chunks use it (ISO 3309, reflected polynomial 0xedb88320). */
export function crc32(bytes: Uint8Array): number {
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
