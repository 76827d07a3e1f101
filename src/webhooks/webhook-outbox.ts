/**
 * @module webhooks/webhook-outbox — the job's outbound webhooks: enqueued when the job
 * changes, delivered by the job's own alarm on the retry schedule, every attempt recorded.
 */
import type { Config, Env } from "../env";
import { upstreamFetch } from "../env";
import type { JobRecord, WebhookEventType } from "../jobs/job-types";
import { randomToken } from "../lib/ids";
import { deliverWebhook } from "./deliver-webhook";
import { nextDeliveryAt } from "./delivery-schedule";
import type { DeliveryState, DeliveryStore } from "./delivery-store";
import { buildWebhookEvent, isSubscribed, webhookEventBody } from "./webhook-event";
import { webhookSecretFor } from "./webhook-signing";
import { webhookUrlProblem } from "./webhook-url";


export interface OutboxDeps {
  fetch: typeof fetch;
  now: () => number;
  /** The tenant's signing secrets now: the current one, and the previous during a rotation's overlap. */
  signingSecrets: (tenant: string) => Promise<string[]>;
  /** Why the URL may not receive webhooks now, or null (re-checked before every attempt). */
  urlProblem: (url: string) => string | null;
  /**
   * Rewrites a stored body just before an attempt sends it (a private job's links are signed
   * afresh, so a late retry still carries working ones); the stored body is sent as is without it.
   */
  render?: (payload: string) => Promise<string>;
}

/** The outbox's outside world for a job object: the upstream fetch, the tenant's secrets, the URL rules, how bodies are rendered. */
export function outboxDeps(env: Env, config: Config, now: () => number, render?: OutboxDeps["render"]): OutboxDeps {
  const signingSecrets = async (tenant: string) => {
    // The generations live in the tenant's account (rotated through the admin API).
    const state = await env.ACCOUNTS.get(env.ACCOUNTS.idFromName(tenant)).webhookSecretState();
    const generations = [state.generation, ...(state.previous ? [state.previous.generation] : [])];
    return Promise.all(generations.map((generation) => webhookSecretFor(config.serverSecret, tenant, generation)));
  };
  return { fetch: upstreamFetch(env), now, signingSecrets, urlProblem: (url) => webhookUrlProblem(url, config), render };
}

export class WebhookOutbox {
  /**
   * When the earliest pending delivery is due (null: none), as last read or written here;
   * undefined until known. Lets the common case — a job with nothing to deliver — skip
   * both queries on every pass of the job.
   */
  private earliest: number | null | undefined = undefined;

  constructor(private readonly store: DeliveryStore) {}

  /** Tells the outbox its store is known to be empty (a job that was just created). */
  startEmpty(): void {
    this.earliest = null;
  }

  /**
   * Queues `type` for delivery if the job subscribed to it. Returns the event id. A terminal
   * event supersedes every earlier event not yet delivered: a receiver never hears
   * `job.running` after `job.completed` (events also carry the job's `sequence`).
   */
  enqueue(job: JobRecord, type: WebhookEventType, data: unknown, now: number, terminal = false): string | null {
    if (!job.webhook) return null;
    if (terminal) this.store.supersedePending();
    if (!isSubscribed(job.webhook, type)) return null;
    const id = `msg_${randomToken(26)}`;
    const payload = webhookEventBody(buildWebhookEvent(type, data, now, job.sequence ?? 0));
    this.store.enqueue(id, type, payload, now);
    if (this.earliest !== undefined) this.earliest = this.earliest === null ? now : Math.min(this.earliest, now);
    return id;
  }

  nextAt(): number | null {
    if (this.earliest === undefined) this.earliest = this.store.nextAt();
    return this.earliest;
  }

  /** Attempts every delivery that is due, one after another. */
  async deliverDue(job: JobRecord, deps: OutboxDeps): Promise<void> {
    const earliest = this.nextAt();
    if (earliest === null || earliest > deps.now()) return;
    // Whatever happens below changes the pending set: read it again next time.
    this.earliest = undefined;
    const due = this.store.due(deps.now());
    if (due.length === 0 || !job.webhook) return;
    const secret = await deps.signingSecrets(job.tenant);
    for (const row of due) {
      const problem = deps.urlProblem(job.webhook.url);
      const result = problem
        ? { outcome: "gone" as const, status: null, error: `webhook URL refused: ${problem}`, durationMs: 0 }
        : await deliverWebhook({ url: job.webhook.url, id: row.id, body: deps.render ? await deps.render(row.payload) : row.payload, secret }, { fetch: deps.fetch, now: deps.now });
      const attemptedAt = deps.now();
      const made = row.attempts_in_round + 1;
      let state: DeliveryState = result.outcome === "delivered" ? "delivered" : result.outcome === "gone" ? "gone" : "pending";
      let next: number | null = null;
      if (state === "pending") {
        next = nextDeliveryAt(made, attemptedAt);
        if (next === null) state = "given_up";
      }
      this.store.recordAttempt(row.id, { at: attemptedAt, status: result.status, outcome: result.outcome, error: result.error, duration_ms: result.durationMs }, state, next);
    }
  }

  /** The deliveries as the API shows them. */
  list() {
    return this.store.list().map((row) => ({
      id: row.id,
      type: row.type,
      state: row.state,
      created_at: new Date(row.created_at).toISOString(),
      next_attempt_at: row.next_at === null || row.state !== "pending" ? null : new Date(row.next_at).toISOString(),
      attempts: row.attempts.map((attempt) => ({
        at: new Date(attempt.at).toISOString(),
        status: attempt.status,
        outcome: attempt.outcome,
        error: attempt.error,
        duration_ms: attempt.duration_ms,
      })),
    }));
  }

  /** Sends the latest event again (same `webhook-id`); false when there is none. */
  replayLatest(now: number): boolean {
    this.earliest = undefined;
    return this.store.replayLatest(now) !== null;
  }
}
