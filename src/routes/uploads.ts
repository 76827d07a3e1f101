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
import { purgeMediaCache } from "../media/media-cache";
import { declaredUploadType, storeUpload, uploadContentTypes } from "../media/store-upload";
import { isUploadId } from "../uploads/upload-keys";

export const uploadRoutes = new Hono<AppEnv>();

/** Content-Length as a number; null when absent; a 400 when malformed. */
function declaredLength(header: string | undefined): number | null {
  if (header === undefined) return null;
  if (!/^\d+$/.test(header.trim())) throw new ProblemError("invalid_request", "Content-Length must be a non-negative integer.");
  return Number(header.trim());
}

uploadRoutes.post("/v1/uploads", async (c) => {
  const declared = declaredUploadType(c.req.header("content-type"));
  if (!declared) {
    throw new ProblemError("unsupported_media_type", `Send the raw file with its Content-Type, one of: ${uploadContentTypes.join(", ")}.`);
  }
  const length = declaredLength(c.req.header("content-length"));
  const body = c.req.raw.body;
  if (length === 0 || !body) throw new ProblemError("invalid_request", "The body is empty: send the file's bytes as the request body.");

  const upload = await storeUpload(c.env, c.get("tenant"), { declared, length, body });
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
