/**
 * @module media/mp4-check — is an MP4 (or QuickTime) file whole, and what it shows, read
 * from its box headers as it streams past.
 *
 * Whole means: the top-level boxes tile the file exactly, from `ftyp` at byte 0 to the last
 * byte (each box's size — 32-bit, 64-bit `largesize`, or 0 for "to the end of the file" —
 * ends where the next begins, and the last one ends where the file does), and `moov` and
 * `mdat` are among them. A download cut anywhere, even cleanly between chunks, ends inside
 * a box and is refused. Inside `moov` the walk descends only as far as the metadata needs
 * (`moov` → `mvhd`; `trak` → `tkhd`, `mdia` → `hdlr`) and skips everything else, so the
 * state it keeps is one small header, never `moov` itself.
 *
 * What structure cannot prove: without a Content-Length, a body that ends exactly at a
 * top-level box boundary after `moov` and `mdat` are complete (dropping only trailing boxes
 * such as `free` or `udta`) looks whole — and is playable. A last box of size 0 ("to the
 * end") proves nothing without a length, so it is refused then rather than guessed at.
 */
import type { MediaMetadata } from "./container-check";
import type { Step } from "./step-walker";
import { fourCc, StepWalker, viewOf } from "./step-walker";

/** Boxes the walk descends into, by the box they must sit in ("" = top level). */
const containers: Record<string, string> = { moov: "", trak: "moov", mdia: "trak" };
/** Header boxes the metadata is read from, by their parent. */
const readParent: Record<string, string> = { mvhd: "moov", tkhd: "trak", hdlr: "mdia" };
/** The most of a header box that is read (`tkhd` version 1, the longest, is 96 bytes). */
const headerBoxBytes = 128;

interface OpenBox {
  type: string;
  end: number;
}

export class Mp4Check extends StepWalker {
  readonly metadata: MediaMetadata = {};
  /** Containers being walked, innermost last; the file itself is the implicit root. */
  private readonly open: OpenBox[] = [];
  private readonly topLevel = new Set<string>();
  private track: { video: boolean; width: number; height: number } | null = null;

  /** `declared`: the Content-Length when one was sent (boxes must fit in it). */
  constructor(private readonly declared: number | null) {
    super();
    this.begin(this.header());
  }

  protected complete(): string | null {
    if (!this.topLevel.has("moov")) return "it has no moov box (the index a player needs)";
    if (!this.topLevel.has("mdat")) return "it has no mdat box (the media data)";
    return null;
  }

  /** The next box header, once every container that ends here is closed. */
  private header(): Step {
    for (let box = this.open.at(-1); box && this.offset >= box.end; box = this.open.at(-1)) {
      this.open.pop();
      if (box.type === "trak") this.closeTrack();
    }
    const parent = this.open.at(-1);
    // Fewer bytes left than a header: QuickTime pads some containers with a 32-bit zero.
    if (parent && parent.end - this.offset < 8) return { skip: parent.end - this.offset, what: `the end of box ${parent.type}`, then: () => this.header() };
    const what = parent ? `a box header inside ${parent.type}` : "a top-level box header";
    return { read: 8, what, boundary: !parent, then: (bytes) => this.box(bytes) };
  }

  private box(header: Uint8Array): Step {
    const size = viewOf(header).getUint32(0);
    const type = fourCc(header, 4);
    const start = this.offset - 8;
    if (this.open.length === 0) {
      if (start === 0 && type !== "ftyp") return { fail: `it does not begin with an ftyp box (found ${JSON.stringify(type)})` };
      this.topLevel.add(type);
    }
    if (size === 1) {
      return {
        read: 8,
        what: `the 64-bit size of box ${type}`,
        then: (large) => {
          const size = viewOf(large).getBigUint64(0);
          if (size > BigInt(Number.MAX_SAFE_INTEGER)) return { fail: `box ${type} at byte ${start} declares ${size} bytes` };
          return this.body(type, start, Number(size), 16);
        },
      };
    }
    if (size === 0) {
      // "To the end of the file": of its parent inside a container, else of the declared length.
      const end = this.open.at(-1)?.end ?? this.declared;
      if (end === null) {
        return { fail: `box ${type} runs to the end of the file (size 0), which cannot be proven whole without a Content-Length` };
      }
      return this.body(type, start, end - start, 8);
    }
    return this.body(type, start, size, 8);
  }

  private body(type: string, start: number, size: number, headerBytes: number): Step {
    if (size < headerBytes) return { fail: `box ${type} at byte ${start} declares ${size} bytes, less than its own header` };
    const end = start + size;
    const parent = this.open.at(-1);
    if (parent && end > parent.end) return { fail: `box ${type} at byte ${start} (${size} bytes) overruns its parent ${parent.type}` };
    if (!parent && this.declared !== null && end > this.declared) {
      return { fail: `box ${type} at byte ${start} (${size} bytes) overruns the file's ${this.declared} bytes (Content-Length)` };
    }
    const parentType = parent?.type ?? "";
    if (containers[type] === parentType) {
      this.open.push({ type, end });
      if (type === "trak") this.track = { video: false, width: 0, height: 0 };
      return this.header();
    }
    const skipRest = (): Step => ({ skip: end - this.offset, what: `box ${type} (${size} bytes at byte ${start})`, then: () => this.header() });
    if (readParent[type] === parentType) {
      const read = Math.min(end - this.offset, headerBoxBytes);
      return {
        read,
        what: `box ${type}`,
        then: (bytes) => {
          this.readHeaderBox(type, bytes);
          return skipRest();
        },
      };
    }
    return skipRest();
  }

  private readHeaderBox(type: string, bytes: Uint8Array): void {
    const view = viewOf(bytes);
    const version = bytes[0];
    if (type === "mvhd") {
      // version 0: 32-bit times and duration; version 1: 64-bit (ISO/IEC 14496-12 §8.2.2).
      const [timescaleAt, durationAt, durationBytes] = version === 1 ? [20, 24, 8] : [12, 16, 4];
      if (bytes.length < durationAt + durationBytes) return;
      const timescale = view.getUint32(timescaleAt);
      const duration = durationBytes === 8 ? view.getBigUint64(durationAt) : BigInt(view.getUint32(durationAt));
      const unknown = duration === (durationBytes === 8 ? 0xffffffffffffffffn : 0xffffffffn);
      if (timescale > 0 && !unknown) this.metadata.duration_seconds = Math.round((Number(duration) / timescale) * 1000) / 1000;
    } else if (type === "tkhd" && this.track) {
      // width and height are 16.16 fixed point, the last 8 bytes of the box (§8.3.2).
      const widthAt = version === 1 ? 88 : 76;
      if (bytes.length < widthAt + 8) return;
      this.track.width = Math.round(view.getUint32(widthAt) / 65536);
      this.track.height = Math.round(view.getUint32(widthAt + 4) / 65536);
    } else if (type === "hdlr" && this.track && bytes.length >= 12) {
      this.track.video = fourCc(bytes, 8) === "vide";
    }
  }

  /** The first video track with a size gives the file's. */
  private closeTrack(): void {
    const track = this.track;
    this.track = null;
    if (track?.video && track.width > 0 && track.height > 0 && this.metadata.width === undefined) {
      this.metadata.width = track.width;
      this.metadata.height = track.height;
    }
  }
}
