/**
 * @module media/signatures — what a file is, from its first bytes (never from a header).
 */

/** Bytes needed to recognise every supported type. */
export const signatureLength = 12;

export type MediaKind = "video" | "image" | "audio";

function ascii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let index = 0; index < text.length; index++) if (bytes[offset + index] !== text.charCodeAt(index)) return false;
  return true;
}

/**
 * The MIME type the leading bytes prove, or null.
 * @example sniffContentType(new Uint8Array([0,0,0,24,102,116,121,112,105,115,111,109])) // "video/mp4"
 */
export function sniffContentType(head: Uint8Array): string | null {
  if (ascii(head, 4, "ftyp")) return ascii(head, 8, "qt  ") ? "video/quicktime" : "video/mp4";
  if (head[0] === 0x89 && ascii(head, 1, "PNG\r\n\x1a\n")) return "image/png";
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "WEBP")) return "image/webp";
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "WAVE")) return "audio/wav";
  if (ascii(head, 0, "BM") && head.length >= 6) return "image/bmp";
  if (ascii(head, 0, "ID3") || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return "audio/mpeg";
  return null;
}

/** The kind of a MIME type we handle. */
export function kindOf(contentType: string): MediaKind | null {
  if (contentType.startsWith("video/")) return "video";
  if (contentType.startsWith("image/")) return "image";
  if (contentType.startsWith("audio/")) return "audio";
  return null;
}

/** File extension for a MIME type (used in R2 keys, so downloads get sensible names). */
export function extensionOf(contentType: string): string {
  const map: Record<string, string> = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/bmp": "bmp",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
  };
  return map[contentType] ?? "bin";
}
