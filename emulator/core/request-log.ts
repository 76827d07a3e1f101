/**
 * @module request-log
 * Every request a personality receives, so tests can assert what the gateway actually sent
 * (body, key, path) without instrumenting the gateway. Control and file requests are not
 * logged: they are the test's own traffic and download traffic.
 */
import type { MiddlewareHandler } from "hono";

/** One received provider request (`GET /__control/log` returns these). */
export interface LogEntry {
  provider: string;
  method: string;
  /** Path as received, with the provider prefix and the query string, e.g. "/evolink/v1/tasks/…". */
  path: string;
  /** Request headers, lowercase names (the emulator is a dev tool: keys are dev keys). */
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else its text, else null. */
  body: unknown;
  /** Injected-clock time of receipt, ms since epoch. */
  at: number;
  /** Status the emulator answered with (filled once the handler returns). */
  status?: number;
}

/** Oldest entries are dropped beyond this, so long chaos runs cannot exhaust memory. */
const MAX_ENTRIES = 10_000;

export interface RequestLog {
  list(): LogEntry[];
  clear(): void;
  /** Middleware that records every request of `provider`. */
  middleware(provider: string): MiddlewareHandler;
}

/**
 * @example app.use("/evolink/*", log.middleware("evolink"))
 */
export function createRequestLog(now: () => number): RequestLog {
  let entries: LogEntry[] = [];
  return {
    list: () => entries.slice(),
    clear: () => {
      entries = [];
    },
    middleware: (provider) => async (c, next) => {
      const url = new URL(c.req.url);
      const entry: LogEntry = {
        provider,
        method: c.req.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(c.req.raw.headers),
        body: await readBody(c.req.raw.clone()),
        at: now(),
      };
      entries.push(entry);
      if (entries.length > MAX_ENTRIES) entries.splice(0, entries.length - MAX_ENTRIES);
      await next();
      entry.status = c.res.status;
    },
  };
}

async function readBody(request: Request): Promise<unknown> {
  if (request.body === null) return null;
  const text = await request.text();
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
