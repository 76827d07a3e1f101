/**
 * @module openapi/sections/uploads-section — `POST /v1/uploads` (routes/uploads).
 *
 * The accepted types and their limits come from the route's own declarations.
 */
import { kindOf } from "../../media/signatures";
import { uploadContentTypes, uploadLimits } from "../../media/store-upload";
import type { ApiSection } from "../openapi-builders";
import { componentRef, jsonResponse, operation } from "../openapi-builders";

const uploadId = { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^upl_[0-9a-hjkmnp-tv-z]{20}$" } };

const tag = "Uploads";
const mebibytes = (bytes: number) => `${bytes / (1024 * 1024)} MiB`;

export const uploadsSection: ApiSection = {
  tag: { name: tag, description: "Your own files as input: the returned URL works as any input URL of a job." },
  paths: {
    "/v1/uploads": {
      post: operation({
        operationId: "createUpload",
        summary: "Upload a file",
        description: `The raw file is the body, with its own Content-Type (no multipart). The leading bytes must prove the declared type (415 otherwise); limits: images ${mebibytes(uploadLimits.image)}, audio ${mebibytes(uploadLimits.audio)}, video ${mebibytes(uploadLimits.video)} (413 beyond, checked from Content-Length before a byte is read and again while streaming). The file streams into R2, hashed on the way. It is kept until \`expires_at\` (UPLOAD_RETENTION_DAYS, 30 by default) and beyond that as long as a job of yours that uses it keeps its media; deleting such a job deletes the uploads only it used.`,
        tag,
        requestBody: {
          required: true,
          content: Object.fromEntries(
            uploadContentTypes.map((type) => [type, { schema: { type: "string", contentMediaType: type, description: `At most ${mebibytes(uploadLimits[kindOf(type)!])}` } }]),
          ),
        },
        responses: { 201: jsonResponse("Stored.", "Upload", { Location: componentRef("headers", "Location") }) },
        problems: ["invalid_request", "payload_too_large", "unsupported_media_type"],
      }),
    },
    "/v1/uploads/{id}": {
      delete: operation({
        operationId: "deleteUpload",
        summary: "Delete an upload",
        description:
          "Deletes the file now, whichever jobs name it (a job still running may then fail if its provider has not fetched the file yet); `GET /media/…` of it is a 404 from then on (a location that had it cached may serve it for at most `MEDIA_EDGE_TTL_SECONDS`). Deleting again answers the same upload.",
        tag,
        parameters: [uploadId],
        responses: { 200: jsonResponse("The upload, with `deleted_at`.", "Upload") },
        problems: ["not_found"],
      }),
    },
  },
};
