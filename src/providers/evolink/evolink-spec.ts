/**
 * @module providers/evolink/evolink-spec — EvoLink's unified task API: wan2.7 i2v only.
 *
 * Wire format: ../shared/providers.md §2, ../shared/provider-fixtures/evolink.json and
 * EvoLink's own client (evolink-cli, "generated from Evolink-AI/evolink-mcp"). Create with
 * `POST /v1/videos/generations` and an `Idempotency-Key`, read with `GET /v1/tasks/{id}`; the
 * callback body is the task JSON, unsigned, so it is only ever used as a hint. EvoLink sells
 * no wan2.7 image-pro model (it is absent from its OpenAPI), so the spec has no image side.
 */
import { z } from "@hono/zod-openapi";
import type { I2vInput } from "../../models/i2v";
import type { ModelAdapter, ProviderSpec, UpstreamError, UpstreamTask } from "../provider-adapter";
import type { ProviderErrors } from "../provider-http";
import { callProvider, classifyStatus, createdTask, distinct, mediaUrls, pick, pickCode, pickString, progressPercent, protocolError, unknownTask } from "../provider-http";

/** Builds the create body. Exported for fixture tests. */
export function evolinkVideoBody(input: I2vInput, callbackUrl: string | null): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: "wan2.7-image-to-video",
    // Sent explicitly: EvoLink recommends it, and it pins the mode we validated.
    generation_mode: input.mode,
    // `quality` and `prompt_extend` are EvoLink's own names (its OpenAPI, as dumped by its CLI: E6).
    quality: input.resolution,
    duration: input.duration,
    prompt_extend: input.prompt_extend,
  };
  if (input.prompt !== undefined) body.prompt = input.prompt;
  if (input.negative_prompt !== undefined) body.negative_prompt = input.negative_prompt;
  if (input.first_frame) body.image_start = input.first_frame;
  if (input.last_frame) body.image_end = input.last_frame;
  if (input.first_clip) body.video_urls = [input.first_clip];
  if (input.driving_audio) body.audio_urls = [input.driving_audio];
  if (input.seed !== undefined) body.seed = input.seed;
  if (callbackUrl) body.callback_url = callbackUrl;
  return body;
}

/** Task failure codes that concern the content itself (EvoLink's client: `CONTENT_CODES`). */
const contentCodes = new Set(["content_policy_violation", "content_filter", "sensitive_content", "moderation_blocked", "input_moderation_failed"]);
/** Documented rule codes: EvoLink refuses an input our own validation accepted. */
const ruleCodes = new Set(["invalid_parameters", "image_processing_error", "image_dimension_mismatch"]);

/**
 * A failed (or cancelled) task's `error.code`. Documented codes: the error-codes page; the
 * rest from EvoLink's own client.
 *
 * - E2: `channel_*` codes concern EvoLink's own upstream accounts (its client reports them as
 *   service_unavailable), and a code nobody documents says nothing about our request: both
 *   are a retryable `generation_failed`. Rule codes (`invalid_…`, e.g. `invalid_audio`) are
 *   EvoLink refusing our input: `rejected`.
 * - E3: `generation_failed_no_content` and `unknown_error` stay retryable although EvoLink's
 *   client marks them final: EvoLink refunds failed tasks, so another provider's try costs
 *   nothing twice, and the job's attempts are bounded.
 */
function evolinkFailure(code: string, message: string): UpstreamError {
  const error = (kind: UpstreamError["kind"], retryable: boolean): UpstreamError => ({ kind, message, retryable, providerCode: code });
  if (contentCodes.has(code)) return error("content_policy", false);
  if (code === "request_cancelled") return error("canceled", true);
  // "The task or an input resource was not found or has expired."
  if (code === "resource_not_found") return error("not_found", true);
  if (ruleCodes.has(code) || code.startsWith("invalid_")) return error("rejected", false);
  return error("generation_failed", true);
}

// The least a task answer has; every other field is read leniently (a new type there must
// not make the status unreadable).
const taskSchema = z.looseObject({ status: z.string() });
const createSchema = z.looseObject({ id: z.string().min(1), status: z.string().optional() });

/**
 * Maps EvoLink's task JSON (create answer, read, or callback) to an UpstreamTask. Exported for fixture tests.
 *
 * Documented statuses: pending, processing, completed, failed; EvoLink's own client also
 * knows `cancelled` as terminal (E1; `canceled` read the same). Any other is unknown.
 */
export function evolinkTask(task: { status?: string } & Record<string, unknown>): UpstreamTask {
  const upstreamStatus = task.status;
  const progress = progressPercent(task.progress);
  switch (upstreamStatus) {
    case undefined:
      return createdTask();
    case "pending":
      return { state: "pending", progress, upstreamStatus };
    case "processing":
      return { state: "running", progress, upstreamStatus };
    case "completed": {
      // `results[]` (documented) and `result_data` (an object or a list of them, each with
      // `video_url`: EvoLink's client reads both, E4).
      const urls = distinct([...mediaUrls(task.results), ...[task.result_data].flat().flatMap((item) => mediaUrls(pick(item, "video_url")))]);
      if (urls.length === 0) return { state: "failed", upstreamStatus, error: protocolError("EvoLink reported completion without a result URL") };
      const usage = task.usage;
      return { state: "completed", urls, upstreamStatus, ...(usage !== null && typeof usage === "object" ? { providerUsage: usage } : {}) };
    }
    case "failed":
    case "cancelled":
    case "canceled": {
      const fallback = upstreamStatus === "failed" ? "unknown_error" : "request_cancelled";
      const code = pickCode(task, "error", "code") ?? fallback;
      return { state: "failed", upstreamStatus, error: evolinkFailure(code, pickString(task, "error", "message") ?? `the task ${upstreamStatus === "failed" ? "failed" : "was cancelled"} at EvoLink`) };
    }
    default:
      return unknownTask(upstreamStatus);
  }
}

