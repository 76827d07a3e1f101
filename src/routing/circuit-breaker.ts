/**
 * @module routing/circuit-breaker — a per-provider circuit breaker shared by every job.
 *
 * The logic is a pure function of (state, event, now); `ProviderBreaker` is a tiny Durable
 * Object (one per provider, addressed by provider id) that holds the state. After
 * `threshold` consecutive failures the breaker opens and the provider is skipped for
 * `cooldownMs`; then one trial request is let through (half-open): success closes it,
 * failure opens it again.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import type { AdmissionWindow } from "./rate-limit";
import { admitInWindow } from "./rate-limit";

export interface BreakerPolicy {
  threshold: number;
  cooldownMs: number;
}

export interface BreakerState {
  consecutiveFailures: number;
  /** While open: skipped until this time. */
  openUntil: number | null;
  /** Half-open: a trial was let through at this time and has not reported yet. */
  trialSince: number | null;
}

export const closedBreaker: BreakerState = { consecutiveFailures: 0, openUntil: null, trialSince: null };

export type BreakerPhase = "closed" | "open" | "half_open";

export function breakerPhase(state: BreakerState, now: number): BreakerPhase {
  if (state.openUntil === null) return "closed";
  return now < state.openUntil ? "open" : "half_open";
}

/**
 * May a request go to the provider now? In half-open only one trial at a time is allowed
 * (a trial that never reports back is presumed lost after one more cool-down).
 * @example admit(closedBreaker, Date.now(), policy) // { allowed: true, state: closedBreaker }
 */
export function admit(state: BreakerState, now: number, policy: BreakerPolicy): { allowed: boolean; retryAt: number | null; state: BreakerState } {
  const phase = breakerPhase(state, now);
  if (phase === "closed") return { allowed: true, retryAt: null, state };
  if (phase === "open") return { allowed: false, retryAt: state.openUntil, state };
  if (state.trialSince !== null && now - state.trialSince < policy.cooldownMs) {
    return { allowed: false, retryAt: state.trialSince + policy.cooldownMs, state };
  }
  return { allowed: true, retryAt: null, state: { ...state, trialSince: now } };
}

/** Records the outcome of a request that was admitted. */
export function recordOutcome(state: BreakerState, success: boolean, now: number, policy: BreakerPolicy): BreakerState {
  if (success) return closedBreaker;
  const consecutiveFailures = state.consecutiveFailures + 1;
  const tripped = state.openUntil !== null || consecutiveFailures >= policy.threshold;
  return { consecutiveFailures, openUntil: tripped ? now + policy.cooldownMs : null, trialSince: null };
}

export function breakerPolicy(env: Env): BreakerPolicy {
  const threshold = Number(env.BREAKER_THRESHOLD ?? 5);
  const cooldownSeconds = Number(env.BREAKER_COOLDOWN_SECONDS ?? 30);
  return {
    threshold: Number.isInteger(threshold) && threshold > 0 ? threshold : 5,
    cooldownMs: Number.isFinite(cooldownSeconds) && cooldownSeconds > 0 ? cooldownSeconds * 1000 : 30_000,
  };
}

/** One per provider (`idFromName(providerId)`); state survives eviction in storage. */
export class ProviderBreaker extends DurableObject<Env> {
  private state: BreakerState = closedBreaker;
  private queryWindow: AdmissionWindow | undefined;
  /** The clock; replaceable in tests. */
  now: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.state = (await ctx.storage.get<BreakerState>("state")) ?? closedBreaker;
    });
  }

  /** `healthy`: closed with no failure on record, so callers may skip reporting successes. */
  async admit(): Promise<{ allowed: boolean; retryAt: number | null; healthy: boolean }> {
    const decision = admit(this.state, this.now(), breakerPolicy(this.env));
    if (decision.state !== this.state) await this.save(decision.state);
    const healthy = decision.state.openUntil === null && decision.state.consecutiveFailures === 0;
    return { allowed: decision.allowed, retryAt: decision.retryAt, healthy };
  }

  async record(success: boolean): Promise<void> {
    const next = recordOutcome(this.state, success, this.now(), breakerPolicy(this.env));
    if (next.consecutiveFailures !== this.state.consecutiveFailures || next.openUntil !== this.state.openUntil || next.trialSince !== this.state.trialSince) {
      await this.save(next);
    }
  }

  /**
   * Admits one read of the provider's account-wide query budget now (0: read at once), or
   * says how long to wait before asking again; nothing is promised for later. (In memory: an
   * evicted breaker forgets the last second's reads, at most one second's worth.)
   */
  async admitQuery(ratePerSecond: number): Promise<number> {
    const taken = admitInWindow(this.queryWindow, this.now(), ratePerSecond);
    this.queryWindow = taken.window;
    return taken.waitMs;
  }

  async status(): Promise<{ phase: BreakerPhase; consecutiveFailures: number; openUntil: number | null }> {
    return { phase: breakerPhase(this.state, this.now()), consecutiveFailures: this.state.consecutiveFailures, openUntil: this.state.openUntil };
  }

  private async save(state: BreakerState): Promise<void> {
    this.state = state;
    await this.ctx.storage.put("state", state);
  }
}

/** How long an isolate trusts a "healthy" answer before asking the breaker again. */
const healthyForMs = 1_000;
const healthyUntil = new Map<string, number>();

/**
 * The breaker as a job sees it: asks the provider's breaker object, but trusts a healthy
 * answer for a second per isolate, so the common path (a closed breaker and a success) costs
 * no round trip; any failure is always reported and ends the trust at once.
 */
export function breakerClient(namespace: DurableObjectNamespace<ProviderBreaker>, now: () => number) {
  const stub = (provider: string) => namespace.get(namespace.idFromName(provider));
  return {
    async admit(provider: string): Promise<{ allowed: boolean; retryAt: number | null }> {
      if ((healthyUntil.get(provider) ?? 0) > now()) return { allowed: true, retryAt: null };
      const decision = await stub(provider).admit();
      if (decision.healthy) healthyUntil.set(provider, now() + healthyForMs);
      else healthyUntil.delete(provider);
      return decision;
    },
    async record(provider: string, success: boolean): Promise<void> {
      if (success && (healthyUntil.get(provider) ?? 0) > now()) return; // nothing to reset
      if (!success) healthyUntil.delete(provider);
      await stub(provider).record(success);
    },
  };
}
