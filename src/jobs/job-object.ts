/**
 * @module jobs/job-object — one Durable Object per job: orchestration only.
 *
 * It loads the record, feeds what happened to the pure `transition`, persists the result
 * with an event row, performs the work the record says is due (submit, poll, copy), and
 * re-arms its single alarm from `nextWakeAt`. All upstream work runs in `runDue`, one pass
 * at a time, so a callback arriving mid-poll only moves the next poll forward.
 */
import { DurableObject } from "cloudflare:workers";
import type { Config, Env } from "../env";
import { loadConfig, upstreamFetch } from "../env";
import { randomToken } from "../lib/ids";
import { callbackToken } from "../lib/tokens";
import type { CopiedObject } from "../media/copy-to-r2";
import { copyToR2 } from "../media/copy-to-r2";
import { extensionOf } from "../media/signatures";
import { fetchableUrlProblem } from "../media/url-policy";
import type { AdapterContext, ProviderId, VideoAdapter } from "../providers/provider-adapter";
import { videoAdapters } from "../providers/provider-registry";
import type { JobEvent, MachinePolicy } from "./job-machine";
import { defaultPolicy, isTerminal, transition } from "./job-machine";
import { dueWork, nextWakeAt } from "./job-schedule";
import { JobStore } from "./job-store";
import type { JobOutput, JobRecord } from "./job-types";
import type { JobView } from "./job-view";
import { toJobView } from "./job-view";

/** How many due items one wake-up may work through before yielding to the next alarm. */
const maxStepsPerWake = 8;

