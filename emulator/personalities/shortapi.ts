/**
 * @module shortapi
 * The ShortAPI personality: `POST /api/v1/job/create` and `GET /api/v1/job/query?id=` for
 * `alibaba/wan-2.7/image-to-video`, with `callback_url` (../../shared/providers.md §5,
 * ../../shared/seeds/004_1064ce916cb5478c.txt). Much of ShortAPI's contract is undocumented;
 * each guess below is marked so adapters do not mistake it for a fact.
 */
import { Hono } from "hono";
import type { CallbackPolicy } from "../core/callback-sender";
import type { EmulatorCore } from "../core/core";
import type { Personality } from "../core/personality";
import type { EmulatedTask, TaskPhase } from "../core/task-store";
import { SHORTAPI_VIDEO_MODEL, parseShortapiVideo, type ShortapiVideoRequest } from "./shortapi-request";
import { bearerKey, executionContext, readJson, submitFaultHits } from "./validation";
import { videoFrameSize } from "./wan-rules";

const PROVIDER = "shortapi";

/** The URL lifetime is not documented (§5.6); 24 h like the others [INF]. */
const URL_LIFETIME_MS = 24 * 3_600_000;

/** $0.085 per second (§5.7), in tenths of a cent so the rounding is exact. */
const TENTHS_OF_CENT_PER_SECOND = 85;

/**
 * Retries are not documented (§5.4): the emulator sends once, so the gateway's polling
 * fallback is what a lost callback exercises.
 */
const CALLBACK_POLICY: CallbackPolicy = { timeoutMs: 10_000, retryDelaysMs: [] };

/**
 * `data.status`: only 2 (succeeded) is documented; 0 queued, 1 processing and 3 failed are
 * the common convention (§5.3 [INF]).
 */
const STATUS_CODES: Record<Exclude<TaskPhase["status"], "forgotten">, number> = {
  pending: 0,
  suspended: 0,
  processing: 1,
  completed: 2,
  failed: 3,
  cancelled: 3,
};

/** Messages for injected HTTP errors; the real catalogue is undocumented (§5.5). */
const FAULT_MESSAGES: Record<number, string> = {
  401: "unauthorized",
  402: "insufficient balance",
  429: "too many requests",
  500: "internal server error",
  502: "bad gateway",
  503: "service unavailable",
};

const FAILURE_MESSAGES: Record<string, string> = {
  generation_failed: "generation failed",
  content_policy_violation: "content policy violation",
  timeout: "generation timed out",
};

interface ShortapiTaskData {
  model: string;
  amount: string;
  request: ShortapiVideoRequest;
}

type ShortapiTask = EmulatedTask<ShortapiTaskData>;

/** The in-body code of a create refused for its model (3P clients see "invalid model" in `info`); the number is [INF]. */
const INVALID_MODEL_CODE = 10001;

export const shortapi: Personality = {
  name: PROVIDER,
  description: "ShortAPI: POST /api/v1/job/create, GET /api/v1/job/query?id=; callback_url",
  createRoutes,
  // `videos`: result.videos[].url, what 3P clients read for video; `images`: result.images[].url,
  // the shape ShortAPI's own page shows for this model.
  faultChoices: { result_shape: ["videos", "images"] },
};

