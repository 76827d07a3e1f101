/**
 * @module http/validation — zod issues as `FieldError`s with JSON paths, and body parsing.
 */
import type { z } from "@hono/zod-openapi";
import type { FieldError } from "./problem";
import { ProblemError } from "./problem";
import { readLimitedText } from "./read-limited-body";

/** `["input", "media", 0, "url"]` → `input.media[0].url`. */
export function jsonPath(segments: ReadonlyArray<PropertyKey>): string {
  let path = "";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else path += path === "" ? String(segment) : `.${String(segment)}`;
  }
  return path === "" ? "$" : path;
}

/** Converts zod issues to field errors, one per offending field, under `prefix`. */
export function fieldErrors(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) errors.push({ path: jsonPath([...prefix, ...issue.path, key]), message: "unknown field" });
      continue;
    }
    let message = issue.message;
    // zod reports no `input` on issues (unless asked to), only its English message: a
    // missing field "received undefined"; a wrong type names what was expected and sent.
    if (issue.code === "invalid_type") message = /received undefined$/.test(issue.message) ? "required" : issue.message.replace(/^Invalid input: /, "");
    errors.push({ path: jsonPath([...prefix, ...issue.path]), message });
  }
  return errors;
}

/** The largest JSON request body (1 MiB): a job request is a few KB; prompts are ≤ 5000 characters. */
export const maxJsonBodyBytes = 1024 * 1024;

/**
 * Reads a JSON object body (at most `maxBytes`, counted while it is read, so a chunked body
 * is refused as soon as it passes the limit), or throws a 400/413/415 problem.
 */
export async function readJsonObject(request: Request, maxBytes = maxJsonBodyBytes): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new ProblemError("unsupported_media_type", "Send the body as JSON with `Content-Type: application/json`.");
  }
  const text = await readLimitedText(request, { maxBytes, what: "The JSON body" });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ProblemError("invalid_request", "The body is not valid JSON.", [{ path: "$", message: "invalid JSON" }]);
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new ProblemError("invalid_request", "The body must be a JSON object.", [{ path: "$", message: "must be an object" }]);
  }
  return body as Record<string, unknown>;
}
