/**
 * @module core
 * The state and services every personality shares: the injected clock, the fault plan and its
 * PRNG, the task store, the request log, output files and callback delivery. One instance per
 * emulator; everything lives in memory.
 */
import { deliverCallbacks, type CallbackPolicy } from "./callback-sender";
import { createFaultBook, type FaultBook, type FaultPlan } from "./fault-plan";
import { digestMedia, naturalMediaBytes, type MediaKind } from "./media-stream";
import { createFaultRandom, type FaultRandom } from "./random";
import { createRequestLog, type RequestLog } from "./request-log";
import { createTaskStore, isTerminal, phaseAt, type EmulatedTask, type OutputFile, type TaskPhase, type TaskStore } from "./task-store";

/** Default time from creation to the terminal state. */
export const DEFAULT_DURATION_MS = 2000;

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
  /** Creates and stores a task, applying the provider's fault plan (duration, failure, sizes, URL lifetime). */
  launchTask<Data>(spec: LaunchSpec<Data>): EmulatedTask<Data>;
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
    const outputs = failed
      ? []
      : spec.outputs.map((output, index): OutputFile => {
          // Distinct seeds per output so a multi-output task has distinct files.
          const outputSeed = (seed + Math.imul(index, 0x9e3779b9)) >>> 0;
          const natural = naturalMediaBytes(output.kind, outputSeed);
          // Only videos can be padded (with a `free` box); images keep their natural size.
          const totalBytes = output.kind === "video" ? (plan.media_bytes ?? natural) : natural;
          const name = `${index}.${output.extension}`;
          return {
            name,
            url: `${publicUrl}/files/${spec.provider}/${encodeURIComponent(spec.id)}/${name}?expires=${expiresAt}`,
            contentType: output.contentType,
            expiresAt,
            spec: { kind: output.kind, seed: outputSeed, totalBytes },
          };
        });
    const task: EmulatedTask<Data> = {
      provider: spec.provider,
      id: spec.id,
      createdAt,
      durationMs: plan.duration_ms ?? DEFAULT_DURATION_MS,
      failure: failed ? { code: failCode, message: spec.failureMessage(failCode) } : null,
      cancelledAt: null,
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
      const terminalAt = Math.min(task.createdAt + task.durationMs, task.cancelledAt ?? Infinity);
      const wait = terminalAt - options.now();
      // No zero-length sleep: a test clock only fires sleeps when the test advances it.
      if (wait > 0) await options.sleep(wait);
      return phaseAt(task, Math.max(options.now(), terminalAt));
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
