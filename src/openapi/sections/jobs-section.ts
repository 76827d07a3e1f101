/**
 * @module openapi/sections/jobs-section — `/v1/jobs` and its sub-resources (routes/jobs).
 */
import type { ApiSection, JsonObject } from "../openapi-builders";
import { componentRef, jsonResponse, operation, ref } from "../openapi-builders";

const tag = "Jobs";
const jobId = componentRef("parameters", "JobId");
const header = (name: string) => componentRef("headers", name);

/**
 * Request examples of `POST /v1/jobs`. A test sends each through the gateway's own
 * validation and through the document's JSON Schema: both must accept it.
 */
export const jobRequestExamples: Record<string, { summary: string; value: JsonObject }> = {
  firstFrame: {
    summary: "Image-to-video from a first frame",
    value: {
      model: "wan2.7-i2v",
      input: { prompt: "a cat plays piano", first_frame: "https://cdn.example.com/cat.png", duration: 5 },
      metadata: { order: "A-17" },
    },
  },
  firstLastFrameWithWebhook: {
    summary: "First and last frame, 1080p, a chosen provider order and a webhook",
    value: {
      model: "wan2.7-i2v",
      input: { first_frame: "https://cdn.example.com/a.png", last_frame: "https://cdn.example.com/b.png", resolution: "1080p", duration: 10, seed: 42 },
      provider: ["evolink", "dashscope"],
      webhook: { url: "https://app.example/hooks/wan", events: ["job.completed", "job.failed"] },
    },
  },
  videoContinuation: {
    summary: "Continue a clip (duration is the total length, clip included)",
    value: { model: "wan2.7-i2v", input: { mode: "video_continuation", first_clip: "https://cdn.example.com/clip.mp4", duration: 12 } },
  },
  privateWithRetention: {
    summary: "Private media kept for 7 days, links valid 10 minutes",
    value: {
      model: "wan2.7-i2v",
      input: { first_frame: "https://cdn.example.com/cat.png" },
      retention: { days: 7 },
      media: { access: "private", link_ttl_seconds: 600 },
    },
  },
  imageSet: {
    summary: "wan2.7-image-pro: a coherent set of 6 images",
    value: { model: "wan2.7-image-pro", input: { prompt: "a four-season storyboard of one lighthouse", n: 6, enable_sequential: true, size: "2K" } },
  },
  imageEdit: {
    summary: "wan2.7-image-pro: edit an image with a colour palette",
    value: {
      model: "wan2.7-image-pro",
      input: {
        prompt: "repaint in these colours",
        images: ["https://cdn.example.com/room.jpg"],
        color_palette: [
          { hex: "#1B2A41", ratio: "50.00%" },
          { hex: "#F2C14E", ratio: "30.00%" },
          { hex: "#F78154", ratio: "20.00%" },
        ],
      },
    },
  },
};

