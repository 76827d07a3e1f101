/**
 * @module sdk/client — the typed client of a wan-edge gateway (`wan-edge/client`).
 *
 * `fetch` and WebCrypto only, so the same code runs in Node (≥ 20), browsers and Workers.
 * Types come from the gateway's own schemas (`./types`).
 *
 * @example
 * import { createClient } from "wan-edge/client";
 * const client = createClient({ baseUrl: "http://127.0.0.1:8787", apiKey: "wan-edge-dev-key" });
 * const job = await client.jobs.create({ model: "wan2.7-i2v", input: { prompt: "a cat", first_frame: "https://…/cat.png" } });
 * for await (const { job: update } of client.jobs.events(job.id)) console.log(update.status, update.progress);
 */
import { errorFrom, WanEdgeError } from "./errors";
import { parseSse } from "./sse";
import type { Job, JobList, JobRequest, JobStatus, Upload } from "./types";
import { isTerminal } from "./types";
import { verifyWebhook, type VerifyOptions } from "./webhooks";

export { WanEdgeError } from "./errors";
export { parseSse, type SseMessage } from "./sse";
export { verifyWebhook, WebhookVerificationError, type VerifyOptions } from "./webhooks";
export * from "./types";

export const defaultBaseUrl = "http://127.0.0.1:8787";

