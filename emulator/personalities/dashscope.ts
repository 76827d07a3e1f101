/**
 * @module dashscope
 * The DashScope (Alibaba Cloud Model Studio, the origin API) personality: async
 * `wan2.7-i2v` video-synthesis and `wan2.7-image-pro` image-generation, `GET /api/v1/tasks/{id}`
 * and `POST /api/v1/tasks/{id}/cancel` (../../shared/providers.md §1). Poll-only: DashScope
 * has no callbacks, so the callback faults of a plan do not apply here. Statuses are the SDK's
 * whole `TaskStatus` set: PENDING, SUSPENDED (`suspend_ms`), RUNNING, SUCCEEDED, FAILED,
 * CANCELED (a cancel call, or `cancel_rate`) and UNKNOWN (an unknown id, a task older than 24 h,
 * or `forget_rate`).
 */
import { Hono, type Context } from "hono";
import type { EmulatorCore, OutputRequest } from "../core/core";
import type { Personality } from "../core/personality";
import { PENDING_SHARE, type EmulatedTask, type TaskPhase } from "../core/task-store";
import { parseDashscopeImage, parseDashscopeVideo, type DashscopeImageRequest, type DashscopeVideoRequest } from "./dashscope-request";
import { bearerKey, readJson, submitFaultHits, type Validated } from "./validation";
import { imageFrameSize, videoFrameSize } from "./wan-rules";

const PROVIDER = "dashscope";

/** Signed OSS result URLs expire after 24 h (§1.7). */
const URL_LIFETIME_MS = 24 * 3_600_000;

/** "UNKNOWN: the task does not exist or the query is older than 24 h" (query-result page). */
const TASK_MEMORY_MS = 24 * 3_600_000;

/** Codes for HTTP statuses, from the error table (§1.5); 5xx other than 500 reuse InternalError. */
const ERROR_CODES: Record<number, [string, string]> = {
  400: ["InvalidParameter", "The request parameter is invalid."],
  401: ["InvalidApiKey", "Invalid API-key provided."],
  403: ["AccessDenied", "Access denied."],
  408: ["RequestTimeOut", "Request timed out, please try again later."],
  413: ["BadRequest.TooLarge", "Payload Too Large."],
  429: ["Throttling", "Requests rate limit exceeded, please try again later."],
  500: ["InternalError", "An internal error has occured, please try again later or contact service support."],
};

/** Task failure codes a plan's `fail_code` may name, with DashScope-like messages. */
const FAILURE_MESSAGES: Record<string, string> = {
  InternalError: "An internal error has occured, please try again later or contact service support.",
  "InternalError.Algo": "An algorithm error occurred during generation.",
  DataInspectionFailed: "Output data may contain inappropriate content.",
  "InvalidParameter.DataInspection": "The media format is not supported or incorrect for the data inspection.",
  InvalidParameter: "The input media could not be processed.",
  InvalidURL: "The input URL could not be downloaded.",
};

/** Either validated create body. */
type DashscopeRequest = DashscopeVideoRequest | DashscopeImageRequest;

interface DashscopeTaskData {
  model: string;
  request: DashscopeRequest;
}

type DashscopeTask = EmulatedTask<DashscopeTaskData>;

const STATUS_NAMES: Record<TaskPhase["status"], string> = {
  pending: "PENDING",
  suspended: "SUSPENDED",
  forgotten: "UNKNOWN",
  processing: "RUNNING",
  completed: "SUCCEEDED",
  failed: "FAILED",
  cancelled: "CANCELED",
};

export const dashscope: Personality = {
  name: PROVIDER,
  description:
    "DashScope: POST /api/v1/services/aigc/video-generation/video-synthesis and …/image-generation/generation (X-DashScope-Async: enable), GET /api/v1/tasks/{id}, POST /api/v1/tasks/{id}/cancel; poll-only",
  createRoutes,
};

