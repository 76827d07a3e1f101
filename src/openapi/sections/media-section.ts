/**
 * @module openapi/sections/media-section — `GET|HEAD /media/{key}` (routes/media).
 */
import type { ApiSection, JsonObject } from "../openapi-builders";
import { componentRef, operation } from "../openapi-builders";
import { problemResponse } from "../problem-responses";

const tag = "Media";

const key: JsonObject = {
  name: "key",
  in: "path",
  required: true,
  description: "The object key as it appears in an output or upload URL (it contains `/`; send it as it is).",
  schema: { type: "string" },
};
const range: JsonObject = { name: "Range", in: "header", required: false, description: "One byte range, e.g. `bytes=0-99`", schema: { type: "string" } };
const ifNoneMatch: JsonObject = { name: "If-None-Match", in: "header", required: false, schema: { type: "string" } };

const text = (description: string): JsonObject => ({ description, schema: { type: "string" } });
const objectHeaders: JsonObject = {
  "Content-Type": text("The stored type, e.g. video/mp4 or image/png"),
  "Content-Length": { description: "Bytes in this response", schema: { type: "integer" } },
  ETag: text("Strong validator of the object"),
  "Accept-Ranges": text("bytes"),
  "Cache-Control": text("public, max-age=31536000, immutable"),
};
const body = { "*/*": { schema: { type: "string", contentMediaType: "application/octet-stream" } } };

function mediaOperation(method: "get" | "head"): JsonObject {
  const withBody = method === "get";
  return operation({
    operationId: withBody ? "getMedia" : "headMedia",
    summary: withBody ? "Download a permanent output or upload" : "Headers of a permanent output or upload",
    description: "No authentication: keys are unguessable. Served from R2 with immutable caching.",
    tag,
    auth: false,
    parameters: [key, range, ifNoneMatch],
    responses: {
      200: { description: "The whole object.", headers: objectHeaders, ...(withBody ? { content: body } : {}) },
      206: {
        description: "The requested range.",
        headers: { ...objectHeaders, "Content-Range": text("bytes first-last/size") },
        ...(withBody ? { content: body } : {}),
      },
      304: { description: "Not modified (If-None-Match matched the ETag)." },
      416: problemResponse("range_not_satisfiable", "problem", { headers: { "Content-Range": text("bytes */size") } }),
      404: componentRef("responses", "not_found"),
    },
  });
}

export const mediaSection: ApiSection = {
  tag: { name: tag, description: "Permanent links: every output is copied into R2 before a job is completed; provider URLs never appear." },
  paths: { "/media/{key}": { get: mediaOperation("get"), head: mediaOperation("head") } },
};
