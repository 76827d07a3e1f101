/**
 * @module media/image-checks — is a PNG, JPEG, WebP or BMP file whole, and its size in
 * pixels, read from its headers as it streams past.
 *
 * - PNG: the signature, then chunks (length, type, data, CRC) walked to `IEND`, which must
 *   be the last bytes; `IHDR` (first) gives the size.
 * - JPEG: SOI, then the marker segments walked to the first SOS (a SOFn gives the size);
 *   the entropy-coded data after it is not walked, and the file must end with EOI. A cut
 *   file cannot end in EOI by accident: inside scan data 0xFF is always followed by 0x00 or
 *   a restart marker.
 * - WebP: the RIFF length must equal the file's, and the chunks must fill it; `VP8X` (the
 *   canvas), `VP8` or `VP8L` give the size.
 * - BMP: the file size in its header must equal the file's.
 *
 * Bytes after the end of a file's structure are refused too: a whole file ends where its
 * structure says, and trailing bytes are no part of what the provider made.
 */
import type { MediaMetadata } from "./container-check";
import type { Step } from "./step-walker";
import { endOfFile, fourCc, StepWalker, viewOf } from "./step-walker";

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export class PngCheck extends StepWalker {
  readonly metadata: MediaMetadata = {};
  private first = true;

  constructor() {
    super();
    this.begin({
      read: 8,
      what: "the PNG signature",
      then: (bytes) => (pngSignature.every((byte, index) => bytes[index] === byte) ? this.chunk() : { fail: "it does not begin with the PNG signature" }),
    });
  }

  protected complete(): string | null {
    return null; // only reachable after IEND
  }

  private chunk(): Step {
    return { read: 8, what: "a PNG chunk header", then: (header) => this.chunkBody(header) };
  }

  private chunkBody(header: Uint8Array): Step {
    const length = viewOf(header).getUint32(0);
    const type = fourCc(header, 4);
    const start = this.offset - 8;
    if (length > 0x7fffffff) return { fail: `PNG chunk ${type} at byte ${start} declares ${length} bytes (more than PNG allows)` };
    if (this.first && type !== "IHDR") return { fail: `the first PNG chunk is ${JSON.stringify(type)}, not IHDR` };
    this.first = false;
    const rest = (after: number): Step => ({ skip: after, what: `PNG chunk ${type} (${length} bytes at byte ${start})`, then: () => (type === "IEND" ? endOfFile : this.chunk()) });
    if (type === "IEND" && length !== 0) return { fail: `the IEND chunk at byte ${start} is not empty` };
    if (type === "IHDR" && length >= 8) {
      return {
        read: 8,
        what: "the IHDR chunk",
        then: (bytes) => {
          this.metadata.width = viewOf(bytes).getUint32(0);
          this.metadata.height = viewOf(bytes).getUint32(4);
          return rest(length - 8 + 4);
        },
      };
    }
    return rest(length + 4); // the data and its CRC
  }
}

/** SOFn markers that carry the frame size (not DHT C4, JPG C8, DAC CC). */
const startOfFrame = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

export class JpegCheck extends StepWalker {
  readonly metadata: MediaMetadata = {};

  constructor() {
    super();
    this.begin({
      read: 2,
      what: "the JPEG start marker",
      then: (bytes) => (bytes[0] === 0xff && bytes[1] === 0xd8 ? this.marker() : { fail: "it does not begin with the JPEG start marker (SOI)" }),
    });
  }

  protected complete(): string | null {
    return null; // every end goes through `rest`
  }

  protected override completeRest(tail: Uint8Array): string | null {
    return tail.length === 2 && tail[0] === 0xff && tail[1] === 0xd9 ? null : "it does not end with the JPEG end marker (EOI)";
  }

  private marker(): Step {
    return {
      read: 2,
      what: "a JPEG marker",
      then: (bytes) => (bytes[0] === 0xff ? this.segment(bytes[1]!) : { fail: `no JPEG marker where one belongs (byte ${this.offset - 2})` }),
    };
  }

  private segment(code: number): Step {
    // 0xFF may be repeated before a marker code (fill bytes).
    if (code === 0xff) return { read: 1, what: "a JPEG marker", then: (bytes) => this.segment(bytes[0]!) };
    if (code === 0x01 || (code >= 0xd0 && code <= 0xd7)) return this.marker(); // no length
    if (code === 0xd8 || code === 0xd9) return { fail: `a JPEG ${code === 0xd8 ? "SOI" : "EOI"} marker before any image data` };
    return {
      read: 2,
      what: "a JPEG segment length",
      then: (bytes) => {
        const length = viewOf(bytes).getUint16(0) - 2;
        if (length < 0) return { fail: `a JPEG segment at byte ${this.offset - 4} has an impossible length` };
        const after = (): Step => (code === 0xda ? { rest: true } : this.marker());
        const rest = (count: number): Step => ({ skip: count, what: `a JPEG segment (0xFF${code.toString(16).toUpperCase()})`, then: after });
        if (!startOfFrame.has(code) || length < 5) return rest(length);
        return {
          read: 5,
          what: "the JPEG frame header",
          then: (frame) => {
            // precision (1 byte), height, width (§B.2.2)
            this.metadata.height ??= viewOf(frame).getUint16(1);
            this.metadata.width ??= viewOf(frame).getUint16(3);
            return rest(length - 5);
          },
        };
      },
    };
  }
}

