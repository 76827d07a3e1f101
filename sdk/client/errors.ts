/**
 * @module sdk/client/errors — what a failed call throws: the gateway's problem document, typed.
 */
import type { FieldError, Problem } from "./types";

/**
 * A non-2xx answer. `problem` is the gateway's problem document when it sent one (it always
 * does; a proxy in between may not), `errors` every offending field.
 * @example
 * try { await client.jobs.create(request) } catch (error) {
 *   if (error instanceof WanEdgeError && error.code === "invalid_request") console.log(error.errors)
 * }
 */
export class WanEdgeError extends Error {
  override name = "WanEdgeError";
  readonly status: number;
  readonly problem: Problem | null;
  readonly code: Problem["code"] | null;
  readonly errors: FieldError[];
  readonly requestId: string | null;
  /** Seconds, from `Retry-After`, when the gateway sent one (429, 503). */
  readonly retryAfter: number | null;

  constructor(status: number, problem: Problem | null, message: string, headers?: Headers) {
    super(message);
    this.status = status;
    this.problem = problem;
    this.code = problem?.code ?? null;
    this.errors = problem?.errors ?? [];
    this.requestId = headers?.get("x-request-id") ?? null;
    const retryAfter = Number(headers?.get("retry-after") ?? Number.NaN);
    this.retryAfter = Number.isFinite(retryAfter) ? retryAfter : null;
  }
}

/** The error a response stands for: its problem document, or its status and text. */
export async function errorFrom(response: Response): Promise<WanEdgeError> {
  const text = await response.text().catch(() => "");
  let problem: Problem | null = null;
  try {
    const parsed = JSON.parse(text) as Partial<Problem>;
    if (parsed && typeof parsed === "object" && typeof parsed.status === "number" && typeof parsed.code === "string") problem = parsed as Problem;
  } catch {
    // not JSON: a proxy's page, say
  }
  const message = problem
    ? [`${problem.status} ${problem.code}: ${problem.detail}`, ...(problem.errors ?? []).map((error) => `  ${error.path}: ${error.message}`)].join("\n")
    : `${response.status} ${response.statusText || "error"}${text ? `: ${text.slice(0, 200)}` : ""}`;
  return new WanEdgeError(response.status, problem, message, response.headers);
}
