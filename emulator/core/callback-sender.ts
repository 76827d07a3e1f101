/**
 * @module callback-sender
 * Delivers a task's terminal callback the way a provider would: once the task is done, POST
 * the provider's JSON, retry on a non-2xx or a network error, and (under a fault plan) drop,
 * duplicate, delay or reorder it. Every attempt is recorded on the task so tests can see what
 * was sent and what the gateway answered.
 */
import type { FaultPlan } from "./fault-plan";
import type { FaultRandom } from "./random";
import { phaseAt, terminalAt as terminalInstant, type EmulatedTask, type TaskPhase } from "./task-store";

/** How a provider retries: per-attempt timeout and the waits before each retry. */
export interface CallbackPolicy {
  timeoutMs: number;
  /** e.g. [1000, 2000, 4000]: three retries after 1, 2 and 4 s. */
  retryDelaysMs: readonly number[];
}

/** What the sender needs from the outside world (all injected, for tests). */
export interface CallbackEnvironment {
  now(): number;
  sleep(ms: number): Promise<void>;
  fetch(input: string, init?: RequestInit): Promise<Response>;
  random: FaultRandom;
  /** False once the task was forgotten (`DELETE /__control/state`): then nothing is sent. */
  isKnown(task: EmulatedTask): boolean;
}

/** One task's callback job. */
export interface CallbackJob {
  task: EmulatedTask;
  /** The provider's callback body for a phase (usually the same JSON as its task query). */
  render(phase: TaskPhase): unknown;
  policy: CallbackPolicy;
  faults: FaultPlan;
}

/** The stale body sent after the terminal one under `callback_shuffle`. */
const STALE_PHASE: TaskPhase = { status: "processing", progress: 50 };

/**
 * Waits until the task is terminal (plus `callback_delay_ms`), then delivers. Fault decisions
 * are drawn before the first await so the PRNG sequence does not depend on network timing.
 * @example context.waitUntil(deliverCallbacks(environment, job))
 */
export async function deliverCallbacks(environment: CallbackEnvironment, job: CallbackJob): Promise<void> {
  const { task, faults } = job;
  const url = task.callbackUrl;
  if (url === null) return;
  if (environment.random.chance(faults.callback_drop_rate)) {
    task.callbacks.push({ url, kind: "terminal", attempt: 0, at: environment.now(), status: null, dropped: true });
    return;
  }
  const terminalAt = terminalInstant(task);
  await environment.sleep(Math.max(0, terminalAt + (faults.callback_delay_ms ?? 0) - environment.now()));
  if (!environment.isKnown(task)) return;
  const phase = phaseAt(task, Math.max(environment.now(), terminalAt));
  // A provider that lost the task has nothing to call back about.
  if (phase.status === "forgotten") return;
  const body = JSON.stringify(job.render(phase));
  await send(environment, job, url, body, "terminal", job.policy.retryDelaysMs);
  // Extra copies go out once each: a provider that duplicates does not also retry the copy.
  for (let copy = 0; copy < (faults.callback_duplicates ?? 0); copy += 1) {
    await send(environment, job, url, body, "duplicate", []);
  }
  if (faults.callback_shuffle === true) {
    await send(environment, job, url, JSON.stringify(job.render(STALE_PHASE)), "stale", []);
  }
}

async function send(
  environment: CallbackEnvironment,
  job: CallbackJob,
  url: string,
  body: string,
  kind: "terminal" | "duplicate" | "stale",
  retryDelaysMs: readonly number[],
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    if (!environment.isKnown(job.task)) return;
    const at = environment.now();
    let status: number | null = null;
    let error: string | undefined;
    try {
      const response = await environment.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "wan-edge-emulator" },
        body,
        signal: AbortSignal.timeout(job.policy.timeoutMs),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    job.task.callbacks.push({ url, kind, attempt, at, status, ...(error === undefined ? {} : { error }) });
    if (status !== null && status >= 200 && status < 300) return;
    const delay = retryDelaysMs[attempt - 1];
    if (delay === undefined) return;
    await environment.sleep(delay);
  }
}
