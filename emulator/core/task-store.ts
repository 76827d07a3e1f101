/**
 * @module task-store
 * Emulated tasks and their lifecycle. A task's status is never stored: it is computed from the
 * injected clock whenever someone asks, so tests advance time by moving the clock and no timer
 * has to run for a task to progress. Everything that could vary (failure, outputs, sizes,
 * URL expiry) is decided once at creation.
 */
import type { MediaSpec } from "./media-stream";

/**
 * `suspended`: the provider paused the task (DashScope's SUSPENDED), it resumes later.
 * `forgotten`: the provider lost the task (DashScope's UNKNOWN, the others' not-found answer).
 */
export type TaskStatus = "pending" | "processing" | "suspended" | "completed" | "failed" | "cancelled" | "forgotten";

/** Where a task is at one instant. `progress` is 0–100. */
export interface TaskPhase {
  status: TaskStatus;
  progress: number;
}

/** One output file, served at `url` until `expiresAt`. */
export interface OutputFile {
  /** Last path segment, e.g. "0.mp4". */
  name: string;
  url: string;
  contentType: string;
  expiresAt: number;
  spec: MediaSpec;
  /** Filled lazily the first time someone asks (hashing 500 MB is not free). */
  sha256?: string;
}

/** One callback delivery attempt (or the decision not to send), for `/__control/tasks`. */
export interface CallbackAttempt {
  url: string;
  /** `terminal`: the real one; `duplicate`: an injected copy; `stale`: an injected out-of-order processing body. */
  kind: "terminal" | "duplicate" | "stale";
  /** 1 for the first try, 2–4 for the retries. */
  attempt: number;
  at: number;
  /** HTTP status received, or null when the request failed or was not sent. */
  status: number | null;
  error?: string;
  /** True when the fault plan dropped the callback (nothing was sent). */
  dropped?: boolean;
}

/** A task as the core keeps it. `Data` is the personality's own record (model, duration…). */
export interface EmulatedTask<Data = unknown> {
  provider: string;
  id: string;
  createdAt: number;
  /** Creation to terminal state. */
  durationMs: number;
  /** Set at creation when the task is destined to fail. */
  failure: { code: string | number; message: string } | null;
  /** When the task was cancelled (by a cancel call, or by the provider under `cancel_rate`). */
  cancelledAt: number | null;
  /** When the provider forgets the task (`forget_rate`): from then on it is unknown to its API. */
  forgottenAt: number | null;
  /** A pause before processing (`suspend_ms`), included in `durationMs`. */
  suspension: { from: number; until: number } | null;
  /** The Idempotency-Key header of the create call, if any (only EvoLink honours it). */
  idempotencyKey: string | null;
  /** Whether the create answer went out, or was withheld under `submit_hang_rate`. */
  createAnswer: "sent" | "withheld";
  /** Create calls answered with this task again because they repeated its Idempotency-Key. */
  replays: number;
  /** Exposed by the personality only once completed. */
  outputs: OutputFile[];
  callbackUrl: string | null;
  callbacks: CallbackAttempt[];
  data: Data;
}

/** The first quarter of a task's working time is spent queued, the rest processing. */
export const PENDING_SHARE = 0.25;

/** When the task stops changing: its end, or an earlier cancellation or loss. */
export function terminalAt(task: EmulatedTask): number {
  return Math.min(task.createdAt + task.durationMs, task.cancelledAt ?? Infinity, task.forgottenAt ?? Infinity);
}

/**
 * The phase of `task` at instant `at`.
 * @example phaseAt(task, task.createdAt + task.durationMs) // { status: "completed", progress: 100 }
 */
export function phaseAt(task: EmulatedTask, at: number): TaskPhase {
  const end = task.createdAt + task.durationMs;
  if (task.forgottenAt !== null && task.forgottenAt < end && at >= task.forgottenAt) {
    return { status: "forgotten", progress: 0 };
  }
  if (task.cancelledAt !== null && task.cancelledAt < end && at >= task.cancelledAt) {
    return { status: "cancelled", progress: 0 };
  }
  if (at >= end) {
    return task.failure === null ? { status: "completed", progress: 100 } : { status: "failed", progress: 0 };
  }
  const pause = task.suspension;
  if (pause !== null && at >= pause.from && at < pause.until) return { status: "suspended", progress: 0 };
  // Progress counts working time only: a pause neither advances it nor counts as queueing.
  const paused = pause === null ? 0 : Math.max(0, Math.min(at, pause.until) - pause.from);
  const working = task.durationMs - (pause === null ? 0 : pause.until - pause.from);
  const elapsed = Math.max(0, at - task.createdAt - paused);
  if (elapsed < working * PENDING_SHARE) return { status: "pending", progress: 0 };
  const progress = Math.floor((elapsed / working) * 100);
  return { status: "processing", progress: Math.min(99, Math.max(1, progress)) };
}

/** True for states no task leaves. */
export function isTerminal(status: TaskStatus): boolean {
  return status === "completed" || status === "failed" || status === "cancelled" || status === "forgotten";
}

/** In-memory tasks, keyed by provider and id (ids are only unique within a provider). */
export interface TaskStore {
  add(task: EmulatedTask): void;
  get<Data>(provider: string, id: string): EmulatedTask<Data> | undefined;
  list(): EmulatedTask[];
  clear(): void;
}

export function createTaskStore(): TaskStore {
  const tasks = new Map<string, EmulatedTask>();
  const key = (provider: string, id: string) => `${provider}\u0000${id}`;
  return {
    add: (task) => void tasks.set(key(task.provider, task.id), task),
    get: <Data>(provider: string, id: string) =>
      tasks.get(key(provider, id)) as EmulatedTask<Data> | undefined,
    list: () => [...tasks.values()],
    clear: () => tasks.clear(),
  };
}