export class JobObject extends DurableObject<Env> {
  private readonly store: JobStore;
  private job: JobRecord | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** The clock; replaceable in tests (time travel without patching globals). */
  now: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new JobStore(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      this.store.migrate();
      this.job = this.store.load();
    });
  }

  private get config(): Config {
    return loadConfig(this.env);
  }

  private policy(): MachinePolicy {
    const maxAttempts = Number(this.env.MAX_ATTEMPTS);
    return Number.isInteger(maxAttempts) && maxAttempts > 0 ? { ...defaultPolicy, maxAttempts } : defaultPolicy;
  }

  /** Creates the job (idempotent: a second call returns the existing job) and submits it. */
  async create(record: JobRecord): Promise<JobView> {
    if (!this.job) {
      this.job = record;
      this.store.save(record);
      this.store.appendEvent(record.created_at, "created", record.status, { providers: record.providers });
      await this.runDue();
    }
    return toJobView(this.job, this.config.publicBaseUrl);
  }

  /** The job as its tenant sees it; null for anyone else (a plain 404 upstairs). */
  async view(tenant: string): Promise<JobView | null> {
    if (!this.job || this.job.tenant !== tenant) return null;
    return toJobView(this.job, this.config.publicBaseUrl);
  }

  /** The event log (for tests and debugging). */
  async events(tenant: string) {
    if (!this.job || this.job.tenant !== tenant) return null;
    return this.store.events();
  }

  /**
   * A provider callback arrived for this job. The body is never trusted: it only makes
   * the next poll due now, and the poll re-reads the task with our own key.
   */
  async hint(provider: ProviderId, upstreamId: string | null): Promise<void> {
    const job = this.job;
    if (!job || isTerminal(job)) return;
    const attempt = job.attempts[job.attempts.length - 1];
    if (!attempt || attempt.provider !== provider || (upstreamId !== null && attempt.upstream_id !== upstreamId)) return;
    this.apply({ type: "hint" });
    await this.armAlarm();
  }

  override async alarm(): Promise<void> {
    try {
      await this.runDue();
    } catch (thrown) {
      // Never let the platform retry-loop an alarm: record and come back later.
      console.error("job alarm failed", thrown instanceof Error ? thrown.name : typeof thrown);
      await this.ctx.storage.setAlarm(this.now() + 30_000);
    }
  }

  private apply(event: JobEvent, detail?: unknown): void {
    const before = this.job!;
    const after = transition(before, event, this.now(), this.policy());
    if (after === before) return;
    this.job = after;
    this.store.save(after);
    this.store.appendEvent(new Date(this.now()).toISOString(), event.type, after.status, detail);
  }

  private async armAlarm(): Promise<void> {
    const next = this.job ? nextWakeAt(this.job) : null;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(next, this.now() + 1));
  }

  /** Works through everything due now, one pass at a time, then re-arms the alarm. */
  private runDue(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          for (let step = 0; step < maxStepsPerWake && this.job; step++) {
            const work = dueWork(this.job, this.now());
            if (!work) break;
            const before = this.job;
            await this.perform(work);
            await this.cancelAbandoned(before, this.job);
          }
        } while (this.again);
        await this.armAlarm();
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private context(provider: ProviderId): AdapterContext {
    const settings = this.config.providers[provider];
    if (!settings) throw new Error(`provider ${provider} is not configured`);
    return { fetch: upstreamFetch(this.env), baseUrl: settings.baseUrl, apiKey: settings.apiKey, now: this.now };
  }

  private adapter(provider: ProviderId): VideoAdapter {
    const adapter = videoAdapters[provider];
    if (!adapter) throw new Error(`no adapter for ${provider}`);
    return adapter;
  }

  private breaker(provider: ProviderId) {
    return this.env.BREAKERS.get(this.env.BREAKERS.idFromName(provider));
  }

  private async perform(work: NonNullable<ReturnType<typeof dueWork>>): Promise<void> {
    const job = this.job!;
    if (work === "deadline") return this.apply({ type: "deadline" });
    if (work === "stuck") return this.apply({ type: "stuck" });
    if (work === "submit") return this.submit();
    if (work === "poll") {
      const attempt = job.attempts[job.attempts.length - 1]!;
      const result = await this.adapter(attempt.provider).getTask(attempt.upstream_id!, this.context(attempt.provider));
      if (result.ok) this.apply({ type: "observed", task: result.value }, { provider: attempt.provider, upstream_status: result.value.upstreamStatus });
      else this.apply({ type: "poll_failed", error: result.error }, result.error);
      return;
    }
    await this.copyOutputs();
  }

  /**
   * Submits to the provider at the cursor, or the next one whose circuit breaker lets it
   * through; when every breaker is open, waits for the first to cool down.
   */
  private async submit(): Promise<void> {
    const job = this.job!;
    let chosen: ProviderId | null = null;
    let retryAt = Number.POSITIVE_INFINITY;
    for (let step = 0; step < job.providers.length && !chosen; step++) {
      const provider = job.providers[(job.provider_cursor + step) % job.providers.length]!;
      if (job.skip_providers.includes(provider)) continue;
      const decision = await this.breaker(provider).admit();
      if (decision.allowed) chosen = provider;
      else retryAt = Math.min(retryAt, decision.retryAt ?? this.now() + 1_000);
    }
    if (!chosen) return this.apply({ type: "submit_deferred", until: retryAt }, { reason: "every eligible provider's circuit breaker is open" });

    const adapter = this.adapter(chosen);
    const callbackUrl = adapter.capabilities.callbacks
      ? `${this.config.publicBaseUrl}/callbacks/${chosen}/${job.id}/${await callbackToken(this.config.serverSecret, job.id)}`
      : null;
    const result = await adapter.submitVideo(job.input, { callbackUrl }, this.context(chosen));
    // The breaker tracks the provider's health: a request it rightly refused is not its fault.
    const healthy = result.ok || result.error.kind === "bad_request" || result.error.kind === "content_policy";
    await this.breaker(chosen).record(healthy);
    if (result.ok) {
      const { capabilities } = adapter;
      this.apply({
        type: "submitted",
        provider: chosen,
        upstreamId: result.value.upstreamId,
        task: result.value.task,
        startDeadlineMs: capabilities.startDeadlineMs,
        polling: this.pollingFor(adapter),
        pricePerSecondUsd: capabilities.pricePerSecondUsd[job.input.resolution],
      });
    } else {
      this.apply({ type: "submit_failed", provider: chosen, error: result.error }, result.error);
    }
  }

  /** The provider's polling cadence, unless the deployment overrides it (POLL_BASE_MS/POLL_MAX_MS). */
  private pollingFor(adapter: VideoAdapter): { baseMs: number; maxMs: number } {
    const number = (name: string) => {
      const value = Number(this.env[name]);
      return Number.isFinite(value) && value > 0 ? value : undefined;
    };
    return { baseMs: number("POLL_BASE_MS") ?? adapter.capabilities.polling.baseMs, maxMs: number("POLL_MAX_MS") ?? adapter.capabilities.polling.maxMs };
  }

  /** Best-effort upstream cancel of attempts this job walked away from (never retried). */
  private async cancelAbandoned(before: JobRecord, after: JobRecord): Promise<void> {
    for (const [index, attempt] of after.attempts.entries()) {
      if (attempt.status !== "abandoned" || before.attempts[index]?.status === "abandoned" || !attempt.upstream_id) continue;
      const adapter = videoAdapters[attempt.provider];
      if (!adapter?.cancel || !adapter.capabilities.cancel) continue;
      const result = await adapter.cancel(attempt.upstream_id, this.context(attempt.provider));
      this.store.appendEvent(new Date(this.now()).toISOString(), "upstream_cancel", after.status, { provider: attempt.provider, upstream_id: attempt.upstream_id, ok: result.ok });
    }
  }

  /** Copies every upstream URL into R2, in index order; all succeed or the copy is retried. */
  private async copyOutputs(): Promise<void> {
    const job = this.job!;
    const urls = job.copy!.urls;
    const outputs: JobOutput[] = [];
    const copies: Array<Pick<CopiedObject, "key" | "bytes" | "sha256" | "peakBufferedBytes" | "multipart">> = [];
    const config = this.config;
    for (const [index, url] of urls.entries()) {
      const result = await copyToR2({
        fetch: upstreamFetch(this.env),
        bucket: this.env.MEDIA,
        url,
        kind: "video",
        maxBytes: config.maxOutputBytes,
        keyFor: (contentType) => `outputs/${job.id}/${randomToken(20)}/${index}.${extensionOf(contentType)}`,
        urlProblem: (candidate) => fetchableUrlProblem(candidate, config),
      });
      if (!result.ok) {
        await Promise.all(outputs.map((output) => this.env.MEDIA.delete(output.key)));
        return this.apply({ type: "copy_failed", error: result.error }, result.error);
      }
      const { key, bytes, sha256, contentType, peakBufferedBytes, multipart } = result.value;
      copies.push({ key, bytes, sha256, peakBufferedBytes, multipart });
      outputs.push({ url: `${config.publicBaseUrl}/media/${key}`, content_type: contentType, bytes, sha256, index, key });
    }
    this.apply({ type: "copied", outputs }, { outputs: copies });
  }
}
