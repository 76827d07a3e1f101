/**
 * @module bench/worker/meter — counts what a job costs on Cloudflare's price list, in the
 * benchmark Worker only (never deployed; the production code is unchanged and unaware).
 *
 * Local workerd runs the Worker and every Durable Object in one isolate, so one
 * module-level tally sees all of them. What is counted, and where:
 * - Worker requests: every request the Worker's `fetch` receives (bench-worker.ts), by kind.
 * - Durable Object requests: every RPC call and `fetch` on a stub, caller-side (a namespace
 *   binding wrapped in `meteredEnv`), by class and method; alarms callee-side (the bench's
 *   subclasses, metered-classes.ts). Cloudflare bills each RPC call and each alarm as one.
 * - SQLite rows read and written: the runtime's own `rowsRead`/`rowsWritten` of every
 *   cursor, and one row written per `setAlarm`/`deleteAlarm` (Cloudflare's rule).
 * - R2 operations by name (Class A, Class B, free), the Images binding's transformations.
 * - Subrequests: every `fetch` a Durable Object makes through the `UPSTREAM` seam the
 *   gateway already has (env.ts `upstreamFetch`), and the timeout each one arms.
 * - Duration: a Durable Object is billed while a request or alarm runs in it and while a
 *   timer is pending (it cannot hibernate then: Cloudflare's lifecycle documentation). Each
 *   object's busy intervals are kept, an `AbortSignal.timeout` counting as busy until it
 *   fires (it cannot be cleared), and the union is summed.
 *
 * Off unless the stack is started with `BENCH_METER=1`: then every wrapper is installed;
 * otherwise the bindings are handed over untouched.
 */

type Tally = Record<string, number>;

interface Counts {
  worker_requests: Tally;
  do_requests: Tally;
  alarms: Tally;
  r2: Tally;
  images: number;
  subrequests: Tally;
  rows_read: number;
  rows_written: number;
  alarm_writes: number;
  objects_created: Tally;
  /** Bytes of every object written to R2 (put, or a completed multipart upload). */
  r2_bytes_written: number;
  /** When each DashScope task read left the gateway (ms): its budget is per second. */
  dashscope_read_times: number[];
  /** Each DashScope read that waited for a reserved slot: the slot, and when the read left. */
  dashscope_slots: Array<{ slot: number; sent: number }>;
}

const fresh = (): Counts => ({ worker_requests: {}, do_requests: {}, alarms: {}, r2: {}, images: 0, subrequests: {}, rows_read: 0, rows_written: 0, alarm_writes: 0, objects_created: {}, r2_bytes_written: 0, dashscope_read_times: [], dashscope_slots: [] });

let counts = fresh();
/** Per object: its busy intervals [start, end] in ms (end may lie in the future: a timer). */
let busy = new Map<string, Array<[number, number]>>();
/** Cursors whose rows are summed later (they count as they are read). */
let cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
const timeouts = new WeakMap<AbortSignal, number>();
/** The read slot each job object was given by the breaker's budget, until its read leaves. */
const slots = new Map<string, number>();

export const meter = {
  enabled: false,
  /** Set while the benchmark itself reads storage (not the job's cost). */
  paused: false,
  reset(): void {
    flushCursors();
    counts = fresh();
    busy = new Map();
    slots.clear();
  },
  add(tally: Tally, key: string, by = 1): void {
    tally[key] = (tally[key] ?? 0) + by;
  },
  get counts(): Counts {
    return counts;
  },
};

/** Turns metering on for this isolate if the stack asked for it. */
export function enableFrom(env: { BENCH_METER?: string }): void {
  if (env.BENCH_METER !== "1" || meter.enabled) return;
  meter.enabled = true;
  installTimeoutProbe();
}

function flushCursors(): void {
  for (const cursor of cursors) {
    counts.rows_read += cursor.rowsRead;
    counts.rows_written += cursor.rowsWritten;
  }
  cursors = [];
}

/** Marks object `id` busy from `start` to `end`. */
export function markBusy(id: string, start: number, end: number): void {
  let intervals = busy.get(id);
  if (!intervals) busy.set(id, (intervals = []));
  intervals.push([start, end]);
}

/** Runs `work` as one event of object `id` (a request or an alarm), marking it busy. */
export async function asEvent<T>(id: string, work: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await work();
  } finally {
    markBusy(id, start, Date.now());
  }
}

