/**
 * @module openapi/sections/callbacks-section — `POST /callbacks/{provider}/{job_id}/{token}`
 * (routes/callbacks): where providers report; documented so operators know what is open.
 */
import { providerIds } from "../../providers/provider-adapter";
import type { ApiSection } from "../openapi-builders";
import { operation } from "../openapi-builders";

const tag = "Callbacks";
const pathParameter = (name: string, description: string, schema: object = { type: "string" }) => ({ name, in: "path", required: true, description, schema });

export const callbacksSection: ApiSection = {
  tag: { name: tag, description: "Provider callbacks. Not for clients: the gateway gives these URLs to providers when it submits a task." },
  paths: {
    "/callbacks/{provider}/{job_id}/{token}": {
      post: operation({
        operationId: "receiveProviderCallback",
        summary: "Provider callback (a hint)",
        description:
          "`token` is an HMAC of the job id under the server secret; a wrong one (or an unknown provider or job) is a 404 that changes nothing. A right one only makes the job re-read the task upstream with the server's own key, so a body is a hint and duplicated, late or out-of-order callbacks change nothing twice. A body over 256 KB is a 413 (counted while it is read, with or without a Content-Length; the job still re-reads the task).",
        tag,
        auth: false,
        parameters: [
          pathParameter("provider", "Provider id", { type: "string", enum: [...providerIds] }),
          pathParameter("job_id", "Job id"),
          pathParameter("token", "Callback token"),
        ],
        requestBody: { required: false, content: { "application/json": { schema: {} } } },
        responses: { 204: { description: "Noted: the job will re-read the task upstream." } },
        problems: ["not_found", "payload_too_large"],
      }),
    },
  },
};
