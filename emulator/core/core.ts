/**
 * @module core
 * The state and services every personality shares: the injected clock, the fault plan and its
 * PRNG, the task store, the request log, output files and callback delivery. One instance per
 * emulator; everything lives in memory.
 */
import { deliverCallbacks, type CallbackPolicy } from "./callback-sender";
import { createFaultBook, type FaultBook, type FaultPlan } from "./fault-plan";
import { digestMedia, mediaSize, type MediaKind } from "./media-stream";
import { createFaultRandom, type FaultRandom } from "./random";
import { createRequestLog, type RequestLog } from "./request-log";
import {
  createTaskStore,
  isTerminal,
  phaseAt,
  terminalAt,
  PENDING_SHARE,
  type EmulatedTask,
  type OutputFile,
  type TaskPhase,
  type TaskStore,
} from "./task-store";

/** Default time from creation to the terminal state. */
export const DEFAULT_DURATION_MS = 2000;

/** How long a withheld create answer holds the connection by default: past any client's patience. */
export const DEFAULT_SUBMIT_HANG_MS = 300_000;

/** What the core needs from its host. */
export interface CoreOptions {
  publicUrl: string;
  callbackFetch: (input: string, init?: RequestInit) => Promise<Response>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** One output a task will have. */
export interface OutputRequest {
  kind: MediaKind;
  /** File extension without dot, e.g. "mp4". */
  extension: string;
  contentType: string;
  /** The size the job asked for, in pixels: the file's headers carry it. */
  width: number;
  height: number;
  /** The duration the job asked for (videos), in whole seconds. */
  seconds?: number;
}

/** What a personality decides when it accepts a create call. */
export interface LaunchSpec<Data> {
  provider: string;
  id: string;
  outputs: OutputRequest[];
  /** Seeds the output bytes; drawn from the fault PRNG when the request had none. */
  seed?: number;
  /** The provider's documented output URL lifetime (a fault plan's `url_ttl_ms` overrides it). */
  urlLifetimeMs: number;
  /** The provider's failure code when `fail_rate` hits and the plan names no `fail_code`. */
  defaultFailCode: string | number;
  /** The provider's failure message for a code. */
  failureMessage(code: string | number): string;
  callbackUrl: string | null;
  /** The create call's Idempotency-Key header, recorded for `/__control/tasks`. */
  idempotencyKey?: string | null;
  data: Data;
}

export interface EmulatorCore {
  readonly publicUrl: string;
  now(): number;
  readonly random: FaultRandom;
  readonly faults: FaultBook;
  readonly tasks: TaskStore;
  readonly log: RequestLog;
  /** The phase of a task now (by the injected clock). */
  taskPhase(task: EmulatedTask): TaskPhase;
  /** Waits out the provider's `submit_delay_ms` (on the injected clock) before a create call answers. */
  delaySubmit(provider: string): Promise<void>;
  /** Creates and stores a task, applying the provider's fault plan (duration, fate, sizes, URL lifetime). */
  launchTask<Data>(spec: LaunchSpec<Data>): EmulatedTask<Data>;
  /** True when `create_rejection_rate` makes this create call a provider-specific refusal. */
  rejectsCreate(provider: string): boolean;
  /**
   * The answer to a create call that made (or replayed) `task`: `answer`, or under
   * `submit_hang_rate` nothing for `submit_hang_ms` and then a dropped connection (a status
   * line whose body never comes: workerd cannot close a connection before the status line).
   */
  answerCreate(task: EmulatedTask, answer: Response): Promise<Response>;
  /**
   * Cancels a task that has not reached its terminal state yet; false if it already had.
   * Whether a provider allows it in the current phase is the personality's decision.
   */
  cancelTask(task: EmulatedTask): boolean;
  /**
   * Waits (on the injected clock) until the task is terminal and returns that phase: how a
   * personality emulates a synchronous API on top of the same task machinery.
   */
  awaitTerminal(task: EmulatedTask): Promise<TaskPhase>;
  /** Delivers the task's callbacks in the background of the request that created it. */
  scheduleCallbacks(
    task: EmulatedTask,
    context: { waitUntil(promise: Promise<unknown>): void },
    render: (phase: TaskPhase) => unknown,
    policy: CallbackPolicy,
  ): void;
  /** SHA-256 of an output, computed once by streaming it. */
  outputSha256(file: OutputFile): Promise<string>;
  /** Forgets all tasks and log entries. */
  clearState(): void;
}

/**
 * @example
 * const core = createCore({ publicUrl, callbackFetch: fetch, now: Date.now, sleep });
 */
export function createCore(options: CoreOptions): EmulatorCore {
  const publicUrl = options.publicUrl.replace(/\/+$/, "");
  const random = createFaultRandom();
  const faults = createFaultBook();
  const tasks = createTaskStore();
  const log = createRequestLog(options.now);

  function launchTask<Data>(spec: LaunchSpec<Data>): EmulatedTask<Data> {
    const plan: FaultPlan = faults.effective(spec.provider);
    const createdAt = options.now();
    const failed = random.chance(plan.fail_rate);
    const failCode = plan.fail_code ?? spec.defaultFailCode;
    const seed = (spec.seed ?? random.uint32()) >>> 0;
    const expiresAt = createdAt + (plan.url_ttl_ms ?? spec.urlLifetimeMs);
    // One fate per task, drawn in this order; a rate left unset draws nothing, so older plans
    // replay the same sequence.
    const cancelled = !failed && random.chance(plan.cancel_rate);
    const forgotten = !failed && !cancelled && random.chance(plan.forget_rate);
    const suspendMs = plan.suspend_ms ?? 0;
    const suspended = suspendMs > 0 && random.chance(plan.suspend_rate ?? 1);
    const workingMs = plan.duration_ms ?? DEFAULT_DURATION_MS;
    const durationMs = workingMs + (suspended ? suspendMs : 0);
    const outputs =
      failed || cancelled || forgotten
        ? []
        : spec.outputs.map((output, index): OutputFile => {
            // Distinct seeds per output so a multi-output task has distinct files.
            const outputSeed = (seed + Math.imul(index, 0x9e3779b9)) >>> 0;
            const media = { kind: output.kind, seed: outputSeed, width: output.width, height: output.height, seconds: output.seconds ?? 0 };
            // Only videos can be padded (with a `free` box); images keep their natural size.
            const totalBytes = mediaSize(media, output.kind === "video" ? plan.media_bytes : undefined);
            const name = `${index}.${output.extension}`;
            return {
              name,
              url: `${publicUrl}/files/${spec.provider}/${encodeURIComponent(spec.id)}/${name}?expires=${expiresAt}`,
              contentType: output.contentType,
              expiresAt,
              spec: { ...media, totalBytes },
            };
          });
    const suspendFrom = createdAt + workingMs * PENDING_SHARE;
    const task: EmulatedTask<Data> = {
      provider: spec.provider,
      id: spec.id,
      createdAt,
      durationMs,
      failure: failed ? { code: failCode, message: spec.failureMessage(failCode) } : null,
      // The provider's own cancellation or loss comes halfway through the task's life.
      cancelledAt: cancelled ? createdAt + Math.floor(durationMs / 2) : null,
      forgottenAt: forgotten ? createdAt + Math.floor(durationMs / 2) : null,
      suspension: suspended ? { from: suspendFrom, until: suspendFrom + suspendMs } : null,
      idempotencyKey: spec.idempotencyKey ?? null,
      createAnswer: "sent",
      replays: 0,
      outputs,
      callbackUrl: spec.callbackUrl,
      callbacks: [],
      data: spec.data,
    };
    tasks.add(task);
    return task;
  }

  return {
    publicUrl,
    now: options.now,
    random,
    faults,
    tasks,
    log,
    launchTask,
    rejectsCreate: (provider) => random.chance(faults.effective(provider).create_rejection_rate),
    async answerCreate(task, answer) {
      const plan = faults.effective(task.provider);
      if (!random.chance(plan.submit_hang_rate)) return answer;
      task.createAnswer = "withheld";
      const hangMs = plan.submit_hang_ms ?? DEFAULT_SUBMIT_HANG_MS;
      // No zero-length sleep: a test clock only fires sleeps when the test advances it.
      if (hangMs > 0) await options.sleep(hangMs);
      return droppedAnswer(answer);
    },
    async delaySubmit(provider) {
      const delay = faults.effective(provider).submit_delay_ms ?? 0;
      // No zero-length sleep: a test clock only fires sleeps when the test advances it.
      if (delay > 0) await options.sleep(delay);
    },
    taskPhase: (task) => phaseAt(task, options.now()),
    cancelTask(task) {
      if (isTerminal(phaseAt(task, options.now()).status)) return false;
      task.cancelledAt = options.now();
      return true;
    },
    async awaitTerminal(task) {
      const end = terminalAt(task);
      const wait = end - options.now();
      // No zero-length sleep: a test clock only fires sleeps when the test advances it.
      if (wait > 0) await options.sleep(wait);
      return phaseAt(task, Math.max(options.now(), end));
    },
    scheduleCallbacks(task, context, render, policy) {
      const environment = {
        now: options.now,
        sleep: options.sleep,
        fetch: options.callbackFetch,
        random,
        isKnown: (candidate: EmulatedTask) => tasks.get(candidate.provider, candidate.id) === candidate,
      };
      const job = { task, render, policy, faults: faults.effective(task.provider) };
      context.waitUntil(deliverCallbacks(environment, job).catch(() => undefined));
    },
    async outputSha256(file) {
      // Cache the value, not the promise: a promise created in one workerd request must not
      // be awaited by another.
      file.sha256 ??= await digestMedia(file.spec);
      return file.sha256;
    },
    clearState() {
      tasks.clear();
      log.clear();
    },
  };
}

/**
 * The answer's status line and headers, with a Content-Length, and then no body at all: the
 * connection closes where the JSON should start, so the client's read of it fails.
 */
function droppedAnswer(answer: Response): Response {
  const headers = new Headers(answer.headers);
  const length = Number(headers.get("content-length") ?? 0) || 64;
  const body = new FixedLengthStream(length);
  void body.writable.abort(new Error("emulated connection dropped before the create answer")).catch(() => undefined);
  void answer.body?.cancel();
  return new Response(body.readable, { status: answer.status, headers });
}
