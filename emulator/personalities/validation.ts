/**
 * @module validation
 * Field checks and small HTTP helpers shared by the personalities. Every provider words and
 * wraps its 400s differently, so a check only throws `Invalid` (the offending field and a
 * message); each personality turns that into its own error body.
 */
import type { Context } from "hono";

/**
 * A rejected field: `param` is the JSON path the provider would blame ("parameters.duration");
 * `code`, when set, is a provider error code more specific than its generic 400 one.
 */
export class Invalid extends Error {
  constructor(
    readonly param: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export type Validated<T> = { ok: true; value: T } | { ok: false; param: string; message: string; code?: string };

/**
 * Runs a parser that throws `Invalid`, as a result value (other errors are emulator bugs).
 * @example validate(() => parseBody(body)) // { ok: false, param: "duration", message: "…" }
 */
export function validate<T>(parse: () => T): Validated<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof Invalid) {
      return { ok: false, param: error.param, message: error.message, ...(error.code === undefined ? {} : { code: error.code }) };
    }
    throw error;
  }
}

/** A JSON object's fields; JSON `null` reads as absent, as most providers treat it. */
export interface Fields {
  get(name: string): unknown;
  names(): string[];
}

export function objectFields(value: unknown, param: string): Fields {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Invalid(param, `${param} must be a JSON object`);
  }
  const record = value as Record<string, unknown>;
  return {
    get: (name) => (record[name] === null ? undefined : record[name]),
    names: () => Object.keys(record),
  };
}

/** For providers whose validation is strict: a field they do not know is a 400, not ignored. */
export function rejectUnknown(fields: Fields, known: readonly string[], prefix = ""): void {
  const unknown = fields.names().find((name) => !known.includes(name));
  if (unknown !== undefined) throw new Invalid(prefix + unknown, `${prefix}${unknown} is not an allowed field`);
}

export function optionalString(value: unknown, param: string, maxLength = Infinity): string | null {
  if (value === undefined) return null;
  if (typeof value !== "string") throw new Invalid(param, `${param} must be a string`);
  if (value.length > maxLength) throw new Invalid(param, `${param} must be at most ${maxLength} characters`);
  return value;
}

export function optionalBoolean(value: unknown, param: string): boolean | null {
  if (value === undefined) return null;
  if (typeof value !== "boolean") throw new Invalid(param, `${param} must be a boolean`);
  return value;
}

export function optionalInteger(value: unknown, param: string, min: number, max: number): number | null {
  if (value === undefined) return null;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new Invalid(param, `${param} must be an integer between ${min} and ${max}`);
  }
  return value as number;
}

export function optionalEnum<T extends string>(value: unknown, param: string, options: readonly T[]): T | null {
  if (value === undefined) return null;
  if (typeof value !== "string" || !(options as readonly string[]).includes(value)) {
    throw new Invalid(param, `${param} must be one of ${options.join(", ")}`);
  }
  return value as T;
}

/**
 * An http(s) URL. Providers want public HTTPS URLs; the emulator also takes http and private
 * hosts because local development and the tests have neither TLS nor public hosts.
 */
export function optionalUrl(value: unknown, param: string, options: { dataUrl?: boolean } = {}): string | null {
  if (value === undefined) return null;
  if (typeof value !== "string") throw new Invalid(param, `${param} must be a URL string`);
  if (options.dataUrl === true && value.startsWith("data:")) return value;
  if (!isWebUrl(value)) throw new Invalid(param, `${param} must be an http(s) URL`);
  return value;
}

export function isWebUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

/** The body as JSON, or `undefined` when it is not JSON (each provider words that 400 itself). */
export async function readJson(c: Context): Promise<unknown> {
  try {
    return (await c.req.json()) as unknown;
  } catch {
    return undefined;
  }
}

/** The key of an `Authorization: Bearer <key>` header, or null. */
export function bearerKey(c: Context): string | null {
  return /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? null;
}

/** True when the fault plan's `submit_status` applies to this create call. */
export function submitFaultHits(plan: { submit_status?: number; submit_rate?: number }, chance: (rate: number) => boolean): plan is { submit_status: number } {
  return plan.submit_status !== undefined && chance(plan.submit_rate ?? 1);
}

/** The request's execution context, in the shape `core.scheduleCallbacks` takes. */
export function executionContext(c: Context): { waitUntil(promise: Promise<unknown>): void } {
  return { waitUntil: (promise) => c.executionCtx.waitUntil(promise) };
}