/** EvoLink's HTTP error codes (its client's `classifyGatewayError`), by meaning. */
const creditCodes = new Set(["insufficient_quota", "insufficient_user_quota", "quota_not_enough", "account_balance_insufficient", "insufficient_token_quota", "key_quota_exhausted", "token_daily_quota_exceeded", "key_daily_quota_exhausted"]);
const keyCodes = new Set(["key_disabled", "key_expired", "user_disabled", "invalid_token"]);
const unavailableCodes = new Set(["service_unavailable", "no_available_channel", "model_unavailable", "channel_selection_failed"]);

/** Maps an EvoLink error answer `{error:{code,message,type}}`; `code` is a string or the HTTP number. */
export function evolinkHttpError(status: number, headers: Headers, body: unknown, nowMs: number): UpstreamError {
  const message = pickString(body, "error", "message") ?? `EvoLink answered HTTP ${status}`;
  const error = classifyStatus(status, headers, message, nowMs);
  const type = pickString(body, "error", "type");
  const code = pickCode(body, "error", "code")?.toLowerCase() ?? "";
  const named = code !== "" && !/^\d+$/.test(code) ? code : undefined;
  if (named ?? type) error.providerCode = named ?? type;
  const refine = (kind: UpstreamError["kind"], retryable: boolean) => Object.assign(error, { kind, retryable });
  // "Key and balance rejections are always HTTP 402" (EvoLink's client).
  if (creditCodes.has(code) || type === "insufficient_quota_error") refine("out_of_credit", true);
  else if (keyCodes.has(code)) refine("unauthorized", false);
  else if (code === "key_model_not_allowed" || code === "model_access_denied") refine("rejected", false);
  else if (contentCodes.has(code)) refine("content_policy", false);
  else if (unavailableCodes.has(code) || code.startsWith("channel_")) refine("unavailable", true);
  // "The earlier submission with this id is still being processed or its outcome is unknown":
  // the same meaning as a create that timed out.
  else if (code === "paid_outcome_unknown") refine("timeout", true);
  // EvoLink's 429 carries a hint such as "retry after 60 seconds" instead of a header.
  const suggestion = pickString(body, "error", "fallback_suggestion");
  const seconds = suggestion ? /retry after (\d+) seconds?/i.exec(suggestion)?.[1] : undefined;
  if (error.retryAfterMs === undefined && seconds) error.retryAfterMs = Number(seconds) * 1000;
  return error;
}

const evolinkErrors: ProviderErrors = {
  name: "EvoLink",
  failure: (response, _call, nowMs) => evolinkHttpError(response.status, response.headers, response.body, nowMs),
};

const evolinkVideo: ModelAdapter<"wan2.7-i2v"> = {
  capabilities: {
    modes: ["first_frame", "first_last_frame", "video_continuation"],
    durations: { min: 2, max: 15 },
    resolutions: ["720p", "1080p"],
    drivingAudio: true,
    seed: { min: 1, max: 2147483647 }, // EvoLink documents 1, not 0, as the minimum
    watermark: false, // no watermark parameter is documented
    negativePrompt: true,
    promptExtend: true,
    promptRequired: false,
    callbacks: true,
    idempotentCreate: true, // `Idempotency-Key` on create (EvoLink's own client sends it)
    cancel: false,
    pricePerSecondUsd: { "720p": null, "1080p": null }, // not published (providers.md §2.7)
    polling: { baseMs: 1_000, maxMs: 15_000 }, // callbacks do the work; polling is the backstop
    startDeadlineMs: 10 * 60_000,
  },

  submit(input, options, context) {
    // X3: EvoLink keeps a ledger of `Idempotency-Key`s (its client sends one with every paid
    // create and retries with the same key): a create resent after a lost answer returns the
    // original task instead of starting, and billing, a second one.
    const call = { operation: "create", method: "POST", path: "/v1/videos/generations", body: evolinkVideoBody(input, options.callbackUrl), headers: { "Idempotency-Key": options.idempotencyKey } } as const;
    return callProvider(context, evolinkErrors, call, createSchema, (task) => {
      const usage = task.usage;
      return { upstreamId: task.id, task: evolinkTask(task), ...(usage !== null && typeof usage === "object" ? { providerUsage: usage } : {}) };
    });
  },

  getTask(upstreamId, context) {
    return callProvider(context, evolinkErrors, { operation: "read", method: "GET", path: `/v1/tasks/${encodeURIComponent(upstreamId)}` }, taskSchema, evolinkTask);
  },
};

export const evolinkSpec: ProviderSpec = {
  id: "evolink",
  displayName: "EvoLink",
  models: { "wan2.7-i2v": evolinkVideo },
  callbackTaskId: (body) => pickString(body, "id") ?? null,
};