function createRoutes(core: EmulatorCore): Hono {
  const app = new Hono();
  app.use("*", async (c, next) => {
    if (bearerKey(c) === null) return dashscopeError(401);
    await next();
  });

  const create = (model: string, parse: (body: unknown) => Validated<DashscopeRequest>) => async (c: Context) => {
    const plan = core.faults.effective(PROVIDER);
    await core.delaySubmit(PROVIDER);
    if (submitFaultHits(plan, core.random.chance)) return dashscopeError(plan.submit_status);
    // Brief-specified answer. Real DashScope is reported to answer 403 AccessDenied
    // "current user api does not support synchronous calls" here; adapters should not rely on either.
    if (c.req.header("x-dashscope-async") !== "enable") {
      return dashscopeError(400, "InvalidParameter", "current user api does not support synchronous calls");
    }
    const body = await readJson(c);
    if (body === undefined) return dashscopeError(400, "InvalidParameter", "The request body is not valid JSON.");
    const parsed = parse(body);
    if (!parsed.ok) return dashscopeError(400, parsed.code ?? "InvalidParameter", parsed.message);
    if (plan.credit_exhausted === true) {
      // Billing failures surface as 400 Arrearage, not 402 (§1.5).
      return dashscopeError(400, "Arrearage", "Access denied, please make sure your account is in good standing.");
    }
    const request = parsed.value;
    // A model this account or region cannot use: the wording of DashScope's answer is [INF].
    if (core.rejectsCreate(PROVIDER)) return dashscopeError(400, "InvalidParameter", "Model not exist.");
    const task = core.launchTask<DashscopeTaskData>({
      provider: PROVIDER,
      id: crypto.randomUUID(),
      outputs: outputsFor(request),
      ...(request.seed === null ? {} : { seed: request.seed }),
      urlLifetimeMs: URL_LIFETIME_MS,
      defaultFailCode: "InternalError",
      failureMessage: (code) => FAILURE_MESSAGES[String(code)] ?? "Task failed.",
      callbackUrl: null,
      idempotencyKey: c.req.header("idempotency-key") ?? null,
      data: { model, request },
    });
    return core.answerCreate(task, Response.json({ request_id: crypto.randomUUID(), output: { task_id: task.id, task_status: "PENDING" } }));
  };

  app.post("/api/v1/services/aigc/video-generation/video-synthesis", create("wan2.7-i2v", parseDashscopeVideo));
  app.post("/api/v1/services/aigc/image-generation/generation", create("wan2.7-image-pro", parseDashscopeImage));

  app.get("/api/v1/tasks/:id", (c) => {
    const plan = core.faults.effective(PROVIDER);
    if (core.random.chance(plan.status_error_rate)) return dashscopeError(core.random.next() < 0.5 ? 500 : 503);
    const id = c.req.param("id");
    const task = core.tasks.get<DashscopeTaskData>(PROVIDER, id);
    const phase = task === undefined ? null : core.taskPhase(task);
    // Unknown, lost and expired tasks are not a 404 at DashScope: 200 with task_status UNKNOWN (§1.3).
    if (task === undefined || phase === null || phase.status === "forgotten" || core.now() - task.createdAt >= TASK_MEMORY_MS) {
      return Response.json({ request_id: crypto.randomUUID(), output: { task_id: id, task_status: "UNKNOWN" } });
    }
    return Response.json(renderTask(task, phase));
  });

  app.post("/api/v1/tasks/:id/cancel", (c) => {
    const task = core.tasks.get<DashscopeTaskData>(PROVIDER, c.req.param("id"));
    // Only PENDING tasks can be cancelled (§1.3); the exact code is [INF].
    if (task === undefined || core.taskPhase(task).status !== "pending" || !core.cancelTask(task)) {
      return dashscopeError(400, "UnsupportedOperation", "Failed to cancel the task, please confirm if the task is in PENDING status.");
    }
    return Response.json({ request_id: crypto.randomUUID() });
  });

  return app;
}

