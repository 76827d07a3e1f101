/**
 * @module http/problem — the one error type of the HTTP edge and its RFC 9457 rendering.
 *
 * Route code throws `ProblemError`; `renderProblem` (wired into `app.onError`) turns it —
 * or anything unexpected — into `application/problem+json`. A 500 never carries a stack,
 * a message from deep inside, or a secret.
 */
export type ProblemCode =
  | "invalid_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "range_not_satisfiable"
  | "unsupported_media_type"
  | "idempotency_mismatch"
  | "unsupported"
  | "rate_limited"
  | "upstream_error"
  | "upstream_timeout"
  | "no_provider"
  | "internal_error";

const statusOf: Record<ProblemCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  range_not_satisfiable: 416,
  unsupported_media_type: 415,
  idempotency_mismatch: 422,
  // What the request asks for is beyond every provider it may go to: not worth retrying.
  unsupported: 422,
  rate_limited: 429,
  upstream_error: 502,
  // Only where a route waits for a result by design (POST /openai/v1/images/generations).
  upstream_timeout: 504,
  no_provider: 503,
  internal_error: 500,
};

const titleOf: Record<ProblemCode, string> = {
  invalid_request: "Invalid request",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  payload_too_large: "Payload too large",
  range_not_satisfiable: "Range not satisfiable",
  unsupported_media_type: "Unsupported media type",
  idempotency_mismatch: "Idempotency key reused with a different request",
  unsupported: "No provider can do what this request asks",
  rate_limited: "Rate limited",
  upstream_error: "Upstream error",
  upstream_timeout: "Upstream did not finish in time",
  no_provider: "No provider can serve this request",
  internal_error: "Internal error",
};

/** One offending field: `path` is the JSON path, e.g. `input.duration`. */
export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/**
 * The HTTP edge's single error type.
 * @example throw new ProblemError("not_found", "No job job_… for this API key")
 */
export class ProblemError extends Error {
  override name = "ProblemError";
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.status = statusOf[code];
  }
}

/** Builds the problem document (without rendering it). */
export function problemDocument(error: ProblemError): ProblemDocument {
  const document: ProblemDocument = {
    type: `https://wan-edge.dev/problems/${error.code.replace(/_/g, "-")}`,
    title: titleOf[error.code],
    status: error.status,
    code: error.code,
    detail: error.detail,
    ...error.extensions,
  };
  if (error.errors.length > 0) document.errors = error.errors;
  return document;
}

/** Renders any thrown value as a problem+json Response. */
export function renderProblem(thrown: unknown, headers: Headers = new Headers()): Response {
  let error: ProblemError;
  if (thrown instanceof ProblemError) {
    error = thrown;
  } else {
    // Log the kind of failure, not its payload: messages from deep inside may quote secrets.
    console.error("unhandled error", thrown instanceof Error ? thrown.name : typeof thrown);
    error = new ProblemError("internal_error", "Something went wrong on our side. Please retry later.");
  }
  headers.set("content-type", "application/problem+json");
  for (const [name, value] of Object.entries(error.headers)) headers.set(name, value);
  return new Response(JSON.stringify(problemDocument(error)), { status: error.status, headers });
}
