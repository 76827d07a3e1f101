/**
 * @module webhooks/webhook-event — the outbound event: its types, its body, and the
 * `webhook` field of `POST /v1/jobs` that subscribes to it.
 *
 * The body is Standard Webhooks' recommended envelope, `{type, timestamp, data}`, with the
 * public job object as `data` — the same JSON `GET /v1/jobs/{id}` returns, so a receiver
 * needs one parser. Event types are dot-delimited and declared once, in jobs/job-types.
 */
import { z } from "@hono/zod-openapi";
import type { JobStatus, WebhookEventType } from "../jobs/job-types";
import { webhookEventTypes } from "../jobs/job-types";
import type { JobView } from "../jobs/job-view";

export { webhookEventTypes };
export type { WebhookEventType };

/**
 * Subscribed to when a request names no events: the terminal ones, which is what most
 * integrations wait for (`job.running` is opt-in: it is noise for a fire-and-forget client).
 */
export const defaultWebhookEvents: readonly WebhookEventType[] = ["job.completed", "job.failed", "job.canceled"];

export interface WebhookEvent<Data = JobView> {
  type: WebhookEventType;
  /** ISO 8601 UTC: when the job entered the state the event announces. */
  timestamp: string;
  /** The job's monotonic `sequence` at that moment: order events by it, never by arrival. */
  sequence: number;
  data: Data;
}

/**
 * The event a job status announces, or null for a status that has none (`queued`).
 * @example webhookEventTypeFor("completed") // "job.completed"
 */
export function webhookEventTypeFor(status: JobStatus): WebhookEventType | null {
  return status === "queued" ? null : `job.${status}`;
}

/**
 * Builds an event. Pass the job as it is at that moment: `job.completed` is only built
 * once the outputs are in R2, because `completed` means exactly that.
 * @example buildWebhookEvent("job.completed", toJobView(job, base), Date.now(), job.sequence)
 */
export function buildWebhookEvent<Data = JobView>(type: WebhookEventType, data: Data, occurredAt: number, sequence: number): WebhookEvent<Data> {
  return { type, timestamp: new Date(occurredAt).toISOString(), sequence, data };
}

/**
 * The exact text that is signed and sent. Serialised once and stored as is, so every retry
 * carries byte-identical content under the same `webhook-id`.
 */
export function webhookEventBody(event: WebhookEvent<unknown>): string {
  return JSON.stringify(event);
}

/** True when `subscription` asks for `type` (no list means the defaults). */
export function isSubscribed(subscription: { events?: readonly WebhookEventType[] }, type: WebhookEventType): boolean {
  return (subscription.events ?? defaultWebhookEvents).includes(type);
}

/**
 * The `webhook` field of `POST /v1/jobs`. Where the URL may point depends on configuration,
 * so that is checked separately by `webhookUrlProblem`; this schema checks the shape.
 */
export const webhookRequestSchema = z
  .object({
    url: z.string().min(1, "required").max(2048, "at most 2048 characters").describe("Receiver; https to a public host"),
    events: z
      .array(z.enum(webhookEventTypes))
      .min(1, "name at least one event type, or omit the field for the default")
      .refine((events) => new Set(events).size === events.length, "each event type at most once")
      .default([...defaultWebhookEvents])
      .describe(`Event types to send; default ${defaultWebhookEvents.join(", ")}`),
  })
  .strict()
  .openapi("WebhookRequest", {
    example: { url: "https://app.example/hooks/wan", events: ["job.completed", "job.failed"] },
  });

/** The parsed field: `events` always present (defaults filled). */
export type WebhookRequest = z.output<typeof webhookRequestSchema>;
