/**
 * @module providers/dashscope/dashscope-api — Alibaba Model Studio's (DashScope's) async task
 * API, shared by both models: create with `X-DashScope-Async: enable`, read at
 * `GET /api/v1/tasks/{id}`, cancel a queued task at `POST /api/v1/tasks/{id}/cancel`, and the
 * error vocabulary. DashScope has no callbacks (providers.md §1.6).
 *
 * Regions (`DASHSCOPE_BASE_URL`; the model, the endpoint and the API key must all belong to
 * the same region and workspace, or calls fail with InvalidApiKey or a service error, §1.1):
 *
 * | region | base URL |
 * |---|---|
 * | Singapore (international), workspace domain — Alibaba's recommendation | `https://{WorkspaceId}.ap-southeast-1.maas.aliyuncs.com` |
 * | Singapore, legacy shared domain ("will soon be taken offline") | `https://dashscope-intl.aliyuncs.com` |
 * | Beijing (China), workspace domain | `https://{WorkspaceId}.cn-beijing.maas.aliyuncs.com` |
 * | Beijing, shared domain | `https://dashscope.aliyuncs.com` |
 * | Virginia (US) | `https://dashscope-us.aliyuncs.com` |
 *
 * The origin alone or with Alibaba's `/api/v1` suffix both work. A task is read and canceled
 * on the host that created it (one base URL per deployment): a task id is only known to its
 * region, so a read elsewhere would answer UNKNOWN.
 */
import { z } from "@hono/zod-openapi";
import type { AdapterContext, Result, Submitted, UpstreamError, UpstreamTask } from "../provider-adapter";
import type { ProviderErrors } from "../provider-http";
import { callProvider, classifyStatus, createdTask, pickString, unknownTask } from "../provider-http";

/** The API's path prefix, unless the configured base URL already ends with it. */
function apiPath(context: AdapterContext): string {
  return /\/api\/v1$/.test(context.baseUrl) ? "" : "/api/v1";
}

/**
 * Task reads admitted per second, for every job of the account together. DashScope allows 20
 * `GET /tasks` per second per Alibaba Cloud account (§1.3). Reads are admitted when sent
 * (routing/rate-limit), but reach DashScope a little later, unevenly under load: at 18 a
 * second, 5,000 jobs at once put 21 reads into one second at the emulator (bench scale
 * phase, 2026-11-30). 16 leaves a fifth for that spread.
 */
export const dashscopeQueryRatePerSecond = 16;

/**
 * Maps a DashScope error answer (§1.5). The body is `{code, message, request_id}`; the
 * current SDK also reads `error_code`, `msg` and `error_message`, so those are read too
 * (D3: an `Arrearage` under those keys is still out of credit, not a refusal).
 */
export function dashscopeHttpError(status: number, headers: Headers, body: unknown, nowMs: number): UpstreamError {
  const code = pickString(body, "code") ?? pickString(body, "error_code") ?? "";
  const message = pickString(body, "message") ?? pickString(body, "msg") ?? pickString(body, "error_message") ?? `DashScope answered HTTP ${status}`;
  const error = classifyStatus(status, headers, message, nowMs);
  if (code !== "") error.providerCode = code;
  const refine = (kind: UpstreamError["kind"], retryable: boolean) => Object.assign(error, { kind, retryable });
  // The account is in arrears: a billing failure DashScope reports as 400, not 402.
  if (code === "Arrearage") refine("out_of_credit", true);
  else if (isContentCode(code)) refine("content_policy", false);
  else if (code === "InvalidApiKey" || code.startsWith("AccessDenied")) refine("unauthorized", false);
  else if (code.startsWith("Throttling")) refine("rate_limited", true);
  // Everything else keeps its status's meaning: a 400 InvalidParameter ("Model not exist.",
  // a region without the model, D4) is `rejected`, so the job tries another provider.
  return error;
}

export const dashscopeErrors: ProviderErrors = {
  name: "DashScope",
  failure: (response, _call, nowMs) => dashscopeHttpError(response.status, response.headers, response.body, nowMs),
};

/** Codes of Alibaba's content moderation, which every reseller of the same model applies too. */
function isContentCode(code: string): boolean {
  return code.startsWith("DataInspectionFailed") || code.includes(".DataInspection") || code.startsWith("IPInfringementSuspect");
}

/**
 * A FAILED task's `output.code` (§1.3, §1.5).
 *
 * D6: a code outside the documented ones is a retryable `generation_failed`. A failed task
 * delivered nothing, and the job tries at most `MAX_ATTEMPTS` providers, so the cost of
 * retrying an unlisted content refusal elsewhere is bounded; failing the job instead would
 * give up on a request another provider may well serve. Content codes are recognised by
 * their documented prefixes wherever they appear (`DataInspectionFailed…`, `….DataInspection`).
 */
