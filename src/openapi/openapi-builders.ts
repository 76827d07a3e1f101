/**
 * @module openapi/openapi-builders — the small vocabulary the API sections are written in:
 * references to components, JSON responses, and `operation()`, which adds what every
 * operation shares (the bearer requirement and its 401, the 500, `X-Request-Id`).
 *
 * Types are deliberately loose (plain JSON objects): the document is checked against the
 * OpenAPI 3.1 schema by a test, which catches more than hand-kept types would.
 */
import type { z } from "@hono/zod-openapi";
import type { ProblemStyle } from "./problem-responses";
import { problemResponseName } from "./problem-responses";

export type JsonObject = { [key: string]: unknown };

export type HttpMethod = "get" | "head" | "post" | "put" | "patch" | "delete";
export type PathItem = Partial<Record<HttpMethod, JsonObject>>;
export type Paths = Record<string, PathItem>;

/**
 * One part of the API: its tag, the zod schemas it names as components, and its paths.
 * Sections are listed once, in `api-sections.ts`.
 */
export interface ApiSection {
  tag: { name: string; description: string };
  /** Named components; each becomes `#/components/schemas/{name}` (converted by zod). */
  schemas?: Record<string, z.ZodType>;
  paths: Paths;
  /** OpenAPI 3.1 `webhooks`: requests the gateway sends to you. */
  webhooks?: Paths;
  /** Named responses its operations refer to; each becomes `#/components/responses/{name}`. */
  responses?: Record<string, JsonObject>;
}

/** `{"$ref": "#/components/schemas/Job"}`. */
export function ref(schemaName: string): JsonObject {
  return { $ref: `#/components/schemas/${schemaName}` };
}

/** A header or parameter defined once in `components`. */
export const componentRef = (kind: "headers" | "parameters" | "responses", name: string): JsonObject => ({ $ref: `#/components/${kind}/${name}` });

/** The problem responses by code; each is `#/components/responses/{code}` (see openapi-document). */
export type ProblemResponseCode =
  | "invalid_request"
  | "unauthorized"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "range_not_satisfiable"
  | "unsupported_media_type"
  | "idempotency_mismatch"
  | "unsupported"
  | "upstream_error"
  | "upstream_timeout"
  | "no_provider"
  | "internal_error";

/**
 * A response with a JSON body of a named schema.
 * @example jsonResponse("The job.", "Job", { Location: componentRef("headers", "Location") })
 */
export function jsonResponse(description: string, schemaName: string, headers: JsonObject = {}): JsonObject {
  return { description, headers, content: { "application/json": { schema: ref(schemaName) } } };
}

export interface OperationSpec {
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Needs `Authorization: Bearer <key>` (default true): adds the 401. */
  auth?: boolean;
  parameters?: JsonObject[];
  requestBody?: JsonObject;
  responses: Record<string, JsonObject>;
  /** Problem responses this operation can give, besides 401 and 500. */
  problems?: ProblemResponseCode[];
  /** Which problem responses it refers to (default: plain problem+json). */
  problemStyle?: ProblemStyle;
}

const statusOfProblem: Record<ProblemResponseCode, string> = {
  invalid_request: "400",
  unauthorized: "401",
  not_found: "404",
  conflict: "409",
  payload_too_large: "413",
  range_not_satisfiable: "416",
  unsupported_media_type: "415",
  idempotency_mismatch: "422",
  unsupported: "422",
  upstream_error: "502",
  upstream_timeout: "504",
  no_provider: "503",
  internal_error: "500",
};

/**
 * The query parameters a zod object schema validates, one per field. Each parameter's
 * `schema` is the field's zod schema, converted when the document is built — so the document
 * shows what the route checks.
 * @example queryParameters(videoListQuerySchema) // [{ name: "limit", in: "query", required: false, schema: <zod> }, …]
 */
export function queryParameters(schema: z.ZodObject): JsonObject[] {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: "query",
    required: !field.isOptional(),
    ...(field.description ? { description: field.description } : {}),
    schema: field,
  }));
}

/** The problem codes an operation documents: its own, the 401 of authenticated routes, the 500. */
export function operationProblems(spec: Pick<OperationSpec, "auth" | "problems">): ProblemResponseCode[] {
  return [...(spec.problems ?? []), ...((spec.auth ?? true) ? (["unauthorized"] as const) : []), "internal_error"];
}

/**
 * An operation with what every operation shares: the optional `X-Request-Id` request
 * header, `X-Request-Id` on every documented response, the 401 of authenticated routes and
 * the 500 (which never carries a stack or a secret).
 * @example operation({ operationId: "getJob", summary: "Get a job", tag: "Jobs", responses: { 200: jsonResponse("The job.", "Job") }, problems: ["not_found"] })
 */
export function operation(spec: OperationSpec): JsonObject {
  const auth = spec.auth ?? true;
  const responses: Record<string, JsonObject> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    responses[status] = "$ref" in response ? response : { ...response, headers: { "X-Request-Id": componentRef("headers", "XRequestId"), ...(response.headers as JsonObject | undefined) } };
  }
  for (const code of operationProblems(spec)) responses[statusOfProblem[code]] ??= componentRef("responses", problemResponseName(code, spec.problemStyle));
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    ...(auth ? {} : { security: [] }),
    parameters: [...(spec.parameters ?? []), componentRef("parameters", "XRequestId")],
    ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
    responses,
  };
}
