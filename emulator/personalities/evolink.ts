/**
 * @module evolink
 * The EvoLink personality: `POST /v1/videos/generations` and `GET /v1/tasks/{id}` for
 * `wan2.7-image-to-video`, with EvoLink's ids, task envelope, error bodies and callback
 * behaviour (../../shared/providers.md §2, ../../shared/seeds/003_4c6f191fb08859d5.txt).
 *
 * Idempotency: a create carrying `Idempotency-Key` that repeats a key the same API key used in
 * the last 24 h gets the first call's answer again (same task id, `Idempotency-Replayed: true`),
 * and no second task is made or billed — as EvoLink's own client relies on ("the gateway
 * ledger (Idempotency-Key) can return the original task instead of creating a second one").
 * The body is not compared: EvoLink documents no answer for a reused key with another body, and
 * replaying cannot bill twice.
 */
import { Hono, type Context } from "hono";
import type { CallbackPolicy } from "../core/callback-sender";
import type { EmulatorCore } from "../core/core";
import type { Personality } from "../core/personality";
import { randomToken } from "../core/random";
import type { EmulatedTask, TaskPhase } from "../core/task-store";
import { parseEvolinkVideoRequest, type EvolinkVideoRequest } from "./evolink-request";
import { videoFrameSize } from "./wan-rules";

const PROVIDER = "evolink";

/** "Generated video links are valid for 24 hours." */
const URL_LIFETIME_MS = 24 * 3_600_000;

/** How long EvoLink remembers an Idempotency-Key. */
const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

/** 10 s per delivery, then up to 3 retries at 1, 2 and 4 s; any 2xx is success. */
const CALLBACK_POLICY: CallbackPolicy = { timeoutMs: 10_000, retryDelaysMs: [1000, 2000, 4000] };

/** `error.type` per HTTP status (providers.md §2.5). */
const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "insufficient_quota_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large_error",
  429: "rate_limit_error",
  500: "internal_server_error",
  502: "upstream_error",
  503: "service_unavailable_error",
};

/** Messages for injected `submit_status` / `status_error_rate` answers. */
const FAULT_MESSAGES: Record<number, string> = {
  429: "Rate limit exceeded, please slow down",
  500: "Internal server error",
  502: "Upstream service error",
  503: "Service temporarily unavailable",
};

/** Task failure codes from EvoLink's error-code page (providers.md §2.3). */
const FAILURE_MESSAGES: Record<string, string> = {
  content_policy_violation: "Content violates the usage policy",
  invalid_parameters: "Invalid parameters",
  image_processing_error: "Failed to process the input image",
  image_dimension_mismatch: "Input image dimensions are not supported",
  request_cancelled: "Task was cancelled",
  resource_not_found: "Task not found or expired",
  generation_failed_no_content: "Generation finished without producing content",
  service_error: "Service error during generation, please retry",
  generation_timeout: "Generation timed out",
  resource_exhausted: "Resources exhausted, please retry later",
  quota_exceeded: "Quota exceeded",
  service_unavailable: "Service temporarily unavailable",
  unknown_error: "Unknown error",
};

/** What the personality keeps per task. */
interface EvolinkTaskData {
  model: string;
  request: EvolinkVideoRequest;
}

type EvolinkTask = EmulatedTask<EvolinkTaskData>;

export const evolink: Personality = {
  name: PROVIDER,
  description: "EvoLink: POST /v1/videos/generations (Idempotency-Key honoured for 24 h), GET /v1/tasks/{id}; callback_url with 3 retries at 1/2/4 s",
  createRoutes,
  // `results[]` is the documented shape; EvoLink's own client also reads `result_data[].video_url`.
  faultChoices: { result_shape: ["results", "result_data"] },
};

/** A create answer kept for replays of its Idempotency-Key. */
interface Remembered {
  taskId: string;
  at: number;
  answer: Record<string, unknown>;
}

