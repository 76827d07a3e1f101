/**
 * @module mp4-writer
 * Builds the emulator's MP4 outputs (ISO/IEC 14496-12/-15): `ftyp`, then `moov` (faststart),
 * then `mdat` with one H.264 track of a solid-colour picture repeated at 24 fps. The headers
 * carry what the job asked for, as a real provider's file would: `mvhd`/`tkhd`/`mdhd` duration =
 * the requested seconds, `tkhd` and the `avc1` entry (and the coded SPS) = the requested width ×
 * height. A few KB whatever the size; the caller appends a `free` box to pad it.
 */
import { idrPicture, pictureParameterSet, sequenceParameterSet, skipPicture, type YCbCr } from "./h264-writer";

/** What a clip shows. */
export interface ClipSpec {
  width: number;
  height: number;
  /** Whole seconds, ≥ 1. */
  seconds: number;
  colour: YCbCr;
}

export const FRAMES_PER_SECOND = 24;
/** Movie time in milliseconds; media time in 1/24000 s so every frame lasts 1000 ticks. */
const MOVIE_TIMESCALE = 1000;
const MEDIA_TIMESCALE = FRAMES_PER_SECOND * 1000;

/** The identity transform of `mvhd` and `tkhd` (16.16 and 2.30 fixed point). */
const MATRIX = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];

/**
 * The whole clip file.
 * @example buildClip({ width: 1280, height: 720, seconds: 5, colour: { y: 90, cb: 160, cr: 110 } })
 */
export function buildClip(spec: ClipSpec): Uint8Array {
  const size = { width: spec.width, height: spec.height };
  const sps = sequenceParameterSet(size);
  const pps = pictureParameterSet();
  const frames = spec.seconds * FRAMES_PER_SECOND;
  // Samples are length-prefixed NAL units (avcC lengthSizeMinusOne = 3).
  const samples: Uint8Array[] = [withLength(idrPicture(size, spec.colour))];
  for (let frame = 1; frame < frames; frame += 1) samples.push(withLength(skipPicture(size, frame)));

  const ftyp = box("ftyp", ascii("isom"), u32(0x200), ascii("isom"), ascii("iso2"), ascii("avc1"), ascii("mp41"));
  const movieDuration = spec.seconds * MOVIE_TIMESCALE;
  // stco needs the offset of mdat's payload, which depends on moov's size: build moov twice.
  const moovFor = (mdatPayloadAt: number) => moov(spec, sps, pps, samples, movieDuration, mdatPayloadAt);
  const moovSize = moovFor(0).length;
  const movie = moovFor(ftyp.length + moovSize + 8);
  const mdat = box("mdat", ...samples);
  return concat([ftyp, movie, mdat]);
}

function moov(spec: ClipSpec, sps: Uint8Array, pps: Uint8Array, samples: Uint8Array[], duration: number, dataAt: number): Uint8Array {
  const mvhd = fullBox("mvhd", 0, 0, u32(0), u32(0), u32(MOVIE_TIMESCALE), u32(duration), u32(0x00010000), u16(0x0100), zeros(10), ...MATRIX.map(u32), zeros(24), u32(2));
  const tkhd = fullBox(
    "tkhd", 0, 3, // flags: track enabled, in movie
    u32(0), u32(0), u32(1), u32(0), u32(duration), zeros(8), u16(0), u16(0), u16(0), u16(0),
    ...MATRIX.map(u32), u32(spec.width * 0x10000), u32(spec.height * 0x10000),
  );
  const mediaDuration = samples.length * 1000;
  const mdhd = fullBox("mdhd", 0, 0, u32(0), u32(0), u32(MEDIA_TIMESCALE), u32(mediaDuration), u16(0x55c4), u16(0)); // language "und"
  const hdlr = fullBox("hdlr", 0, 0, u32(0), ascii("vide"), zeros(12), ascii("VideoHandler\0"));
  const avcC = box("avcC", Uint8Array.of(1, sps[1] as number, sps[2] as number, sps[3] as number, 0xff, 0xe1), u16(sps.length), sps, Uint8Array.of(1), u16(pps.length), pps);
  const avc1 = box(
    "avc1", zeros(6), u16(1), zeros(16), u16(spec.width), u16(spec.height),
    u32(0x00480000), u32(0x00480000), u32(0), u16(1), zeros(32), u16(0x0018), u16(0xffff), avcC,
  );
  const stbl = box(
    "stbl",
    fullBox("stsd", 0, 0, u32(1), avc1),
    fullBox("stts", 0, 0, u32(1), u32(samples.length), u32(1000)),
    fullBox("stss", 0, 0, u32(1), u32(1)),
    fullBox("stsc", 0, 0, u32(1), u32(1), u32(samples.length), u32(1)),
    fullBox("stsz", 0, 0, u32(0), u32(samples.length), ...samples.map((sample) => u32(sample.length))),
    fullBox("stco", 0, 0, u32(1), u32(dataAt)),
  );
  const dinf = box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1)));
  const minf = box("minf", fullBox("vmhd", 0, 1, zeros(8)), dinf, stbl);
  return box("moov", mvhd, box("trak", tkhd, box("mdia", mdhd, hdlr, minf)));
}

function withLength(nal: Uint8Array): Uint8Array {
  return concat([u32(nal.length), nal]);
}

function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const payload = concat(parts);
  return concat([u32(payload.length + 8), ascii(type), payload]);
}

function fullBox(type: string, version: number, flags: number, ...parts: Uint8Array[]): Uint8Array {
  return box(type, u32(((version & 0xff) << 24) | (flags & 0xffffff)), ...parts);
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value >>> 0);
  return bytes;
}

function u16(value: number): Uint8Array {
  return Uint8Array.of((value >>> 8) & 0xff, value & 0xff);
}

function zeros(length: number): Uint8Array {
  return new Uint8Array(length);
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
