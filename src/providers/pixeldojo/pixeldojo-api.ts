/**
 * @module providers/pixeldojo/pixeldojo-api — PixelDojo's job API, one for every model:
 * run with `POST /api/v1/models/{model}/run`, read with `GET /api/v1/jobs/{jobId}`, and its
 * error vocabulary. The webhook body is undocumented and unsigned (providers.md §3.5), so it
 * is only ever a hint. PixelDojo documents neither cancel nor idempotent runs.
 */
import { z } from "@hono/zod-openapi";
import type { AdapterContext, Result, Submitted, UpstreamError, UpstreamTask } from "../provider-adapter";
import type { ProviderErrors } from "../provider-http";
import { callProvider, classifyStatus, createdTask, distinct, mediaUrls, pick, pickString, progressPercent, protocolError, unknownTask } from "../provider-http";

/** The credits a job costs, as PixelDojo reports them (`creditCost`, in the run answer and the finished job). */
function creditUsage(body: Record<string, unknown>): { creditCost: number } | undefined {
  return typeof body.creditCost === "number" ? { creditCost: body.creditCost } : undefined;
}

/**
 * Maps a job answer (run answer, read, or webhook) to an UpstreamTask. Exported for fixture tests.
 *
 * Only `pending`, `completed` and `failed` are documented (§3.4). Any other status is
 * unknown (P3): PixelDojo names no in-progress or cancel status, and reading an unnamed one
 * as running, or as terminal, would be a guess that can hang or double-bill a job.
 * Every optional field is read on its own (P5), so a `progress` of `"45%"` or an output in
 * an unexpected form never makes the status unreadable.
 */
export function pixeldojoTask(job: { status?: string } & Record<string, unknown>): UpstreamTask {
  const upstreamStatus = job.status;
  switch (upstreamStatus) {
    case undefined:
      return createdTask();
    case "pending":
      return { state: "pending", progress: progressPercent(job.progress), upstreamStatus };
    case "completed": {
      // Every documented or seen form: `output.video` (i2v page; a string, a list, or `{url}`),
      // `output.images[]` (image-pro page), `output.image` (a 3P skill's image models) and
      // `assets[].url` (the SDK README).
      const output = job.output;
      const urls = distinct([...mediaUrls(pick(output, "video")), ...mediaUrls(pick(output, "images")), ...mediaUrls(pick(output, "image")), ...mediaUrls(job.assets)]);
      if (urls.length === 0) return { state: "failed", upstreamStatus, error: protocolError("PixelDojo reported completion without an output URL") };
      const usage = creditUsage(job);
      return { state: "completed", urls, upstreamStatus, ...(usage ? { providerUsage: usage } : {}) };
    }
    case "failed": {
      // `error` is read by PixelDojo's sample code, but its type is undocumented (§3.4).
      const code = pickString(job, "error", "code");
      const message = pickString(job, "error") ?? pickString(job, "error", "message") ?? "the job failed";
      return { state: "failed", upstreamStatus, error: pixeldojoFailure(code, message) };
    }
    default:
      return unknownTask(upstreamStatus);
  }
}

function pixeldojoFailure(code: string | undefined, message: string): UpstreamError {
  const withCode = code ? { providerCode: code } : {};
  if (code === "insufficient_credits") return { kind: "out_of_credit", message, retryable: true, ...withCode };
  if (code === "invalid_request" || code === "model_not_found") return { kind: "rejected", message, retryable: false, ...withCode };
  // The reason is unknown: another try (elsewhere) may well succeed.
  return { kind: "generation_failed", message, retryable: true, ...withCode };
}

/** Maps a PixelDojo error answer `{"error":{"code","message","status"}}` (§3.6). */
export function pixeldojoHttpError(status: number, headers: Headers, body: unknown, nowMs: number): UpstreamError {
  const code = pickString(body, "error", "code");
  const message = pickString(body, "error", "message") ?? pickString(body, "error") ?? `PixelDojo answered HTTP ${status}`;
  const error = classifyStatus(status, headers, message, nowMs);
  if (code) error.providerCode = code;
  if (code === "insufficient_credits") {
    // 402 in the current docs, 403 in the older ones: both mean an empty credit balance.
    Object.assign(error, { kind: "out_of_credit", retryable: true });
  } else if (code === "model_not_found") {
    // 404 "Model ID not found": this deployment of PixelDojo does not sell the model (P4).
    // Not the job's fault, so the job tries another provider.
    Object.assign(error, { kind: "rejected", retryable: false });
  }
  if (error.kind === "rate_limited" && error.retryAfterMs === undefined) {
    const resetMs = rateLimitResetMs(headers.get("x-ratelimit-reset"), nowMs);
    if (resetMs !== undefined) error.retryAfterMs = resetMs;
  }
  return error;
}

/**
 * X-RateLimit-Reset's unit is undocumented (§3.6): read a large number as a Unix time
 * (seconds, or milliseconds) and a small one as seconds from now.
 */
function rateLimitResetMs(value: string | null, nowMs: number): number | undefined {
  if (!value || !/^\d+$/.test(value.trim())) return undefined;
  const number = Number(value.trim());
  if (number > 1e12) return Math.max(0, number - nowMs);
  if (number > 1e9) return Math.max(0, number * 1000 - nowMs);
  return number * 1000;
}

const pixeldojoErrors: ProviderErrors = {
  name: "PixelDojo",
  failure: (response, _call, nowMs) => pixeldojoHttpError(response.status, response.headers, response.body, nowMs),
};

const runSchema = z.looseObject({ jobId: z.string().min(1), status: z.string().optional() });
const jobSchema = z.looseObject({ status: z.string() });

/** Runs a model and maps the answer (200, or 202 per a 3P client, §3.2). */
export function runPixeldojoJob(model: string, body: unknown, context: AdapterContext): Promise<Result<Submitted>> {
  return callProvider(context, pixeldojoErrors, { operation: "create", method: "POST", path: `/api/v1/models/${model}/run`, body }, runSchema, (answer) => {
    const usage = creditUsage(answer);
    return { upstreamId: answer.jobId, task: pixeldojoTask(answer), ...(usage ? { providerUsage: usage } : {}) };
  });
}

/** Reads a job at `GET /api/v1/jobs/{jobId}` (one endpoint for every model). */
export function readPixeldojoJob(upstreamId: string, context: AdapterContext): Promise<Result<UpstreamTask>> {
  return callProvider(context, pixeldojoErrors, { operation: "read", method: "GET", path: `/api/v1/jobs/${encodeURIComponent(upstreamId)}` }, jobSchema, pixeldojoTask);
}

/** The job id a webhook body names (a hint only: the job is re-read before it counts). */
export function pixeldojoCallbackTaskId(body: unknown): string | null {
  return pickString(body, "jobId") ?? null;
}
