/**
 * @module pixeldojo
 * The PixelDojo personality: `POST /api/v1/models/{model}/run` for `wan-2.7-i2v` and
 * `wan-2.7-image-pro`, `GET /api/v1/jobs/{jobId}`, credits, `webhook_url`
 * (../../shared/providers.md §3, ../../shared/seeds/000_…, 001_…).
 */
import { Hono } from "hono";
import type { CallbackPolicy } from "../core/callback-sender";
import type { EmulatorCore, OutputRequest } from "../core/core";
import type { Personality } from "../core/personality";
import { randomToken } from "../core/random";
import type { EmulatedTask, TaskPhase } from "../core/task-store";
import {
  PIXELDOJO_IMAGE_MODEL,
  PIXELDOJO_VIDEO_MODEL,
  parsePixeldojoImage,
  parsePixeldojoVideo,
  type PixeldojoImageRequest,
  type PixeldojoVideoRequest,
} from "./pixeldojo-request";
import { bearerKey, executionContext, readJson, submitFaultHits, type Validated } from "./validation";
import { imageFrameSize, videoFrameSize } from "./wan-rules";

const PROVIDER = "pixeldojo";

/** Files on temp.pixeldojo.ai are deleted after 24 h (§3.7). */
const URL_LIFETIME_MS = 24 * 3_600_000;

/** Credits a fresh emulator account holds; creditsRemaining counts down from it. */
const STARTING_CREDITS = 10_000;

/** The documented (older docs) limit, echoed in X-RateLimit-Limit on 429s. */
const RATE_LIMIT_PER_MINUTE = 60;

/**
 * Webhook retries are not documented (§3.5 [UNKNOWN]); "a few" is emulated: 10 s per
 * delivery, retries after 2, 10 and 30 s.
 */
const WEBHOOK_POLICY: CallbackPolicy = { timeoutMs: 10_000, retryDelaysMs: [2000, 10_000, 30_000] };

/** Error codes per HTTP status (§3.6); 503 is not in the table [INF]. */
const ERROR_CODES: Record<number, [string, string]> = {
  400: ["invalid_request", "Invalid parameters"],
  401: ["unauthorized", "Invalid or missing API key"],
  402: ["insufficient_credits", "Not enough credits"],
  404: ["model_not_found", "Model ID not found"],
  429: ["rate_limited", "Too many requests"],
  500: ["internal_error", "Server error"],
  503: ["service_unavailable", "Service temporarily unavailable"],
};

/** Failure reasons a plan's `fail_code` may name; the job's `error` is the message (a string). */
const FAILURE_MESSAGES: Record<string, string> = {
  generation_failed: "Generation failed",
  content_policy_violation: "The request was rejected by the content filter",
  timeout: "Generation timed out",
  internal_error: "Server error",
};

type PixeldojoRequest = PixeldojoVideoRequest | PixeldojoImageRequest;

interface PixeldojoTaskData {
  model: string;
  creditCost: number;
  request: PixeldojoRequest;
}

type PixeldojoTask = EmulatedTask<PixeldojoTaskData>;

const MODELS: Record<string, (body: unknown) => Validated<PixeldojoRequest>> = {
  [PIXELDOJO_VIDEO_MODEL]: parsePixeldojoVideo,
  [PIXELDOJO_IMAGE_MODEL]: parsePixeldojoImage,
};

export const pixeldojo: Personality = {
  name: PROVIDER,
  description: "PixelDojo: POST /api/v1/models/{wan-2.7-i2v|wan-2.7-image-pro}/run, GET /api/v1/jobs/{jobId}; webhook_url",
  createRoutes,
  faultChoices: {
    // `emulator` also reports `processing` between pending and completed; `documented` uses
    // only the documented pending / completed / failed.
    status_vocabulary: ["emulator", "documented"],
    // `output_assets`: output plus the SDK's assets[]; `output`: output only (documented);
    // `output_image`: images under output.image, singular (a 3P skill's shape for image models).
    result_shape: ["output_assets", "output", "output_image"],
    // Progress is undocumented: none by default, else 0–100 or a string such as "45%".
    progress_format: ["none", "number", "string"],
  },
};

/** How a job reads under the plan's vocabulary, shape and progress format. */
interface JobStyle {
  vocabulary: string;
  shape: string;
  progress: string;
}

function styleOf(core: EmulatorCore): JobStyle {
  const plan = core.faults.effective(PROVIDER);
  return { vocabulary: plan.status_vocabulary ?? "emulator", shape: plan.result_shape ?? "output_assets", progress: plan.progress_format ?? "none" };
}