function dashscopeFailure(code: string, message: string): UpstreamError {
  const error = (kind: UpstreamError["kind"], retryable: boolean): UpstreamError => ({ kind, message, retryable, ...(code ? { providerCode: code } : {}) });
  if (isContentCode(code)) return error("content_policy", false);
  // A parameter DashScope refuses although our validation accepted it: a refusal by this provider.
  if (code.startsWith("InvalidParameter")) return error("rejected", false);
  return error("generation_failed", true);
}

/** The least a task answer has (create answer or read); everything else is read leniently. */
export const dashscopeTaskSchema = z.looseObject({
  output: z.looseObject({ task_id: z.string().min(1), task_status: z.string().optional() }),
});
export type DashscopeTaskBody = z.infer<typeof dashscopeTaskSchema>;

/**
 * Maps a task answer with the status logic every DashScope model shares (one `/tasks` API);
 * `succeeded` reads the model's own result from a SUCCEEDED task.
 *
 * | `task_status` | task |
 * |---|---|
 * | PENDING, RUNNING | pending, running (DashScope reports no progress) |
 * | SUSPENDED (in the SDK's `TaskStatus`) | paused: it may resume and bill, so the job waits (D1) |
 * | SUCCEEDED | completed (the model's result) |
 * | FAILED | failed, by `output.code` |
 * | CANCELED | failed, `canceled`: nothing more will be billed, so the job fails over |
 * | UNKNOWN (no such task, or older than 24 h) | failed, `not_found`: a task DashScope does not know bills nothing, so the job fails over (D2) |
 * | anything else | unknown (never terminal) |
 */
export function dashscopeTask(body: DashscopeTaskBody, succeeded: (body: DashscopeTaskBody, upstreamStatus: string) => UpstreamTask): UpstreamTask {
  const upstreamStatus = body.output.task_status;
  switch (upstreamStatus) {
    case undefined:
      return createdTask();
    case "PENDING":
      return { state: "pending", progress: null, upstreamStatus };
    case "RUNNING":
      return { state: "running", progress: null, upstreamStatus };
    case "SUSPENDED":
      return { state: "paused", progress: null, upstreamStatus };
    case "SUCCEEDED":
      return succeeded(body, upstreamStatus);
    case "FAILED":
      return { state: "failed", upstreamStatus, error: dashscopeFailure(pickString(body.output, "code") ?? "", pickString(body.output, "message") ?? "the task failed") };
    case "CANCELED":
      return { state: "failed", upstreamStatus, error: { kind: "canceled", message: "the task was canceled at DashScope", retryable: true } };
    case "UNKNOWN":
      return { state: "failed", upstreamStatus, error: { kind: "not_found", message: "DashScope does not know the task (expired after 24 h, or never existed)", retryable: true } };
    default:
      return unknownTask(upstreamStatus);
  }
}

/** The task's `usage`, verbatim, where the answer has one (only SUCCEEDED tasks do, §1.4). */
export function dashscopeUsage(body: DashscopeTaskBody): Record<string, unknown> | undefined {
  const usage = body.usage;
  return usage !== null && typeof usage === "object" && !Array.isArray(usage) ? (usage as Record<string, unknown>) : undefined;
}

/**
 * Creates an async task at `path` (the calls are async only, §1.2, §1.4). DashScope documents
 * no idempotent create, so the options' key is not sent.
 */
export function createDashscopeTask(
  path: string,
  body: unknown,
  context: AdapterContext,
  succeeded: (body: DashscopeTaskBody, upstreamStatus: string) => UpstreamTask,
): Promise<Result<Submitted>> {
  const call = { operation: "create", method: "POST", path: `${apiPath(context)}${path}`, body, headers: { "X-DashScope-Async": "enable" } } as const;
  return callProvider(context, dashscopeErrors, call, dashscopeTaskSchema, (answer) => ({ upstreamId: answer.output.task_id, task: dashscopeTask(answer, succeeded) }));
}

/** Reads a task at `GET /api/v1/tasks/{id}`. */
export function readDashscopeTask(
  upstreamId: string,
  context: AdapterContext,
  succeeded: (body: DashscopeTaskBody, upstreamStatus: string) => UpstreamTask,
): Promise<Result<UpstreamTask>> {
  const call = { operation: "read", method: "GET", path: `${apiPath(context)}/tasks/${encodeURIComponent(upstreamId)}` } as const;
  return callProvider(context, dashscopeErrors, call, dashscopeTaskSchema, (answer) => dashscopeTask(answer, succeeded));
}

/** Cancels a task; refused (an error value) once it has left PENDING (§1.3). */
export function cancelDashscopeTask(upstreamId: string, context: AdapterContext): Promise<Result<void>> {
  const call = { operation: "cancel", method: "POST", path: `${apiPath(context)}/tasks/${encodeURIComponent(upstreamId)}/cancel` } as const;
  return callProvider(context, dashscopeErrors, call, z.unknown(), () => undefined);
}
