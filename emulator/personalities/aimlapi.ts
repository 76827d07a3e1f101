/**
 * @module aimlapi
 * The AI/ML API personality: async `POST /v2/video/generations` + `GET
 * /v2/video/generations?generation_id=` for `alibaba/wan-2-7-i2v`, and the synchronous
 * `POST /v1/images/generations` for `alibaba/wan-2-7-image-pro` (../../shared/providers.md §4).
 * Poll-only: no callback is documented, so the callback faults of a plan do not apply.
 */
import { Hono, type Context } from "hono";
import type { EmulatorCore } from "../core/core";
import type { Personality } from "../core/personality";
import { randomToken } from "../core/random";
import type { EmulatedTask, TaskPhase } from "../core/task-store";
import { parseAimlapiImage, parseAimlapiVideo, type AimlapiImageRequest, type AimlapiVideoRequest } from "./aimlapi-request";
import { bearerKey, readJson, submitFaultHits, type Validated } from "./validation";
import { videoFrameSize, type FrameSize } from "./wan-rules";

const PROVIDER = "aimlapi";

/** Not documented (§4.7); the image example's `Expires` is about 24 h after creation [INF]. */
const URL_LIFETIME_MS = 24 * 3_600_000;

/** Generation ids look like "6_slPtsld56BC5D7MSfaH" (a 21-character nanoid). */
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/**
 * Prices are not documented (§4.8); these placeholders only make `usd_spent` non-zero.
 * The one image example spends $0.0975.
 */
const USD_PER_SECOND = { "720p": 0.1, "1080p": 0.15 } as const;
const USD_PER_IMAGE = 0.0975;
/** Placeholder credits-per-dollar ratio for `credits_used` [UNKNOWN]. */
const CREDITS_PER_USD = 2_100_000;

const FAULT_MESSAGES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** The video poll's `error.name` when `fail_rate` hits; the real names are [UNKNOWN]. */
const DEFAULT_FAIL_CODE = "GenerationError";

const FAILURE_MESSAGES: Record<string, string> = {
  GenerationError: "The generation failed on the provider side",
  ContentPolicyViolation: "The request was flagged by the content filter",
  TimeoutError: "The generation timed out",
};

type AimlapiTaskData = { kind: "video"; request: AimlapiVideoRequest } | { kind: "image"; request: AimlapiImageRequest };
type AimlapiTask = EmulatedTask<AimlapiTaskData>;

/**
 * Task phases as AI/ML's status words. `wan`: the wan2.7 schema's enum (queued, generating,
 * completed, error). `universal`: the in-progress words AI/ML's docs poll through for other
 * models on the same endpoint (waiting, then active). No cancel status is documented.
 */
const VOCABULARIES: Record<string, Record<Exclude<TaskPhase["status"], "forgotten">, string>> = {
  wan: { pending: "queued", suspended: "queued", processing: "generating", completed: "completed", failed: "error", cancelled: "error" },
  universal: { pending: "waiting", suspended: "waiting", processing: "active", completed: "completed", failed: "error", cancelled: "error" },
};

/** `image_size` presets, as the fal.ai-style names AI/ML uses define them [INF]. */
const IMAGE_PRESETS: Record<string, FrameSize> = {
  square_hd: { width: 1024, height: 1024 },
  square: { width: 512, height: 512 },
  portrait_4_3: { width: 768, height: 1024 },
  portrait_16_9: { width: 576, height: 1024 },
  landscape_4_3: { width: 1024, height: 768 },
  landscape_16_9: { width: 1024, height: 576 },
};

export const aimlapi: Personality = {
  name: PROVIDER,
  description:
    "AI/ML API: POST /v2/video/generations, GET /v2/video/generations?generation_id=; POST /v1/images/generations (synchronous); poll-only",
  createRoutes,
  faultChoices: { status_vocabulary: ["wan", "universal"] },
};

