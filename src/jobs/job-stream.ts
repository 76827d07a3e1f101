/**
 * @module jobs/job-stream — Server-Sent Events for one job, served by its Durable Object.
 *
 * A client first receives the current state, then every change as `event: job`, with a
 * comment line as keep-alive; the stream ends after a terminal state.
 */
const encoder = new TextEncoder();

interface Subscriber {
  writer: WritableStreamDefaultWriter<Uint8Array>;
  keepAlive: ReturnType<typeof setInterval>;
}

/**
 * Formats one SSE message carrying the job object; its `id:` is the job's `sequence`, so a
 * client that reconnects with `Last-Event-ID` is not sent a state it has already seen.
 */
export function sseJobMessage(job: { sequence?: number }): string {
  const id = job.sequence === undefined ? "" : `id: ${job.sequence}\n`;
  return `${id}event: job\ndata: ${JSON.stringify(job)}\n\n`;
}

export class JobStreamHub {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly keepAliveMs: number) {}

  /**
   * A streaming response that starts with `current` — unless `lastSeen` (the client's
   * `Last-Event-ID`) says it has that state already — and ends at once if terminal.
   */
  open(current: { sequence?: number }, terminal: boolean, lastSeen: number | null = null): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const subscriber: Subscriber = {
      writer,
      keepAlive: setInterval(() => this.write(subscriber, ": keep-alive\n\n"), this.keepAliveMs),
    };
    this.subscribers.add(subscriber);
    const seen = lastSeen !== null && current.sequence !== undefined && lastSeen >= current.sequence;
    this.write(subscriber, seen ? "retry: 2000\n\n" : `retry: 2000\n${sseJobMessage(current)}`);
    if (terminal) this.close(subscriber);
    return new Response(readable, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
    });
  }

  /** Sends the job to every subscriber; closes them all when it is terminal. */
  publish(job: { sequence?: number }, terminal: boolean): void {
    const message = sseJobMessage(job);
    for (const subscriber of [...this.subscribers]) {
      this.write(subscriber, message);
      if (terminal) this.close(subscriber);
    }
  }

  get size(): number {
    return this.subscribers.size;
  }

  private write(subscriber: Subscriber, text: string): void {
    subscriber.writer.write(encoder.encode(text)).catch(() => this.close(subscriber)); // client went away
  }

  private close(subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber)) return;
    clearInterval(subscriber.keepAlive);
    subscriber.writer.close().catch(() => {});
  }
}

/** Callers waiting for the job to end (`Prefer: wait`), each with its own time limit. */
export class Waiters {
  private readonly waiting = new Set<() => void>();

  /** Resolves at `wakeAll` or after `timeoutMs`, whichever comes first. */
  wait(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiting.add(done);
    });
  }

  wakeAll(): void {
    for (const wake of [...this.waiting]) wake();
  }
}
