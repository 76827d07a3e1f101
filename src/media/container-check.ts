/**
 * @module media/container-check — proves a streamed file whole, and reads what it shows.
 *
 * A provider's download can end early without any error: a chunked body whose connection
 * closes, or a clean early end without a Content-Length. Counting bytes cannot tell, so the
 * file's own structure is the proof: each format declares where it ends (MP4 box sizes, PNG's
 * IEND, JPEG's EOI, the RIFF length, BMP's file size), and a file is whole only when the
 * bytes end exactly there. The check is fed the chunks as they pass into R2 and keeps only a
 * header's worth of state; on the way it reads `width`, `height` and (video) `duration_seconds`.
 */
import { BmpCheck, JpegCheck, PngCheck, WebpCheck } from "./image-checks";
import { Mp4Check } from "./mp4-check";

/** What a file's headers say it shows; each field only where known. */
export interface MediaMetadata {
  width?: number;
  height?: number;
  duration_seconds?: number;
}

export type ContainerVerdict = { ok: true; metadata: MediaMetadata } | { ok: false; problem: string };

/** An incremental check of one file: `push` every chunk in order, then `finish`. */
export interface ContainerCheck {
  /** Walks the chunk; returns why the file cannot be whole as soon as that is known, else null. */
  push(chunk: Uint8Array): string | null;
  /** The verdict once the bytes have ended. */
  finish(): ContainerVerdict;
}

type Walker = Mp4Check | PngCheck | JpegCheck | WebpCheck | BmpCheck;

const walkers: Record<string, (declared: number | null) => Walker> = {
  "video/mp4": (declared) => new Mp4Check(declared),
  "video/quicktime": (declared) => new Mp4Check(declared),
  "image/png": () => new PngCheck(),
  "image/jpeg": () => new JpegCheck(),
  "image/webp": (declared) => new WebpCheck(declared),
  "image/bmp": (declared) => new BmpCheck(declared),
};

/**
 * The check for a content type (as `sniffContentType` names it), or null when there is none.
 * `declared` is the Content-Length when one was sent: structures that overrun it fail early.
 * @example
 * const check = containerCheck("video/mp4", null)!;
 * for (const chunk of chunks) if (check.push(chunk)) break;
 * check.finish(); // { ok: true, metadata: { width: 1280, height: 720, duration_seconds: 5 } }
 */
export function containerCheck(contentType: string, declared: number | null): ContainerCheck | null {
  const create = Object.hasOwn(walkers, contentType) ? walkers[contentType] : undefined;
  if (!create) return null;
  const walker = create(declared);
  return {
    push: (chunk) => walker.push(chunk),
    finish: () => {
      const problem = walker.finish();
      return problem === null ? { ok: true, metadata: { ...walker.metadata } } : { ok: false, problem };
    },
  };
}

/** True when `containerCheck` can judge files of this type. */
export function canCheckContainer(contentType: string): boolean {
  return Object.hasOwn(walkers, contentType);
}