function createRoutes(core: EmulatorCore): Hono {
  const app = new Hono();
  const fail = (c: Context, status: number, message?: string) => aimlError(c, core, status, message);
  app.use("*", async (c, next) => {
    if (bearerKey(c) === null) return fail(c, 401);
    await next();
  });

  /** The checks every create shares; a Response when the call stops here. */
  const admit = async <T>(c: Context, parse: (body: unknown) => Validated<T>): Promise<T | Response> => {
    const plan = core.faults.effective(PROVIDER);
    await core.delaySubmit(PROVIDER);
    if (submitFaultHits(plan, core.random.chance)) return fail(c, plan.submit_status);
    const body = await readJson(c);
    if (body === undefined) return fail(c, 400, "Body validation error: the body is not valid JSON");
    const parsed = parse(body);
    if (!parsed.ok) return fail(c, 400, `Body validation error: [${parsed.param}] ${parsed.message}`);
    // Out of credit is 403 at AI/ML, not 402 (§4.6).
    if (plan.credit_exhausted === true) return fail(c, 403, "You've run out of credits. Please top up your balance to continue.");
    // A model id AI/ML no longer lists: its documented "Body validation error" enum wording.
    if (core.rejectsCreate(PROVIDER)) {
      const model = (body as { model?: unknown }).model;
      return fail(c, 400, `Body validation error\nInvalid enum value. Expected a listed model, received '${String(model)}'`);
    }
    return parsed.value;
  };

  app.post("/v2/video/generations", async (c) => {
    const request = await admit(c, parseAimlapiVideo);
    if (request instanceof Response) return request;
    const task = launch(core, c, { kind: "video", request }, "mp4");
    const vocabulary = VOCABULARIES[core.faults.effective(PROVIDER).status_vocabulary ?? "wan"] ?? VOCABULARIES.wan;
    return core.answerCreate(task, Response.json({ id: task.id, status: vocabulary?.pending }));
  });

  app.get("/v2/video/generations", (c) => {
    const plan = core.faults.effective(PROVIDER);
    if (core.random.chance(plan.status_error_rate)) return fail(c, core.random.next() < 0.5 ? 500 : 503);
    const id = c.req.query("generation_id");
    if (id === undefined || id === "") return fail(c, 400, "Query validation error: [generation_id] Required");
    const task = core.tasks.get<AimlapiTaskData>(PROVIDER, id);
    const phase = task === undefined ? null : core.taskPhase(task);
    if (task === undefined || phase === null || task.data.kind !== "video" || phase.status === "forgotten") {
      return fail(c, 404, "Generation not found");
    }
    return Response.json(renderGeneration(task, phase, plan.status_vocabulary ?? "wan"));
  });

  // Synchronous: the answer comes once the task is terminal (`duration_ms`), as at AI/ML.
  app.post("/v1/images/generations", async (c) => {
    const request = await admit(c, parseAimlapiImage);
    if (request instanceof Response) return request;
    const task = launch(core, c, { kind: "image", request }, "png");
    const phase = await core.awaitTerminal(task);
    if (phase.status !== "completed") {
      const code = task.failure?.code;
      // A numeric fail_code picks the HTTP status; a named one is a 500 carrying the name [INF].
      const status = typeof code === "number" && code >= 400 && code <= 599 ? code : 500;
      return fail(c, status, `Generation failed: ${code ?? phase.status}: ${task.failure?.message ?? ""}`.trim());
    }
    return core.answerCreate(
      task,
      Response.json({ data: task.outputs.map((file) => ({ url: file.url })), meta: { usage: usage(USD_PER_IMAGE * task.outputs.length) } }),
    );
  });

  return app;
}

function launch(core: EmulatorCore, c: Context, data: AimlapiTaskData, extension: "mp4" | "png"): AimlapiTask {
  const output =
    data.kind === "video"
      ? { kind: "video" as const, ...videoFrameSize(data.request.resolution), seconds: data.request.duration }
      : { kind: "image" as const, ...(typeof data.request.imageSize === "string" ? (IMAGE_PRESETS[data.request.imageSize] as FrameSize) : data.request.imageSize) };
  return core.launchTask<AimlapiTaskData>({
    provider: PROVIDER,
    id: randomToken(21, ID_ALPHABET),
    outputs: [{ ...output, extension, contentType: output.kind === "video" ? "video/mp4" : "image/png" }],
    ...(data.request.seed === null ? {} : { seed: data.request.seed }),
    urlLifetimeMs: URL_LIFETIME_MS,
    defaultFailCode: DEFAULT_FAIL_CODE,
    failureMessage: (code) => FAILURE_MESSAGES[String(code)] ?? "The generation failed",
    callbackUrl: null,
    idempotencyKey: c.req.header("idempotency-key") ?? null,
    data,
  });
}

/** The poll body: `{id, status, video, error, meta}`, with null for what does not apply yet. */
function renderGeneration(task: AimlapiTask, phase: TaskPhase, vocabulary: string): Record<string, unknown> {
  const completed = phase.status === "completed";
  const failed = phase.status === "failed" || phase.status === "cancelled";
  const { request } = task.data as { request: AimlapiVideoRequest };
  const words = VOCABULARIES[vocabulary] ?? VOCABULARIES.wan;
  return {
    id: task.id,
    status: words?.[phase.status as Exclude<TaskPhase["status"], "forgotten">],
    video: completed ? { url: task.outputs[0]?.url } : null,
    error: failed ? { name: String(task.failure?.code ?? DEFAULT_FAIL_CODE), message: task.failure?.message ?? "" } : null,
    meta: completed ? { usage: usage(USD_PER_SECOND[request.resolution] * request.duration) } : null,
  };
}

function usage(usd: number): { credits_used: number; usd_spent: number } {
  const usdSpent = Math.round(usd * 10_000) / 10_000;
  return { credits_used: Math.round(usdSpent * CREDITS_PER_USD), usd_spent: usdSpent };
}

/** AI/ML's error body: `{"message","path","requestId","statusCode","timestamp"}`; path without the emulator prefix. */
function aimlError(c: Context, core: EmulatorCore, status: number, message?: string): Response {
  return Response.json(
    {
      message: message ?? FAULT_MESSAGES[status] ?? `HTTP ${status}`,
      path: c.req.path.slice(PROVIDER.length + 1),
      requestId: crypto.randomUUID(),
      statusCode: status,
      timestamp: new Date(core.now()).toISOString(),
    },
    { status },
  );
}
