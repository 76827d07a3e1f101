/**
 * @module sdk/cli/media-files — local files in (uploaded), results out (downloaded).
 */
import { createWriteStream } from "node:fs";
import { mkdir, readFile, stat } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { JobOutput, WanEdgeClient } from "../client/index";
import { UsageError } from "./usage-error";

/** The upload types `POST /v1/uploads` accepts, by file extension. */
const contentTypes: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".bmp": "image/bmp",
  ".mp3": "audio/mpeg",
  ".wav": "audio/wav",
  ".mp4": "video/mp4",
  ".mov": "video/quicktime",
};

const extensions: Record<string, string> = { "image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/bmp": ".bmp", "video/mp4": ".mp4", "video/quicktime": ".mov" };

export const isUrl = (value: string) => /^https?:\/\//i.test(value);

/**
 * The URL a job input takes for `value`: a URL as it is, a local file uploaded first.
 * `flag` names the option in errors.
 */
export async function inputUrl(client: WanEdgeClient, flag: string, value: string, signal: AbortSignal, log: (line: string) => void): Promise<string> {
  if (isUrl(value)) return value;
  const contentType = contentTypes[extname(value).toLowerCase()];
  if (!contentType) throw new UsageError(`${flag} ${value}: not a URL, and not a file type the gateway takes (${Object.keys(contentTypes).join(" ")})`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(value));
  } catch (error) {
    throw new UsageError(`${flag} ${value}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const upload = await client.uploads.create(bytes, { contentType, signal });
  log(`uploaded ${value} (${upload.bytes} bytes) → ${upload.url}`);
  return upload.url!; // an upload just made has its link (absent only once deleted)
}

/** Where `--out` puts output `index` of `count`: the file itself, or a file in a folder. */
export async function outputPath(out: string, jobId: string, output: JobOutput, count: number): Promise<string> {
  const isFolder = out.endsWith("/") || (await stat(out).then((info) => info.isDirectory(), () => false)) || count > 1;
  if (!isFolder) return out;
  return join(out, `${jobId}-${output.index}${extensions[output.content_type] ?? ""}`);
}

/** Streams a permanent link to `path` (folders created); returns the bytes written. */
export async function download(url: string, path: string, signal: AbortSignal): Promise<number> {
  const response = await fetch(url, { signal });
  if (!response.ok || !response.body) throw new Error(`download of ${url} failed: ${response.status}`);
  await mkdir(dirname(path), { recursive: true });
  let bytes = 0;
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  body.on("data", (chunk: Buffer) => (bytes += chunk.length));
  await pipeline(body, createWriteStream(path));
  return bytes;
}
