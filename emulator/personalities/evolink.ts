/**
 * @module evolink
 * The EvoLink personality: `POST /v1/videos/generations` and `GET /v1/tasks/{id}` for
 * `wan2.7-image-to-video`, with EvoLink's ids, task envelope, error bodies and callback
 * behaviour (../../shared/providers.md §2, ../../shared/seeds/003_4c6f191fb08859d5.txt).
 */
import { Hono, type Context } from "hono";
import type { CallbackPolicy } from "../core/callback-sender";
import type { EmulatorCore } from "../core/core";
import type { Personality } from "../core/personality";
import { randomToken } from "../core/random";
import type { EmulatedTask, TaskPhase } from "../core/task-store";
import { parseEvolinkVideoRequest, type EvolinkVideoRequest } from "./evolink-request";

const PROVIDER = "evolink";

/** "Generated video links are valid for 24 hours." */
const URL_LIFETIME_MS = 24 * 3_600_000;

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
  description: "EvoLink: POST /v1/videos/generations, GET /v1/tasks/{id}; callback_url with 3 retries at 1/2/4 s",
  createRoutes,
};

function createRoutes(core: EmulatorCore): Hono {
  const app = new Hono();
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
    const task = core.launchTask<EvolinkTaskData>({
      provider: PROVIDER,
      id: `task-unified-${Math.floor(core.now() / 1000)}-${randomToken(8)}`,
      outputs: [{ kind: "video", extension: "mp4", contentType: "video/mp4" }],
      ...(request.seed === null ? {} : { seed: request.seed }),
      urlLifetimeMs: URL_LIFETIME_MS,
      defaultFailCode: "service_error",
      failureMessage: (code) => FAILURE_MESSAGES[String(code)] ?? "Task failed",
      callbackUrl: request.callbackUrl,
      data: { model: request.model, request },
    });
    if (task.callbackUrl !== null) {
      core.scheduleCallbacks(task, executionContext(c), (phase) => renderTask(task, phase), CALLBACK_POLICY);
    }
    return Response.json({
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
    });
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
    if (task === undefined) return evolinkError(404, `Task ${id} not found`, { param: "task_id" });
    return Response.json(renderTask(task, core.taskPhase(task)));
  });

  return app;
}

/** The task-query body, which is also the callback body ("consistent with the task query API"). */
function renderTask(task: EvolinkTask, phase: TaskPhase): Record<string, unknown> {
  const base = {
    id: task.id,
    object: "video.generation.task",
    created: Math.floor(task.createdAt / 1000),
    model: task.data.model,
    type: "video",
  };
  switch (phase.status) {
    case "pending":
    case "processing":
      return {
        ...base,
        status: phase.status,
        progress: phase.progress,
        task_info: {
          can_cancel: true,
          estimated_time: estimatedSeconds(task),
          video_duration: task.data.request.duration,
        },
      };
    case "completed":
      return {
        ...base,
        status: "completed",
        progress: 100,
        results: task.outputs.map((file) => file.url),
        task_info: { can_cancel: false },
      };
    default: {
      // EvoLink's status enum has no "cancelled": a cancelled task most likely reads as failed
      // with `request_cancelled` (providers.md §2.4 [INF]).
      const failure = task.failure ?? { code: "request_cancelled", message: FAILURE_MESSAGES.request_cancelled };
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

function executionContext(c: Context): { waitUntil(promise: Promise<unknown>): void } {
  return { waitUntil: (promise) => c.executionCtx.waitUntil(promise) };
}