export class WebpCheck extends StepWalker {
  readonly metadata: MediaMetadata = {};
  private riffEnd = 0;

  constructor(declared: number | null) {
    super();
    this.begin({
      read: 12,
      what: "the RIFF header",
      then: (bytes) => {
        if (fourCc(bytes, 0) !== "RIFF" || fourCc(bytes, 8) !== "WEBP") return { fail: "it does not begin with a RIFF WEBP header" };
        this.riffEnd = 8 + viewOf(bytes).getUint32(4, true);
        if (declared !== null && declared !== this.riffEnd) return { fail: `its RIFF header says ${this.riffEnd} bytes, its Content-Length ${declared}` };
        return this.chunk();
      },
    });
  }

  protected complete(): string | null {
    return null; // only reachable at the RIFF end
  }

  private chunk(): Step {
    const left = this.riffEnd - this.offset;
    if (left === 0) return endOfFile;
    if (left < 8) return { fail: `the RIFF chunks do not fill its ${this.riffEnd} bytes` };
    return { read: 8, what: "a WebP chunk header", then: (header) => this.chunkBody(fourCc(header, 0), viewOf(header).getUint32(4, true)) };
  }

  private chunkBody(type: string, size: number): Step {
    const start = this.offset - 8;
    const padded = size + (size & 1);
    if (this.offset + padded > this.riffEnd) return { fail: `WebP chunk ${type} at byte ${start} (${size} bytes) overruns the RIFF length` };
    const rest = (count: number): Step => ({ skip: count, what: `WebP chunk ${type} (${size} bytes at byte ${start})`, then: () => this.chunk() });
    const want = type === "VP8X" || type === "VP8 " ? 10 : type === "VP8L" ? 5 : 0;
    if (want === 0 || size < want || this.metadata.width !== undefined) return rest(padded);
    return {
      read: want,
      what: `WebP chunk ${type}`,
      then: (bytes) => {
        this.readSize(type, bytes);
        return rest(padded - want);
      },
    };
  }

  private readSize(type: string, bytes: Uint8Array): void {
    const view = viewOf(bytes);
    const uint24 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
    if (type === "VP8X") {
      this.metadata.width = 1 + uint24(4); // canvas width - 1, height - 1 (24-bit)
      this.metadata.height = 1 + uint24(7);
    } else if (type === "VP8 " && bytes[3] === 0x9d && bytes[4] === 0x01 && bytes[5] === 0x2a) {
      this.metadata.width = view.getUint16(6, true) & 0x3fff; // after the frame tag and start code
      this.metadata.height = view.getUint16(8, true) & 0x3fff;
    } else if (type === "VP8L" && bytes[0] === 0x2f) {
      const bits = view.getUint32(1, true); // 14 bits width - 1, 14 bits height - 1
      this.metadata.width = (bits & 0x3fff) + 1;
      this.metadata.height = ((bits >>> 14) & 0x3fff) + 1;
    }
  }
}

export class BmpCheck extends StepWalker {
  readonly metadata: MediaMetadata = {};

  constructor(declared: number | null) {
    super();
    this.begin({
      read: 26,
      what: "the BMP header",
      then: (bytes) => {
        const view = viewOf(bytes);
        const size = view.getUint32(2, true);
        if (bytes[0] !== 0x42 || bytes[1] !== 0x4d) return { fail: "it does not begin with a BMP header" };
        if (size < 26) return { fail: `its BMP header says ${size} bytes` };
        if (declared !== null && declared !== size) return { fail: `its BMP header says ${size} bytes, its Content-Length ${declared}` };
        // BITMAPCOREHEADER (12 bytes) has 16-bit sizes; later headers 32-bit, height negative when top-down.
        const core = view.getUint32(14, true) === 12;
        this.metadata.width = core ? view.getUint16(18, true) : Math.abs(view.getInt32(18, true));
        this.metadata.height = core ? view.getUint16(20, true) : Math.abs(view.getInt32(22, true));
        return { skip: size - 26, what: `the BMP data (${size} bytes in all)`, then: () => (endOfFile) };
      },
    });
  }

  protected complete(): string | null {
    return null;
  }
}