/** Billed seconds: the union of every object's busy intervals, summed over objects. */
function busySeconds(): { total: number; objects: number } {
  let total = 0;
  for (const intervals of busy.values()) {
    intervals.sort((a, b) => a[0] - b[0]);
    let [start, end] = intervals[0]!;
    for (const [from, to] of intervals.slice(1)) {
      if (from > end) {
        total += end - start;
        [start, end] = [from, to];
      } else end = Math.max(end, to);
    }
    total += end - start;
  }
  return { total: total / 1000, objects: busy.size };
}

/** Everything counted since the last reset. */
export function snapshot() {
  flushCursors();
  const { total, objects } = busySeconds();
  return { ...counts, do_busy_seconds: Math.round(total * 1000) / 1000, do_objects_busy: objects };
}

/** `AbortSignal.timeout` remembering each signal's delay, so a subrequest knows its timer. */
function installTimeoutProbe(): void {
  const original = AbortSignal.timeout.bind(AbortSignal);
  AbortSignal.timeout = (ms: number) => {
    const signal = original(ms);
    timeouts.set(signal, ms);
    return signal;
  };
}

/** A SQL handle whose cursors count their rows. */
function meteredSql(sql: SqlStorage): SqlStorage {
  return new Proxy(sql, {
    get(target, property) {
      if (property === "exec") {
        return (query: string, ...bindings: unknown[]) => {
          const cursor = target.exec(query, ...bindings);
          if (meter.paused) return cursor;
          cursors.push(cursor);
          if (cursors.length > 256) flushCursors();
          return cursor;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Counts the SQL rows and alarm writes of `ctx`'s storage, by shadowing its methods on the
 * object itself: the runtime accepts only its own DurableObjectState, so a Proxy cannot
 * stand in for it.
 */
export function meterState(ctx: DurableObjectState): DurableObjectState {
  const storage = ctx.storage;
  const sql = meteredSql(storage.sql);
  Object.defineProperty(storage, "sql", { value: sql, configurable: true });
  const shadow = (name: "setAlarm" | "deleteAlarm" | "get" | "put" | "delete", count: (args: unknown[]) => void) => {
    const original = (storage[name] as (...a: unknown[]) => unknown).bind(storage);
    Object.defineProperty(storage, name, {
      configurable: true,
      value: (...args: unknown[]) => {
        count(args);
        return original(...args);
      },
    });
  };
  shadow("setAlarm", () => counts.alarm_writes++);
  shadow("deleteAlarm", () => counts.alarm_writes++);
  // The key-value methods live in a hidden SQLite table: a row per key read or written.
  const keys = (args: unknown[]) => (Array.isArray(args[0]) ? args[0].length : typeof args[0] === "object" && args[0] !== null ? Object.keys(args[0]).length : 1);
  shadow("get", (args) => (counts.rows_read += keys(args)));
  shadow("put", (args) => (counts.rows_written += keys(args)));
  shadow("delete", (args) => (counts.rows_written += keys(args)));
  return ctx;
}

/** A stub whose calls count as Durable Object requests and mark the object busy. */
function meteredStub(stub: DurableObjectStub, className: string, ownerId: string | null): DurableObjectStub {
  const id = stub.id.toString();
  return new Proxy(stub, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof property !== "string" || property === "then" || property === "id" || property === "name" || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        meter.add(counts.do_requests, `${className}.${property}`);
        // Reflect.apply, not `value.apply`: on an RPC method, `.apply` would be a remote call.
        const called = asEvent(id, async () => Reflect.apply(value, target, args) as Promise<unknown>);
        if (property !== "reserveQuery" || !ownerId) return called;
        // A deferred read's reserved slot (the read itself is sent when the job's alarm runs).
        return called.then((waitMs) => {
          if (typeof waitMs === "number" && waitMs > 0) slots.set(ownerId, Date.now() + waitMs);
          return waitMs;
        });
      };
    },
  });
}

function meteredNamespace(namespace: DurableObjectNamespace, className: string, ownerId: string | null): DurableObjectNamespace {
  return new Proxy(namespace, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === "get" || property === "getByName") {
        return (...args: unknown[]) => meteredStub(Reflect.apply(value as (...a: unknown[]) => DurableObjectStub, target, args), className, ownerId);
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Wraps an object's methods so that each call is counted under `prefix.method`. */
function countedMethods<T extends object>(object: T, prefix: string, wrapResult?: (method: string, result: unknown) => unknown): T {
  return new Proxy(object, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof property !== "string" || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        meter.add(counts.r2, `${prefix}${property}`);
        const result = Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        return wrapResult ? wrapResult(property, result) : result;
      };
    },
  });
}

/** Adds the size of the object a write produced. */
function written(result: unknown): unknown {
  return (result as Promise<R2Object | null>).then((object) => {
    counts.r2_bytes_written += object?.size ?? 0;
    return object;
  });
}

/** A multipart upload whose parts and completion are counted. */
const meteredUpload = (upload: R2MultipartUpload) => countedMethods(upload, "multipart.", (method, result) => (method === "complete" ? written(result) : result));

/** An R2 bucket whose operations are counted by name (a multipart upload's too). */
function meteredBucket(bucket: R2Bucket): R2Bucket {
  return countedMethods(bucket, "", (method, result) => {
    if (method === "put") return written(result);
    if (method === "resumeMultipartUpload") return meteredUpload(result as R2MultipartUpload);
    if (method === "createMultipartUpload") return (result as Promise<R2MultipartUpload>).then(meteredUpload);
    return result;
  });
}

/** The Images binding, each `input` counted as one transformation. */
function meteredImages(images: ImagesBinding): ImagesBinding {
  return new Proxy(images, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === "input") {
        return (...args: unknown[]) => {
          counts.images++;
          return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const providers = new Set(["dashscope", "evolink", "pixeldojo", "aimlapi", "shortapi"]);

/** What a subrequest is, from its URL (the emulator's paths; anything else is an input). */
function subrequestKind(url: string, method: string): string {
  const path = new URL(url).pathname;
  if (path.startsWith("/files/")) return "output download";
  if (path.startsWith("/__control/webhooks/")) return "webhook delivery";
  const provider = path.split("/")[1] ?? "";
  if (!providers.has(provider)) return "input fetch (poster)";
  return `${provider} ${method === "GET" ? "read" : "create or cancel"}`;
}

/** A fetch for the `UPSTREAM` seam: counts each subrequest, and the timer it arms, for `ownerId`. */
function meteredFetch(ownerId: string | null): Fetcher {
  return {
    fetch(input: RequestInfo | URL, init?: RequestInit) {
      const url = input instanceof Request ? input.url : String(input);
      const kind = subrequestKind(url, init?.method ?? (input instanceof Request ? input.method : "GET"));
      meter.add(counts.subrequests, kind);
      if (kind === "dashscope read") {
        counts.dashscope_read_times.push(Date.now());
        const slot = ownerId ? slots.get(ownerId) : undefined;
        if (ownerId && slot !== undefined) {
          counts.dashscope_slots.push({ slot, sent: Date.now() });
          slots.delete(ownerId);
        }
      }
      const delay = init?.signal ? timeouts.get(init.signal) : undefined;
      if (ownerId && delay !== undefined) markBusy(ownerId, Date.now(), Date.now() + delay);
      return fetch(input, init);
    },
  } as Fetcher;
}

const namespaces: Record<string, string> = {
  JOBS: "JobObject",
  TENANTS: "TenantIndex",
  BREAKERS: "ProviderBreaker",
  UPLOADS: "UploadObject",
  ACCOUNTS: "TenantAccount",
  KEYS: "ApiKeyObject",
  DIRECTORY: "TenantDirectory",
};

/**
 * The environment with every billed binding metered. `ownerId`: the Durable Object this
 * environment belongs to (its subrequests' timers keep it busy), null for the Worker.
 */
export function meteredEnv<E extends object>(env: E, ownerId: string | null): E {
  const record = env as Record<string, unknown>;
  const wrapped: Record<string, unknown> = { ...record };
  for (const [binding, className] of Object.entries(namespaces)) {
    if (record[binding]) wrapped[binding] = meteredNamespace(record[binding] as DurableObjectNamespace, className, ownerId);
  }
  if (record.MEDIA) wrapped.MEDIA = meteredBucket(record.MEDIA as R2Bucket);
  if (record.IMAGES) wrapped.IMAGES = meteredImages(record.IMAGES as ImagesBinding);
  wrapped.UPSTREAM = meteredFetch(ownerId);
  return wrapped as E;
}
