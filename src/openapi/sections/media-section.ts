/**
 * @module openapi/sections/media-section — `GET|HEAD /media/{key}` (routes/media): the edge
 * cache, private links, downloads.
 */
import type { ApiSection, JsonObject } from "../openapi-builders";
import { componentRef, operation } from "../openapi-builders";
import { ProblemError } from "../../http/problem";
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
const query = (name: string, description: string, schema: JsonObject): JsonObject => ({ name, in: "query", required: false, description, schema });
const linkParameters: JsonObject[] = [
  query("expires", "Private media: the link's expiry (Unix seconds), as handed out by the job", { type: "string", pattern: "^\\d+$" }),
  query("signature", "Private media: HMAC-SHA256 of the key and `expires` under the server secret (base64url), as handed out by the job", { type: "string" }),
  query("download", "`1`: serve as an attachment named `<job id>-<index>.<ext>` (an upload: `<upload id>.<ext>`)", { type: "string", enum: ["1"] }),
];

const text = (description: string): JsonObject => ({ description, schema: { type: "string" } });
const objectHeaders: JsonObject = {
  "Content-Type": text("The stored type, e.g. video/mp4 or image/png"),
  "Content-Length": { description: "Bytes in this response", schema: { type: "integer" } },
  ETag: text("Strong validator of the object"),
  "Accept-Ranges": text("bytes"),
  "Cache-Control": text(
    "Public media: `public, max-age=31536000, s-maxage=<MEDIA_EDGE_TTL_SECONDS>, immutable` (browsers keep it; shared caches only minutes, so a deletion takes effect there soon). Private media: `private, max-age=<seconds until the link expires>`",
  ),
  "Content-Disposition": text("With `download=1`: `attachment; filename=\"<job id>-<index>.<ext>\"`"),
  "X-Cache": text("HIT when this location's edge cache answered, MISS when R2 did"),
};
const body = { "*/*": { schema: { type: "string", contentMediaType: "application/octet-stream" } } };

function mediaOperation(method: "get" | "head"): JsonObject {
  const withBody = method === "get";
  return operation({
    operationId: withBody ? "getMedia" : "headMedia",
    summary: withBody ? "Download a permanent output or upload" : "Headers of a permanent output or upload",
    description:
      "No API key: keys are unguessable. Served from this Cloudflare location's edge cache when it has the object (a popular link costs no R2 read after the first), else from R2 — whole objects, ranges and conditional requests alike; objects over `MEDIA_CACHE_MAX_BYTES` (512 MB) always come from R2. Private media need the signed link the job hands out (403 without it, with a wrong signature or once expired); a cached private object is only served to a valid signature too. A deleted or expired object is a 404.",
    tag,
    auth: false,
    parameters: [key, ...linkParameters, range, ifNoneMatch],
    responses: {
      200: { description: "The whole object.", headers: objectHeaders, ...(withBody ? { content: body } : {}) },
      206: {
        description: "The requested range.",
        headers: { ...objectHeaders, "Content-Range": text("bytes first-last/size") },
        ...(withBody ? { content: body } : {}),
      },
      304: { description: "Not modified (If-None-Match matched the ETag)." },
      416: problemResponse("range_not_satisfiable", "problem", { headers: { "Content-Range": text("bytes */size") } }),
      403: problemResponse("forbidden", "problem", {
        description: "A private object asked for without a valid signed link: no `expires`/`signature`, a signature that does not match, or a link past its expiry. Get a fresh link from the job.",
        example: new ProblemError("forbidden", "This link has expired; get a fresh one from the job."),
        headers: { "Cache-Control": text("no-store") },
      }),
      404: componentRef("responses", "not_found"),
    },
  });
}

export const mediaSection: ApiSection = {
  tag: {
    name: tag,
    description:
      "Links to stored media: every output is copied into R2 before a job is completed; provider URLs never appear. Public by default and permanent unless the job has a `retention`; `media.access: private` makes them signed and expiring.",
  },
  paths: { "/media/{key}": { get: mediaOperation("get"), head: mediaOperation("head") } },
};
