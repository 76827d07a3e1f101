/**
 * @module media/store-upload — stores an uploaded file: its type and size checked, its bytes
 * proved to be what it says (signature), streamed into R2 under the tenant's upload prefix,
 * recorded in its own `UploadObject` before a byte is stored. Used by `POST /v1/uploads` and
 * by the OpenAI route's multipart `input_reference`, so a file is stored one way wherever it
 * arrives.
 */
import type { Env } from "../env";
import { ProblemError } from "../http/problem";
import { randomToken } from "../lib/ids";
import type { MediaKind } from "./signatures";
import { extensionOf, kindOf } from "./signatures";
import type { StreamFailure } from "./stream-to-r2";
import { streamToR2 } from "./stream-to-r2";
import { uploadPrefix } from "../uploads/upload-keys";

/** The types the models accept (API.md "Uploads and media"). */
export const uploadContentTypes = [
  "image/png",
  "image/jpeg",
  "image/webp",
  "image/bmp",
  "audio/mpeg",
  "audio/wav",
  "video/mp4",
  "video/quicktime",
] as const;

/** Other spellings browsers and tools send for the same formats. */
const aliases: Record<string, (typeof uploadContentTypes)[number]> = {
  "image/jpg": "image/jpeg",
  "audio/mp3": "audio/mpeg",
  "audio/x-wav": "audio/wav",
  "audio/wave": "audio/wav",
  "audio/vnd.wave": "audio/wav",
};

const mebibyte = 1024 * 1024;

/** Largest upload per kind, in bytes (the contract's MB read as MiB: the larger reading). */
export const uploadLimits: Record<MediaKind, number> = { image: 20 * mebibyte, audio: 15 * mebibyte, video: 100 * mebibyte };

/** The canonical declared type, or null when it is not one we take. */
export function declaredUploadType(header: string | undefined): string | null {
  const type = (header ?? "").split(";")[0]!.trim().toLowerCase();
  if ((uploadContentTypes as readonly string[]).includes(type)) return type;
  return aliases[type] ?? null;
}

/**
 * The type to store, given the declared type and what the bytes prove, or null to refuse.
 * Images and audio must match exactly. For video, MP4 and QuickTime are accepted for each
 * other: both are ISO-BMFF containers told apart only by the `ftyp` brand, the providers
 * take either, and clients mislabel them all the time — the bytes' own type is stored.
 */
export function acceptedUploadType(declared: string, sniffed: string | null): string | null {
  if (sniffed === declared) return declared;
  if (sniffed !== null && kindOf(declared) === "video" && kindOf(sniffed) === "video") return sniffed;
  return null;
}

const megabytes = (bytes: number) => `${bytes / mebibyte} MB`;

function uploadProblem(failure: StreamFailure, declared: string, limit: number): ProblemError {
  const kind = kindOf(declared)!;
  switch (failure.reason) {
    case "too_large":
      return new ProblemError(
        "payload_too_large",
        `${kind[0]!.toUpperCase()}${kind.slice(1)} uploads may be at most ${megabytes(limit)} (${limit} bytes)${failure.declared === null ? "" : `; this one is ${failure.declared} bytes`}.`,
      );
    case "too_short":
      return failure.bytes === 0
        ? new ProblemError("invalid_request", "The body is empty: send the file's bytes as the request body.")
        : new ProblemError("unsupported_media_type", `The body (${failure.bytes} bytes) is too short to be a ${declared} file.`);
    case "refused":
      return new ProblemError(
        "unsupported_media_type",
        failure.sniffed === null
          ? `The bytes are not a ${declared} file (their signature does not match Content-Type).`
          : `The bytes are ${failure.sniffed}, but Content-Type says ${declared}. Send the file with its real type.`,
      );
    case "interrupted":
      return new ProblemError("invalid_request", "The upload was cut short, or its length did not match Content-Length.");
    case "not_whole":
      return new ProblemError("invalid_request", `The upload is not a whole ${declared} file: ${failure.problem}.`);
    case "storage":
      return new ProblemError("internal_error", "The upload could not be stored. Please retry.");
  }
}

/** What an upload request gives: its declared type, its length if known, and its bytes. */
export interface UploadSource {
  declared: string;
  length: number | null;
  body: ReadableStream<Uint8Array>;
}

/**
 * Stores one upload for `tenant` and returns it as the API shows it. Throws `ProblemError`
 * (413, 415, 400) for a file that is not what it says or too large; nothing is left behind.
 * @example const upload = await storeUpload(env, tenant, { declared: "image/png", length, body })
 */
export async function storeUpload(env: Env, tenant: string, { declared, length, body }: UploadSource) {
  const limit = uploadLimits[kindOf(declared)!];
  const id = `upl_${randomToken(20)}`;
  const prefix = await uploadPrefix(tenant, id);
  const record = env.UPLOADS.get(env.UPLOADS.idFromName(id));
  // Recorded before a byte is stored: a write cut off by a crash is cleaned up by its alarm.
  if (!(await record.begin({ id, tenant, prefix }))) throw new ProblemError("internal_error", "The upload could not be stored. Please retry.");
  const result = await streamToR2({
    bucket: env.MEDIA,
    body,
    length,
    maxBytes: limit,
    accept: (sniffed) => acceptedUploadType(declared, sniffed),
    keyFor: (contentType) => `${prefix}upload.${extensionOf(contentType)}`,
  });
  if (!result.ok) {
    await record.abandon();
    throw uploadProblem(result.failure, declared, limit);
  }
  const { key, bytes, sha256, contentType } = result.value;
  const upload = await record.stored({ key, content_type: contentType, bytes, sha256 });
  if (!upload?.url) throw new ProblemError("internal_error", "The upload could not be stored. Please retry.");
  // Storage held counts in the tenant's usage (GET /v1/usage); a failed record loses a count, never the upload.
  await env.ACCOUNTS.get(env.ACCOUNTS.idFromName(tenant))
    .recordStorage([{ key, kind: "upload", bytes }])
    .catch(() => console.error("upload storage record failed"));
  return { ...upload, url: upload.url };
}