export const jobsSection: ApiSection = {
  tag: {
    name: tag,
    description:
      "Generation jobs. A job is accepted at once (202) and finishes asynchronously: follow it with `GET /v1/jobs/{id}` (optionally `Prefer: wait=N`), the event stream, or a webhook. Another tenant's job id is a plain 404 on every job route.",
  },
  paths: {
    "/v1/jobs": {
      post: operation({
        operationId: "createJob",
        summary: "Create a job",
        description:
          "Validates the whole request (a 400 names every offending field by JSON path and creates nothing), picks the eligible providers (`provider`: `auto`, an id, or an ordered list; none can do what it asks → 422 `unsupported`, one could but is not available here → 503 `no_provider`; both say why each provider was left out) and submits upstream. Cross-field rules the JSON Schema cannot express are enforced too: i2v's six material combinations and mode agreement; image-pro's 4K, `n`, sequential and palette rules. Input URLs must be `https:` (or `http:` to loopback in local development, or a `POST /v1/uploads` URL). Before anything goes upstream, one call to your tenant's account decides: over your `submits_per_minute` → 429 `rate_limited`; the job's estimate (its dearest eligible provider's quote) does not fit your budget → 402 `budget_exceeded`, nothing submitted; over your cap on running jobs → accepted, `queued` with a `queue_position`, started when a slot frees. `X-Budget-Remaining` says what is left of your budget after this job's hold.",
        tag,
        parameters: [componentRef("parameters", "IdempotencyKey"), componentRef("parameters", "Prefer")],
        requestBody: { required: true, content: { "application/json": { schema: ref("JobRequest"), examples: jobRequestExamples } } },
        responses: {
          200: jsonResponse("An Idempotency-Key replay (the original job, nothing submitted again), or with `Prefer: wait=N` the job once terminal.", "Job", {
            Location: header("Location"),
            "Idempotent-Replayed": header("IdempotentReplayed"),
            "Preference-Applied": header("PreferenceApplied"),
            "X-Budget-Remaining": header("XBudgetRemaining"),
            "Server-Timing": header("ServerTiming"),
          }),
          202: jsonResponse("Accepted: the job (already `running` when a provider took it during the request; `queued` with a `queue_position` when it waits for a running slot).", "Job", {
            Location: header("Location"),
            "Preference-Applied": header("PreferenceApplied"),
            "X-Budget-Remaining": header("XBudgetRemaining"),
            "Server-Timing": header("ServerTiming"),
          }),
        },
        problems: ["invalid_request", "payload_too_large", "unsupported_media_type", "budget_exceeded", "idempotency_mismatch", "unsupported", "rate_limited", "no_provider"],
      }),
      get: operation({
        operationId: "listJobs",
        summary: "List your jobs",
        description: "Newest first, with an opaque keyset cursor.",
        tag,
        parameters: [componentRef("parameters", "Limit"), componentRef("parameters", "Cursor"), componentRef("parameters", "Status")],
        responses: { 200: jsonResponse("A page of jobs.", "JobList") },
        problems: ["invalid_request"],
      }),
    },
    "/v1/jobs/{id}": {
      get: operation({
        operationId: "getJob",
        summary: "Get a job",
        description: "Links of private media are signed afresh on every read (valid `media.link_ttl_seconds`). `thumbnail_url` and `poster_url` appear shortly after `completed`.",
        tag,
        parameters: [jobId, componentRef("parameters", "Prefer")],
        responses: { 200: jsonResponse("The job.", "Job", { "Preference-Applied": header("PreferenceApplied") }) },
        problems: ["not_found"],
      }),
      delete: operation({
        operationId: "deleteJob",
        summary: "Delete a job's media",
        description:
          "Deletes every stored object of a finished job — outputs, thumbnails, posters, and the uploads only this job used — before answering; `GET /media/…` of them is a 404 from then on (a Cloudflare location that had one cached may serve it for at most `MEDIA_EDGE_TTL_SECONDS`, 5 minutes by default). The job record stays, with `deleted_at` set and its outputs without links; a `job.deleted` webhook event is sent to subscribers. A job still queued or running is a 409 (cancel it first). Deleting again answers the same job.",
        tag,
        parameters: [jobId],
        responses: { 200: jsonResponse("The job, with `deleted_at`.", "Job") },
        problems: ["not_found", "conflict"],
      }),
    },
    "/v1/jobs/{id}/cancel": {
      post: operation({
        operationId: "cancelJob",
        summary: "Cancel a job",
        description:
          "Cancels upstream where the provider allows it; a copy into R2 in flight is aborted and nothing is left behind. A job that is already terminal is a 409 whose `job` member is the job as it is.",
        tag,
        parameters: [jobId],
        responses: { 202: jsonResponse("The canceled job.", "Job") },
        problems: ["not_found", "conflict"],
      }),
    },
    "/v1/jobs/{id}/events": {
      get: operation({
        operationId: "streamJobEvents",
        summary: "Follow a job (Server-Sent Events)",
        description:
          "`event: job` with the job object as `data`: the current state first, then every change (private media links signed afresh in each); a `: keep-alive` comment every 15 s; the stream ends after a terminal state. Browsers: `EventSource` cannot send the Authorization header, so read the stream with `fetch` instead.",
        tag,
        parameters: [jobId],
        responses: {
          200: {
            description: "The event stream.",
            content: {
              "text/event-stream": {
                schema: { type: "string" },
                example: 'retry: 2000\nevent: job\ndata: {"id":"job_…","object":"job","status":"running",…}\n\n: keep-alive\n\n',
              },
            },
          },
        },
        problems: ["not_found"],
      }),
    },
    "/v1/jobs/{id}/deliveries": {
      get: operation({
        operationId: "listJobDeliveries",
        summary: "The job's webhook deliveries",
        description: "One entry per event, with every attempt (retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; a 410 stops).",
        tag,
        parameters: [jobId],
        responses: { 200: jsonResponse("The deliveries, oldest first.", "DeliveryList") },
        problems: ["not_found"],
      }),
    },
    "/v1/jobs/{id}/deliveries/replay": {
      post: operation({
        operationId: "replayJobDelivery",
        summary: "Send the latest webhook event again",
        description: "Same `webhook-id` as the original. 409 when the job has no event to send.",
        tag,
        parameters: [jobId],
        responses: { 202: jsonResponse("Queued; the deliveries as they are now.", "DeliveryList") },
        problems: ["not_found", "conflict"],
      }),
    },
  },
};