function outputsFor(request: DashscopeRequest): OutputRequest[] {
  if (request.kind === "video") {
    return [{ kind: "video", extension: "mp4", contentType: "video/mp4", ...videoFrameSize(request.resolution), seconds: request.duration }];
  }
  const size = imageFrameSize(request.size);
  return Array.from({ length: request.n }, () => ({ kind: "image" as const, extension: "png", contentType: "image/png", ...size }));
}

/** The task-query body for one phase. */
function renderTask(task: DashscopeTask, phase: TaskPhase): Record<string, unknown> {
  const output: Record<string, unknown> = {
    task_id: task.id,
    task_status: STATUS_NAMES[phase.status],
    submit_time: formatTime(task.createdAt),
  };
  if (phase.status !== "pending" && phase.status !== "suspended" && phase.status !== "cancelled") {
    output.scheduled_time = formatTime(task.suspension?.until ?? task.createdAt + task.durationMs * PENDING_SHARE);
  }
  const endedAt = task.cancelledAt ?? task.createdAt + task.durationMs;
  const request = task.data.request;
  switch (phase.status) {
    case "pending":
    case "suspended":
    case "processing":
      // No progress field: DashScope reports none (§1.3).
      return { request_id: crypto.randomUUID(), output };
    case "completed":
      output.end_time = formatTime(endedAt);
      return request.kind === "video" ? videoSuccess(task, request, output) : imageSuccess(task, request, output);
    case "failed":
      return {
        request_id: crypto.randomUUID(),
        output: { ...output, end_time: formatTime(endedAt), code: task.failure?.code, message: task.failure?.message },
      };
    default:
      return { request_id: crypto.randomUUID(), output: { ...output, end_time: formatTime(endedAt) } };
  }
}

function videoSuccess(task: DashscopeTask, request: DashscopeVideoRequest, output: Record<string, unknown>) {
  return {
    request_id: crypto.randomUUID(),
    output: {
      ...output,
      orig_prompt: request.prompt ?? "",
      ...(request.promptExtend ? { actual_prompt: `${request.prompt ?? ""} (extended by the emulator)`.trim() } : {}),
      video_url: task.outputs[0]?.url,
    },
    // Billing is on usage.duration = input + output; the emulator does not download the input
    // clip, so in continuation mode the whole requested duration is reported as output.
    usage: {
      duration: request.duration,
      input_video_duration: 0,
      output_video_duration: request.duration,
      video_count: 1,
      SR: request.resolution === "720P" ? 720 : 1080,
    },
  };
}

function imageSuccess(task: DashscopeTask, request: DashscopeImageRequest, output: Record<string, unknown>) {
  return {
    request_id: crypto.randomUUID(),
    output: {
      ...output,
      // One choice per image; an adapter should flatten choices[].message.content[] either way.
      choices: task.outputs.map((file) => ({
        finish_reason: "stop",
        message: { role: "assistant", content: [{ type: "image", image: file.url }] },
      })),
      finished: true,
    },
    usage: {
      size: `${request.size.width}*${request.size.height}`,
      image_count: task.outputs.length,
      input_tokens: 0,
      output_tokens: 2 * task.outputs.length,
      total_tokens: 2 * task.outputs.length,
    },
  };
}

/** DashScope prints zone-less times ("2025-09-25 11:07:28.590"), in China time on the real service [INF]. */
function formatTime(at: number): string {
  return new Date(at + 8 * 3_600_000).toISOString().replace("T", " ").replace("Z", "");
}

/** DashScope's request-level error body: `{"code","message","request_id"}`. */
function dashscopeError(status: number, code?: string, message?: string): Response {
  const [defaultCode, defaultMessage] = ERROR_CODES[status] ?? (status >= 500 ? ERROR_CODES[500] : ERROR_CODES[400]) ?? ["", ""];
  return Response.json({ code: code ?? defaultCode, message: message ?? defaultMessage, request_id: crypto.randomUUID() }, { status });
}
