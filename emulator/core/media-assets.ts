/**
 * @module media-assets
 * The two real media files every emulated output is built from, embedded as base64 so the
 * emulator needs no file system (it runs inside workerd) and no network.
 *
 * - `SAMPLE_MP4`: 1 s, 64x64, 10 fps, H.264 baseline, faststart (moov before mdat), made with
 *   `ffmpeg -f lavfi -i color=c=0x3366cc:s=64x64:r=10:d=1 -c:v libx264 -preset veryslow -crf 40
 *   -pix_fmt yuv420p -profile:v baseline -bsf:v filter_units=remove_types=6 -movflags +faststart
 *   -an -map_metadata -1 -fflags +bitexact -flags:v +bitexact` (the SEI filter drops x264's
 *   settings banner, which would otherwise be most of the file).
 * - `SAMPLE_PNG`: 16x16 RGB, one colour.
 */

const SAMPLE_MP4_BASE64 =
  "AAAAIGZ0eXBpc29tAAACAGlzb21pc28yYXZjMW1wNDEAAAMpbW9vdgAAAGxtdmhkAAAAAAAAAAAAAAAAAAAD6AAAA+gAAQAAAQAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAnh0cmFrAAAAXHRraGQAAAADAAAAAAAAAAAAAAABAAAAAAAAA+gAAAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAABAAAAAAEAAAABAAAAAAAAkZWR0cwAAABxlbHN0AAAAAAAAAAEAAAPoAAAAAAABAAAAAAHwbWRpYQAAACBtZGhkAAAAAAAAAAAAAAAAAAAoAAAAKABVxAAAAAAALWhkbHIAAAAAAAAAAHZpZGUAAAAAAAAAAAAAAABWaWRlb0hhbmRsZXIAAAABm21pbmYAAAAUdm1oZAAAAAEAAAAAAAAAAAAAACRkaW5mAAAAHGRyZWYAAAAAAAAAAQAAAAx1cmwgAAAAAQAAAVtzdGJsAAAAu3N0c2QAAAAAAAAAAQAAAKthdmMxAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAAAEAAQABIAAAASAAAAAAAAAABDExhdmMgbGlieDI2NAAAAAAAAAAAAAAAAAAAAAAAAAAAGP//AAAAMWF2Y0MBQsAK/+EAGGdCwAqmERCbARAAAAMAEAAAAwFA8SJhGAEABmjIQgOSyAAAABBwYXNwAAAAAQAAAAEAAAAUYnRydAAAAAAAAAQYAAAEGAAAABhzdHRzAAAAAAAAAAEAAAAKAAAEAAAAABRzdHNzAAAAAAAAAAEAAAABAAAAHHN0c2MAAAAAAAAAAQAAAAEAAAAKAAAAAQAAADxzdHN6AAAAAAAAAAAAAAAKAAAAIwAAAAoAAAAKAAAACgAAAAsAAAALAAAACwAAAAsAAAALAAAACwAAABRzdGNvAAAAAAAAAAEAAANZAAAAPXVkdGEAAAA1bWV0YQAAAAAAAAAhaGRscgAAAAAAAAAAbWRpcmFwcGwAAAAAAAAAAAAAAAAIaWxzdAAAAAhmcmVlAAAAi21kYXQAAAAfZYiCB/iMUAAQMY4AAgdRwABAVvvvrrrrrrrrrrrrwAAAAAZBmhwP8IwAAAAGQZoqA/wjAAAABkGaOwP8IwAAAAdBmkkA/wjAAAAAB0GaWUD/CMAAAAAHQZppgP8IwAAAAAdBmnnA/wjAAAAAB0GaiIA7wjAAAAAHQZqYkDfCMA==";

const SAMPLE_PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAACXBIWXMAAAABAAAAAQBPJcTWAAAAFklEQVR4nGM4lWJIEmIY1TCqYfhqAAAzll8QSmItmAAAAABJRU5ErkJggg==";

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** The tiny MP4 clip (starts with an `ftyp` box). Treat as read-only: it is shared. */
export const SAMPLE_MP4: Uint8Array = decodeBase64(SAMPLE_MP4_BASE64);

/** The tiny PNG (signature, IHDR, pHYs, IDAT, IEND). Treat as read-only: it is shared. */
export const SAMPLE_PNG: Uint8Array = decodeBase64(SAMPLE_PNG_BASE64);