export interface ClientOptions {
  /** The gateway's origin (default: the local stack, http://127.0.0.1:8787). */
  baseUrl?: string;
  apiKey: string;
  /** Another fetch (a test double, a Worker's service binding's `fetch`). */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface CreateOptions extends RequestOptions {
  /** Same key and body → the original job, nothing submitted twice. */
  idempotencyKey?: string;
  /** Seconds (≤ 60) to wait for a terminal state before answering (`Prefer: wait=N`). */
  wait?: number;
}

export interface EventsOptions extends RequestOptions {
  /** Resume after this event id (sent as `Last-Event-ID`). */
  lastEventId?: string;
  /** Reconnections in a row without a message before giving up (default 5). */
  maxReconnects?: number;
}

/** One message of a job's event stream: the job as it now is. */
export interface JobEvent {
  event: "job";
  /** The event's id when the gateway sends one (resumption uses it). */
  id: string | null;
  job: Job;
}

export type UploadBody = Blob | ArrayBuffer | Uint8Array;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/** A client bound to one gateway and API key. */
export function createClient(options: ClientOptions) {
  const baseUrl = (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const auth = { authorization: `Bearer ${options.apiKey}` };

  async function call<T>(method: string, path: string, init: { body?: BodyInit; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<T> {
    const response = await fetchImpl(`${baseUrl}${path}`, { method, body: init.body, headers: { ...auth, accept: "application/json", ...init.headers }, signal: init.signal });
    if (!response.ok) throw await errorFrom(response);
    return (await response.json()) as T;
  }

  /**
   * The job's event stream as an async iterator: the current state first, then every
   * change, ending after a terminal state. A dropped connection is reopened (after the
   * server's `retry` delay) with `Last-Event-ID`; a state already yielded is not repeated.
   */
  async function* events(id: string, eventOptions: EventsOptions = {}): AsyncGenerator<JobEvent> {
    const { signal, maxReconnects = 5 } = eventOptions;
    let lastEventId = eventOptions.lastEventId ?? null;
    let lastData: string | null = null;
    let retryMs = 2000;
    let failures = 0;
    for (;;) {
      try {
        const headers: Record<string, string> = { ...auth, accept: "text/event-stream" };
        if (lastEventId !== null) headers["last-event-id"] = lastEventId;
        const response = await fetchImpl(`${baseUrl}/v1/jobs/${encodeURIComponent(id)}/events`, { headers, signal });
        if (!response.ok) {
          const error = await errorFrom(response);
          if (response.status !== 429 && response.status < 500) throw error; // 404, 401: reconnecting cannot help
          throw Object.assign(error, { retryable: true });
        }
        if (!response.body) throw new Error("the event stream has no body");
        for await (const message of parseSse(response.body, lastEventId)) {
          lastEventId = message.lastEventId;
          if (message.retry !== null) retryMs = message.retry;
          if (message.event !== "job") continue; // a newer gateway's other events
          failures = 0;
          const job = JSON.parse(message.data) as Job;
          if (message.data !== lastData) {
            lastData = message.data;
            yield { event: "job", id: message.lastEventId, job };
          }
          if (isTerminal(job.status)) return;
        }
      } catch (error) {
        if (signal?.aborted) throw error;
        if (error instanceof WanEdgeError && !("retryable" in error)) throw error;
        if (error instanceof SyntaxError) throw error; // a message that is not JSON: a protocol error
        if (++failures > maxReconnects) throw error;
      }
      // The stream ended (or broke) before a terminal state: the gateway restarted, a proxy cut it.
      await sleep(retryMs * Math.min(failures || 1, 5), signal);
    }
  }

  /** `GET /v1/jobs/{id}`; with `wait`, up to that many seconds for a terminal state. */
  function get(id: string, getOptions: RequestOptions & { wait?: number } = {}): Promise<Job> {
    const headers: Record<string, string> = getOptions.wait ? { prefer: `wait=${getOptions.wait}` } : {};
    return call<Job>("GET", `/v1/jobs/${encodeURIComponent(id)}`, { headers, signal: getOptions.signal });
  }

  return {
    baseUrl,
    jobs: {
      /** `POST /v1/jobs` → the job (`queued` or `running`; terminal with `wait`). */
      create(request: JobRequest, createOptions: CreateOptions = {}): Promise<Job> {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (createOptions.idempotencyKey) headers["idempotency-key"] = createOptions.idempotencyKey;
        if (createOptions.wait) headers.prefer = `wait=${createOptions.wait}`;
        return call<Job>("POST", "/v1/jobs", { body: JSON.stringify(request), headers, signal: createOptions.signal });
      },
      get,
      /** `GET /v1/jobs`: your jobs, newest first; pass `next_cursor` back as `cursor`. */
      list(query: { status?: JobStatus; limit?: number; cursor?: string } & RequestOptions = {}): Promise<JobList> {
        const params = new URLSearchParams();
        if (query.status) params.set("status", query.status);
        if (query.limit !== undefined) params.set("limit", String(query.limit));
        if (query.cursor) params.set("cursor", query.cursor);
        const search = params.size > 0 ? `?${params}` : "";
        return call<JobList>("GET", `/v1/jobs${search}`, { signal: query.signal });
      },
      /** `POST /v1/jobs/{id}/cancel` → the canceled job; a terminal job is a 409 `WanEdgeError`. */
      cancel(id: string, cancelOptions: RequestOptions = {}): Promise<Job> {
        return call<Job>("POST", `/v1/jobs/${encodeURIComponent(id)}/cancel`, { signal: cancelOptions.signal });
      },
      events,
      /**
       * Follows the event stream until the job is terminal and returns it; `onUpdate` sees
       * every state on the way. Ends early only through `signal`.
       */
      async wait(id: string, waitOptions: EventsOptions & { onUpdate?: (job: Job) => void } = {}): Promise<Job> {
        for await (const { job } of events(id, waitOptions)) {
          waitOptions.onUpdate?.(job);
          if (isTerminal(job.status)) return job;
        }
        // The stream ended without a terminal state after every reconnection: ask once more.
        return get(id, { signal: waitOptions.signal });
      },
    },
    uploads: {
      /**
       * `POST /v1/uploads`: stores a file, returns its permanent URL (usable as any input URL).
       * `contentType` defaults to a Blob's own type.
       */
      create(body: UploadBody, uploadOptions: RequestOptions & { contentType?: string } = {}): Promise<Upload> {
        const contentType = uploadOptions.contentType ?? (body instanceof Blob ? body.type : "");
        if (!contentType) throw new TypeError("uploads.create needs a contentType (image/png, audio/mpeg, video/mp4, …)");
        return call<Upload>("POST", "/v1/uploads", { body: body as BodyInit, headers: { "content-type": contentType }, signal: uploadOptions.signal });
      },
    },
    webhooks: {
      /** Verifies a delivery's signature and timestamp and returns its event (see `verifyWebhook`). */
      verify(body: string, headers: Headers | Record<string, string | string[] | undefined>, secret: string, verifyOptions?: VerifyOptions) {
        return verifyWebhook(body, headers, secret, verifyOptions);
      },
      /** `GET /v1/webhooks/secret`: your tenant's `whsec_…` signing secret. */
      async secret(requestOptions: RequestOptions = {}): Promise<string> {
        const { secret } = await call<{ secret: string }>("GET", "/v1/webhooks/secret", { signal: requestOptions.signal });
        return secret;
      },
    },
  };
}

export type WanEdgeClient = ReturnType<typeof createClient>;