function createRoutes(core: EmulatorCore): Hono {
  const app = new Hono();
  app.use("*", async (c, next) => {
    if (bearerKey(c) === null) return httpError(401);
    await next();
  });

  app.post("/api/v1/job/create", async (c) => {
    const plan = core.faults.effective(PROVIDER);
    await core.delaySubmit(PROVIDER);
    if (submitFaultHits(plan, core.random.chance)) return httpError(plan.submit_status);
    const body = await readJson(c);
    if (body === undefined) return apiError(400, "invalid request body");
    const parsed = parseShortapiVideo(body);
    if (!parsed.ok) return apiError(400, parsed.message);
    // Undocumented (§5.5, §6.6): the emulator answers a real 402 for an empty balance.
    if (plan.credit_exhausted === true) return httpError(402);
    if (core.rejectsCreate(PROVIDER)) return apiError(INVALID_MODEL_CODE, `invalid model: ${SHORTAPI_VIDEO_MODEL}`);
    const request = parsed.value;
    const amount = formatAmount(request.duration);
    const task = core.launchTask<ShortapiTaskData>({
      provider: PROVIDER,
      // The id format is undocumented; an opaque 32-hex string.
      id: crypto.randomUUID().replaceAll("-", ""),
      outputs: [{ kind: "video", extension: "mp4", contentType: "video/mp4", ...videoFrameSize(request.resolution), seconds: request.duration }],
      urlLifetimeMs: URL_LIFETIME_MS,
      defaultFailCode: "generation_failed",
      failureMessage: (code) => FAILURE_MESSAGES[String(code)] ?? `generation failed: ${code}`,
      callbackUrl: request.callbackUrl,
      idempotencyKey: c.req.header("idempotency-key") ?? null,
      data: { model: SHORTAPI_VIDEO_MODEL, amount, request },
    });
    if (task.callbackUrl !== null) {
      // The callback body is undocumented; the query JSON is the likely one (§5.4 [INF]).
      core.scheduleCallbacks(task, executionContext(c), (phase) => renderJob(task, phase, shapeOf(core)), CALLBACK_POLICY);
    }
    // The schema puts job_id in `data`, the doc's own samples read it top-level (§5.2): both are served.
    return core.answerCreate(task, Response.json({ code: 0, data: { amount, job_id: task.id }, job_id: task.id }));
  });

  app.get("/api/v1/job/query", (c) => {
    const plan = core.faults.effective(PROVIDER);
    if (core.random.chance(plan.status_error_rate)) return httpError(core.random.next() < 0.5 ? 500 : 503);
    const id = c.req.query("id");
    if (id === undefined || id === "") return apiError(400, "id is required");
    const task = core.tasks.get<ShortapiTaskData>(PROVIDER, id);
    const phase = task === undefined ? null : core.taskPhase(task);
    // The not-found code is undocumented; 404 in the body, HTTP 200 [INF].
    if (task === undefined || phase === null || phase.status === "forgotten") return apiError(404, "job not found");
    return Response.json(renderJob(task, phase, shapeOf(core)));
  });

  return app;
}

/** "0.43" for 5 s: $0.085/s, rounded half-up to the cent. */
function formatAmount(seconds: number): string {
  const cents = Math.round((seconds * TENTHS_OF_CENT_PER_SECOND) / 10);
  return (cents / 100).toFixed(2);
}

/**
 * The query body (also the callback body). The documented `result` example holds `images`;
 * for video, clients read `result.videos[0].url` (§5.3 [3P]), which is what is served.
 */
function renderJob(task: ShortapiTask, phase: TaskPhase, shape: string): Record<string, unknown> {
  const status = STATUS_CODES[phase.status as Exclude<TaskPhase["status"], "forgotten">];
  const urls = task.outputs.map((file) => ({ url: file.url }));
  const data: Record<string, unknown> = {
    job_id: task.id,
    status,
    result: status === 2 ? (shape === "images" ? { images: urls } : { videos: urls }) : null,
  };
  // Where a failure's reason goes is undocumented; `data.error` carries the message [INF].
  if (status === 3) data.error = task.failure?.message ?? "job cancelled";
  return { code: 0, data };
}

function shapeOf(core: EmulatorCore): string {
  return core.faults.effective(PROVIDER).result_shape ?? "videos";
}

/** A refusal in the body: HTTP 200, a non-zero `code` and the text in `info`, as 3P clients read it (§5.5 [3P]). */
function apiError(code: number, info: string): Response {
  return Response.json({ code, info });
}

/** Auth, credit, rate and availability failures as real HTTP statuses, same body shape [INF]. */
function httpError(status: number): Response {
  return Response.json({ code: status, message: FAULT_MESSAGES[status] ?? `http ${status}` }, { status });
}
