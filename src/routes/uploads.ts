/**
 * @module routes/uploads — `POST /v1/uploads`: a client's file into R2, as a URL usable as
 * any job input; `DELETE /v1/uploads/{id}` removes it.
 *
 * The body is the raw file with its own Content-Type (no multipart form: nothing to parse,
 * and the bytes can stream straight through). The declared type must be one the models
 * take, the size within its kind's limit — checked from Content-Length before a byte is
 * read, and again while streaming — and the leading bytes must prove the declared type
 * before anything is stored. The file streams into R2 (never buffered whole) and is
 * hashed on the way. Each upload has a Durable Object (uploads/upload-object) that is
 * written before the bytes and decides when the file expires.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import { ProblemError } from "../http/problem";
import { randomToken } from "../lib/ids";
import { purgeMediaCache } from "../media/media-cache";
import type { MediaKind } from "../media/signatures";
import { extensionOf, kindOf } from "../media/signatures";
import type { StreamFailure } from "../media/stream-to-r2";
import { streamToR2 } from "../media/stream-to-r2";
import { isUploadId, uploadPrefix } from "../uploads/upload-keys";

export const uploadRoutes = new Hono<AppEnv>();

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

/** Content-Length as a number; null when absent; a 400 when malformed. */
function declaredLength(header: string | undefined): number | null {
  if (header === undefined) return null;
  if (!/^\d+$/.test(header.trim())) throw new ProblemError("invalid_request", "Content-Length must be a non-negative integer.");
  return Number(header.trim());
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

uploadRoutes.post("/v1/uploads", async (c) => {
  const declared = declaredUploadType(c.req.header("content-type"));
  if (!declared) {
    throw new ProblemError("unsupported_media_type", `Send the raw file with its Content-Type, one of: ${uploadContentTypes.join(", ")}.`);
  }
  const limit = uploadLimits[kindOf(declared)!];
  const length = declaredLength(c.req.header("content-length"));
  const body = c.req.raw.body;
  if (length === 0 || !body) throw new ProblemError("invalid_request", "The body is empty: send the file's bytes as the request body.");

  const tenant = c.get("tenant");
  const id = `upl_${randomToken(20)}`;
  const prefix = await uploadPrefix(tenant, id);
  const record = uploadStub(c, id);
  // Recorded before a byte is stored: a write cut off by a crash is cleaned up by its alarm.
  if (!(await record.begin({ id, tenant, prefix }))) throw new ProblemError("internal_error", "The upload could not be stored. Please retry.");
  const result = await streamToR2({
    bucket: c.env.MEDIA,
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
  await c.env.ACCOUNTS.get(c.env.ACCOUNTS.idFromName(tenant))
    .recordStorage([{ key, kind: "upload", bytes }])
    .catch(() => console.error("upload storage record failed"));
  return c.json(upload, 201, { location: upload.url });
});

function uploadStub(c: Context<AppEnv>, id: string) {
  return c.env.UPLOADS.get(c.env.UPLOADS.idFromName(id));
}

/** Deletes the upload now, whatever uses it; this location's edge cache forgets it too. */
uploadRoutes.delete("/v1/uploads/:id", async (c) => {
  const id = c.req.param("id");
  const outcome = isUploadId(id) ? await uploadStub(c, id).remove(c.get("tenant")) : null;
  if (!outcome) throw new ProblemError("not_found", `No upload ${id} exists for this API key.`);
  await purgeMediaCache(loadConfig(c.env).publicBaseUrl, outcome.keys);
  return c.json(outcome.upload);
});
