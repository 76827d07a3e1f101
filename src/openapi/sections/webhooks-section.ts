/**
 * @module openapi/sections/webhooks-section — `GET /v1/webhooks/secret` (routes/webhooks)
 * and the outbound webhook itself, as an OpenAPI 3.1 `webhooks` entry.
 */
import { defaultWebhookEvents } from "../../webhooks/webhook-event";
import type { ApiSection } from "../openapi-builders";
import { jsonResponse, operation, ref } from "../openapi-builders";

const tag = "Webhooks";
const signatureHeader = (name: string, description: string) => ({ name, in: "header", required: true, description, schema: { type: "string" } });

export const webhooksSection: ApiSection = {
  tag: {
    name: tag,
    description:
      "Outbound webhooks per Standard Webhooks. Subscribe per job with `webhook: {url, events}`; verify with any Standard Webhooks library and the secret from `GET /v1/webhooks/secret`.",
  },
  paths: {
    "/v1/webhooks/secret": {
      get: operation({
        operationId: "getWebhookSecret",
        summary: "Your webhook signing secret",
        description: "Derived from your tenant under the server secret: stable until the operator rotates it (`previous_valid_until`: until then deliveries are also signed under the previous secret). Sent with `Cache-Control: no-store`.",
        tag,
        responses: { 200: jsonResponse("The secret.", "WebhookSecret") },
      }),
    },
  },
  webhooks: {
    jobEvent: {
      post: {
        operationId: "jobEvent",
        summary: "A job changed state",
        description: `Sent to \`webhook.url\` for each subscribed event (default: ${defaultWebhookEvents.join(", ")}; \`job.running\` and \`job.deleted\` on request). \`job.completed\` is sent only once the outputs are in R2; \`job.deleted\` once a job's media were removed, by \`DELETE /v1/jobs/{id}\` (\`deleted_at\`) or by its retention (\`expired_at\`). Links of private media are signed afresh for each attempt. Answer 2xx within 15 s; otherwise it is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h with the same \`webhook-id\`, then given up. A 410 stops retries.`,
        tags: [tag],
        parameters: [
          signatureHeader("webhook-id", "The event id, the same on every retry (deduplicate on it)"),
          signatureHeader("webhook-timestamp", "Unix seconds of this attempt"),
          signatureHeader("webhook-signature", "`v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the secret"),
        ],
        requestBody: { required: true, content: { "application/json": { schema: ref("WebhookEvent") } } },
        responses: { "2XX": { description: "Delivered." }, 410: { description: "Gone: stop sending this job's events." } },
      },
    },
  },
};