function createRoutes(core: EmulatorCore): Hono {
  const app = new Hono();
  let credits = STARTING_CREDITS;
  app.use("*", async (c, next) => {
    if (bearerKey(c) === null) return pixeldojoError(401);
    await next();
  });

  app.post("/api/v1/models/:model/run", async (c) => {
    const plan = core.faults.effective(PROVIDER);
    await core.delaySubmit(PROVIDER);
    if (submitFaultHits(plan, core.random.chance)) return faultResponse(plan.submit_status, core.now());
    const model = c.req.param("model");
    const parse = MODELS[model];
    if (parse === undefined) return pixeldojoError(404, `Model '${model}' not found`);
    const body = await readJson(c);
    if (body === undefined) return pixeldojoError(400, "Request body must be valid JSON");
    const parsed = parse(body);
    if (!parsed.ok) return pixeldojoError(400, parsed.message);
    const request = parsed.value;
    const creditCost = creditCostOf(request);
    if (plan.credit_exhausted === true) return pixeldojoError(402, `Not enough credits: this job costs ${creditCost}`);
    // The documented 404 for a model id PixelDojo does not (or no longer) serve.
    if (core.rejectsCreate(PROVIDER)) return pixeldojoError(404, `Model '${model}' not found`);
    const task = core.launchTask<PixeldojoTaskData>({
      provider: PROVIDER,
      id: `job_${randomToken(24)}`,
      outputs: outputsFor(request),
      ...(request.seed === null ? {} : { seed: request.seed }),
      urlLifetimeMs: URL_LIFETIME_MS,
      defaultFailCode: "generation_failed",
      failureMessage: (code) => FAILURE_MESSAGES[String(code)] ?? `Generation failed (${code})`,
      callbackUrl: request.webhookUrl,
      idempotencyKey: c.req.header("idempotency-key") ?? null,
      data: { model, creditCost, request },
    });
    credits = Math.max(0, credits - creditCost);
    if (task.callbackUrl !== null) {
      // The webhook payload is undocumented (§3.5); the job JSON of GET /jobs/{id} is the likely one [INF].
      core.scheduleCallbacks(task, executionContext(c), (phase) => renderJob(task, phase, styleOf(core)), WEBHOOK_POLICY);
    }
    return core.answerCreate(
      task,
      Response.json({
        jobId: task.id,
        status: "pending",
        statusUrl: `${core.publicUrl}/${PROVIDER}/api/v1/jobs/${task.id}`,
        creditCost,
        creditsRemaining: credits,
      }),
    );
  });

  app.get("/api/v1/jobs/:id", (c) => {
    const plan = core.faults.effective(PROVIDER);
    if (core.random.chance(plan.status_error_rate)) return faultResponse(core.random.next() < 0.5 ? 500 : 503, core.now());
    const task = core.tasks.get<PixeldojoTaskData>(PROVIDER, c.req.param("id"));
    const phase = task === undefined ? null : core.taskPhase(task);
    // The unknown-job answer is not documented [INF].
    if (task === undefined || phase === null || phase.status === "forgotten") return pixeldojoError(404, "Job not found", "not_found");
    return Response.json(renderJob(task, phase, styleOf(core)));
  });

  return app;
}

/** 2.5 credits/s at 720p, 3 at 1080p, rounded up (the doc's 5 s example costs 13); 2 per image. */
function creditCostOf(request: PixeldojoRequest): number {
  if (request.kind === "image") return 2 * request.n;
  return Math.ceil(request.duration * (request.resolution === "1080p" ? 3 : 2.5));
}

function outputsFor(request: PixeldojoRequest): OutputRequest[] {
  if (request.kind === "video") {
    const size = videoFrameSize(request.resolution, request.aspectRatio);
    return [{ kind: "video", extension: "mp4", contentType: "video/mp4", ...size, seconds: request.duration }];
  }
  const size = imageFrameSize(request.size, request.aspectRatio);
  return Array.from({ length: request.n }, () => ({ kind: "image" as const, extension: "png", contentType: "image/png", ...size }));
}

/**
 * The job JSON (GET and webhook). Only pending/completed/failed are documented; under the
 * default vocabulary the emulator also reports `processing` in between, which adapters must
 * treat as in-flight (§3.4). A cancelled job reads failed: no cancel status is documented.
 */
function renderJob(task: PixeldojoTask, phase: TaskPhase, style: JobStyle): Record<string, unknown> {
  const base = { jobId: task.id, status: phase.status, creditCost: task.data.creditCost };
  if (phase.status === "completed") {
    const urls = task.outputs.map((file) => file.url);
    const video = task.data.request.kind === "video";
    const output = video ? { video: urls[0] } : style.shape === "output_image" ? { image: urls.length === 1 ? urls[0] : urls } : { images: urls };
    // `assets` is what the SDK README reads (§3.4 [INF]).
    return { ...base, output, ...(style.shape === "output_assets" ? { assets: urls.map((url) => ({ url })) } : {}) };
  }
  if (phase.status === "failed" || phase.status === "cancelled") {
    return { ...base, status: "failed", error: task.failure?.message ?? "Job was cancelled" };
  }
  const inFlight = phase.status === "processing" && style.vocabulary === "emulator" ? "processing" : "pending";
  const progress = style.progress === "number" ? { progress: phase.progress } : style.progress === "string" ? { progress: `${phase.progress}%` } : {};
  return { ...base, status: inFlight, ...progress };
}

/** PixelDojo's error body: `{"error":{"code","message","status"}}`. */
function pixeldojoError(status: number, message?: string, code?: string, headers: Record<string, string> = {}): Response {
  const [defaultCode, defaultMessage] = ERROR_CODES[status] ?? (status >= 500 ? ERROR_CODES[500] : ERROR_CODES[400]) ?? ["", ""];
  return Response.json({ error: { code: code ?? defaultCode, message: message ?? defaultMessage, status } }, { status, headers });
}

/** An injected answer (`submit_status`, `status_error_rate`); a 429 carries the rate-limit headers. */
function faultResponse(status: number, now: number): Response {
  if (status !== 429) return pixeldojoError(status);
  return pixeldojoError(429, undefined, undefined, {
    "x-ratelimit-limit": String(RATE_LIMIT_PER_MINUTE),
    "x-ratelimit-remaining": "0",
    "x-ratelimit-reset": String(Math.ceil(now / 1000) + 60),
  });
}
