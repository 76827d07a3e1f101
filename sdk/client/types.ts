/**
 * @module sdk/client/types — the client's types, taken from the gateway's own schemas.
 *
 * Nothing here is written out by hand: requests are the input side of the zod schema that
 * validates `POST /v1/jobs` (what a caller may send, defaults optional), responses are the
 * job view the gateway serialises (`toJobView`) and the schemas its OpenAPI document is
 * built from. Type-only imports: none of the gateway's code (or zod) reaches the bundle.
 */
import type { z } from "zod";
import type { JobView } from "../../src/jobs/job-view";
import type { jobListSchema, jobRequestSchema, problemSchema, uploadSchema } from "../../src/openapi/component-schemas";
import type { WebhookEvent as GatewayWebhookEvent } from "../../src/webhooks/webhook-event";

/** The body of `POST /v1/jobs`: `wan2.7-i2v` or `wan2.7-image-pro` with its input. */
export type JobRequest = z.input<typeof jobRequestSchema>;
export type I2vJobRequest = Extract<JobRequest, { model: "wan2.7-i2v" }>;
export type ImageProJobRequest = Extract<JobRequest, { model: "wan2.7-image-pro" }>;
export type ModelId = JobRequest["model"];

/** The job object every job route answers with. */
export type Job = JobView;
export type JobStatus = Job["status"];
export type JobOutput = Job["outputs"][number];

/** `GET /v1/jobs`: a page of jobs, newest first. */
export type JobList = Omit<z.output<typeof jobListSchema>, "data"> & { data: Job[] };

/** `POST /v1/uploads`. */
export type Upload = z.output<typeof uploadSchema>;

/** An RFC 9457 problem document (`application/problem+json`). */
export type Problem = z.output<typeof problemSchema>;
export type FieldError = NonNullable<Problem["errors"]>[number];

/** A verified outbound webhook: `{type, timestamp, data: job}`. */
export type WebhookEvent = GatewayWebhookEvent<Job>;

/** States a job never leaves. */
export const terminalStatuses = ["completed", "failed", "canceled"] as const satisfies readonly JobStatus[];

export function isTerminal(status: JobStatus): boolean {
  return (terminalStatuses as readonly string[]).includes(status);
}