function createRoutes(core: EmulatorCore): Hono {
  const app = new Hono();
  /** Keyed by API key and Idempotency-Key. */
  const idempotency = new Map<string, Remembered>();
  app.use("*", async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    if (match === null) return evolinkError(401, "Invalid or missing API key");
    await next();
  });

  app.post("/v1/videos/generations", async (c) => {
    const plan = core.faults.effective(PROVIDER);
    await core.delaySubmit(PROVIDER);
    if (plan.submit_status !== undefined && core.random.chance(plan.submit_rate ?? 1)) {
      return faultResponse(plan.submit_status);
    }
    const idempotencyKey = c.req.header("idempotency-key") ?? null;
    const ledgerKey = idempotencyKey === null ? null : `${bearer(c)}\u0000${idempotencyKey}`;
    const remembered = ledgerKey === null ? undefined : idempotency.get(ledgerKey);
    const original = remembered === undefined ? undefined : core.tasks.get<EvolinkTaskData>(PROVIDER, remembered.taskId);
    if (remembered !== undefined && original !== undefined && core.now() - remembered.at < IDEMPOTENCY_WINDOW_MS) {
      original.replays += 1;
      return core.answerCreate(original, Response.json(remembered.answer, { headers: { "idempotency-replayed": "true" } }));
    }
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return evolinkError(400, "Invalid JSON in request body");
    }
    const parsed = parseEvolinkVideoRequest(body);
    if (!parsed.ok) return evolinkError(400, parsed.message, { param: parsed.param });
    if (plan.credit_exhausted === true) {
      return evolinkError(402, "Insufficient credits, please top up your account");
    }
    const { request } = parsed;
    if (core.rejectsCreate(PROVIDER)) {
      // A key not allowed the model: a code from EvoLink's client's list of admission refusals
      // ("emitted by gateway admission checks before dispatch"); its HTTP status is [INF].
      return evolinkError(403, `This API key is not allowed to use model ${request.model}`, { code: "key_model_not_allowed" });
    }
    const task = core.launchTask<EvolinkTaskData>({
      provider: PROVIDER,
      id: `task-unified-${Math.floor(core.now() / 1000)}-${randomToken(8)}`,
      outputs: [{ kind: "video", extension: "mp4", contentType: "video/mp4", ...videoFrameSize(request.quality), seconds: request.duration }],
      ...(request.seed === null ? {} : { seed: request.seed }),
      urlLifetimeMs: URL_LIFETIME_MS,
      defaultFailCode: "service_error",
      failureMessage: (code) => FAILURE_MESSAGES[String(code)] ?? "Task failed",
      callbackUrl: request.callbackUrl,
      idempotencyKey,
      data: { model: request.model, request },
    });
    if (task.callbackUrl !== null) {
      core.scheduleCallbacks(task, executionContext(c), (phase) => renderTask(task, phase, shapeOf(core)), CALLBACK_POLICY);
    }
    const answer = {
      created: Math.floor(task.createdAt / 1000),
      id: task.id,
      model: request.model,
      object: "video.generation.task",
      progress: 0,
      status: "pending",
      task_info: { can_cancel: true, estimated_time: estimatedSeconds(task) },
      type: "video",
      // The documented credit numbers are placeholders; these are too.
      usage: {
        billing_rule: "per_call",
        credits_reserved: request.duration * (request.quality === "1080p" ? 2 : 1),
        user_group: "default",
      },
    };
    if (ledgerKey !== null) idempotency.set(ledgerKey, { taskId: task.id, at: core.now(), answer });
    return core.answerCreate(task, Response.json(answer));
  });

  app.get("/v1/tasks/:id", (c) => {
    const id = c.req.param("id");
    if (!id.startsWith("task-unified-")) {
      return evolinkError(400, "Invalid task ID format, must start with 'task-unified-'", {
        code: "invalid_task_id",
        param: "task_id",
      });
    }
    const plan = core.faults.effective(PROVIDER);
    if (core.random.chance(plan.status_error_rate)) return faultResponse(core.random.next() < 0.5 ? 500 : 503);
    const task = core.tasks.get<EvolinkTaskData>(PROVIDER, id);
    const phase = task === undefined ? null : core.taskPhase(task);
    if (task === undefined || phase === null || phase.status === "forgotten") {
      return evolinkError(404, `Task ${id} not found`, { param: "task_id" });
    }
    return Response.json(renderTask(task, phase, shapeOf(core)));
  });

  return app;
}

function shapeOf(core: EmulatorCore): string {
  return core.faults.effective(PROVIDER).result_shape ?? "results";
}

/** The task-query body, which is also the callback body ("consistent with the task query API"). */
function renderTask(task: EvolinkTask, phase: TaskPhase, shape: string): Record<string, unknown> {
  const base = {
    id: task.id,
    object: "video.generation.task",
    created: Math.floor(task.createdAt / 1000),
    model: task.data.model,
    type: "video",
  };
  switch (phase.status) {
    case "pending":
    case "suspended": // EvoLink has no such status: a paused task is still queued to its clients.
    case "processing":
      return {
        ...base,
        status: phase.status === "processing" ? "processing" : "pending",
        progress: phase.progress,
        task_info: {
          can_cancel: true,
          estimated_time: estimatedSeconds(task),
          video_duration: task.data.request.duration,
        },
      };
    case "completed": {
      const urls = task.outputs.map((file) => file.url);
      const results = shape === "result_data" ? { result_data: urls.map((url) => ({ video_url: url })) } : { results: urls };
      return { ...base, status: "completed", progress: 100, ...results, task_info: { can_cancel: false } };
    }
    case "cancelled":
      // Not in the documented enum, but terminal in EvoLink's own client (TERMINAL_STATUSES),
      // which defaults the code to request_cancelled when no error is given; none is given here.
      return { ...base, status: "cancelled", progress: 0, task_info: { can_cancel: false } };
    default: {
      const failure = task.failure ?? { code: "unknown_error", message: FAILURE_MESSAGES.unknown_error };
      return {
        ...base,
        status: "failed",
        progress: 0,
        error: { code: failure.code, message: failure.message },
        task_info: { can_cancel: false },
      };
    }
  }
}

function estimatedSeconds(task: EvolinkTask): number {
  return Math.ceil(task.durationMs / 1000);
}

/** EvoLink's error envelope: `{"error":{"code","message","type","param"?,"fallback_suggestion"?}}`. */
function evolinkError(
  status: number,
  message: string,
  extra: { code?: string; param?: string; fallback_suggestion?: string } = {},
  headers: Record<string, string> = {},
): Response {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? "internal_server_error" : "invalid_request_error");
  const { code, ...rest } = extra;
  return Response.json({ error: { code: code ?? status, message, type, ...rest } }, { status, headers });
}

/** An injected server-side answer (`submit_status`, `status_error_rate`). */
function faultResponse(status: number): Response {
  const message = FAULT_MESSAGES[status] ?? `Emulated HTTP ${status}`;
  if (status === 429) {
    return evolinkError(status, message, { fallback_suggestion: "retry after 1 seconds" }, { "retry-after": "1" });
  }
  return evolinkError(status, message);
}

function bearer(c: Context): string {
  return /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
}

function executionContext(c: Context): { waitUntil(promise: Promise<unknown>): void } {
  return { waitUntil: (promise) => c.executionCtx.waitUntil(promise) };
}
