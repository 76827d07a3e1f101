/**
 * @module jobs/job-audience — everyone who is shown a job, and how: the API's readers, the
 * event streams, callers waiting for the end, the tenant's listing and the webhooks.
 *
 * The view is the same everywhere (job-view.ts); links of private media are signed afresh
 * each time it leaves: `present` for the API and the streams (in order, each message
 * waiting for the listing and its links), `render` for each webhook attempt (the stored body keeps its
 * links unsigned, so a retry hours later still carries working ones).
 */
import type { Config, Env } from "../env";
import type { WebhookOutbox } from "../webhooks/webhook-outbox";
import { webhookEventTypeFor } from "../webhooks/webhook-event";
import { isTerminal } from "./job-machine";
import { JobStreamHub, Waiters } from "./job-stream";
import type { JobRecord } from "./job-types";
import { mediaPolicyOf, mediaRemoved } from "./job-types";
import type { JobView } from "./job-view";
import { toJobView, withFreshLinks, withFreshPayloadLinks } from "./job-view";
import { listJob } from "./tenant-index";

export interface AudienceDeps {
  env: Env;
  config: () => Config;
  now: () => number;
  outbox: WebhookOutbox;
  waitUntil: (promise: Promise<unknown>) => void;
}

export class JobAudience {
  readonly waiters = new Waiters();
  private streams: JobStreamHub | null = null;
  /** Streams and waiters hear of changes in order (after the listing, and a private job's signed links). */
  private telling: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AudienceDeps) {}

  view(job: JobRecord): JobView {
    return toJobView(job, this.deps.config().publicBaseUrl);
  }

  /** The job as it is handed out: private links signed afresh. */
  present(job: JobRecord, view: JobView = this.view(job)): Promise<JobView> {
    const { publicBaseUrl, serverSecret } = this.deps.config();
    return withFreshLinks(view, job, publicBaseUrl, serverSecret, this.deps.now());
  }

  /** A stored webhook body as one attempt sends it (private links signed afresh). */
  render(job: JobRecord): (payload: string) => Promise<string> {
    const { publicBaseUrl, serverSecret } = this.deps.config();
    return (payload) => withFreshPayloadLinks(payload, job, publicBaseUrl, serverSecret, this.deps.now());
  }

  /**
   * `GET /v1/jobs/{id}/events`: the current state (unless `Last-Event-ID` says the client has
   * it), then every change. `current` reads the job as it is now.
   */
  async openStream(current: () => JobRecord, lastEventId: string | null, keepAliveMs: number): Promise<Response> {
    this.streams ??= new JobStreamHub(keepAliveMs);
    let view = await this.present(current());
    while (view.sequence !== (current().sequence ?? 0)) view = await this.present(current()); // changed while signing
    const lastSeen = Number(lastEventId ?? Number.NaN);
    return this.streams.open(view, isTerminal(current()), Number.isFinite(lastSeen) ? lastSeen : null);
  }

  /**
   * Tells whoever listens that the job changed. Streams and waiters hear of changes in order,
   * each only once the listing has its status (a list right after shows it).
   */
  changed(before: JobRecord, after: JobRecord): void {
    const terminal = isTerminal(after);
    const now = this.deps.now();
    // Built only when someone needs it (a stream, a webhook event): most changes have neither.
    let view: JobView | undefined;
    const viewNow = () => (view ??= this.view(after));
    const moved = after.status !== before.status;
    // The listing follows the committed state; stale updates are ignored there.
    const listed = moved ? listJob(this.deps.env, after).catch(() => {}) : null;
    if (listed) this.deps.waitUntil(listed);
    this.telling = this.telling
      .then(() => listed)
      .then(async () => {
        // A private job's message waits for its signed links (still in order).
        if (this.streams) this.streams.publish(mediaPolicyOf(after).access === "public" ? viewNow() : await this.present(after, viewNow()), terminal);
        if (terminal) this.waiters.wakeAll();
      });
    // The media are gone (deleted, or expired): the last word, superseding what is undelivered.
    if (!mediaRemoved(before) && mediaRemoved(after) && after.webhook) this.deps.outbox.enqueue(after, "job.deleted", viewNow(), now, true);
    const type = moved ? webhookEventTypeFor(after.status) : null;
    // job.completed is only ever queued here, after the outputs are in R2.
    if (type && after.webhook) this.deps.outbox.enqueue(after, type, viewNow(), now, terminal);
  }
}
