/**
 * @module sdk/ai/input-files — the AI SDK's files as URLs a wan-edge job takes.
 *
 * A URL passes through; bytes (or base64) are stored with `POST /v1/uploads` first, whose
 * permanent link then serves as the input — the same path the playground and the CLI take.
 */
import type { WanEdgeClient } from "../client/index";

export type SdkFile = { type: "url"; url: string } | { type: "file"; mediaType?: string; data: string | Uint8Array };

function base64Bytes(value: string): Uint8Array {
  const binary = atob(value);
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

/** The input URL for `file`; `field` names it in an error. */
export async function fileUrl(client: WanEdgeClient, file: SdkFile, field: string, signal?: AbortSignal): Promise<string> {
  if (file.type === "url") return file.url;
  if (!file.mediaType) throw new TypeError(`${field}: a file needs its media type (image/png, audio/mpeg, video/mp4, …)`);
  const bytes = typeof file.data === "string" ? base64Bytes(file.data) : file.data;
  const upload = await client.uploads.create(bytes, { contentType: file.mediaType, signal });
  return upload.url!; // an upload just made has its link (absent only once deleted)
}
