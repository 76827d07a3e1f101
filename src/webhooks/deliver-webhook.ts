/**
 * @module webhooks/deliver-webhook — one webhook delivery attempt, as a value.
 *
 * POSTs the signed body once and reports what happened; it never throws, so the outbox can
 * record every attempt and reschedule from `nextDeliveryAt` without a try/catch. `fetch` and
 * the clock are injected (tests need no global mocks; the job passes its upstream fetch).
 *
 * The receiver is untrusted: redirects are not followed (a 3xx is a failed attempt —
 * following could bounce the signed body to a host the URL policy never saw), at most a
 * few KB of its answer are read (a slow or endless body cannot pin the Durable Object),
 * and the whole attempt is bounded by the 15 s timeout.
 */
import { timeoutSignal } from "../lib/timeout-signal";
import type { DeliveryOutcome } from "./delivery-schedule";
import { classifyDeliveryResponse, deliveryTimeoutMs } from "./delivery-schedule";
import { webhookHeaders } from "./webhook-signing";

export interface WebhookDelivery {
  url: string;
  /** The `webhook-id`: the same for every retry of one event. */
  id: string;
  /** The exact JSON text that is signed and sent. */
  body: string;
  /** The tenant's `whsec_…` secret (several during a rotation's overlap: each signs). */
  secret: string | readonly string[];
}

export interface DeliverDeps {
  fetch: typeof fetch;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Defaults to the contract's 15 s; shorter in tests. */
  timeoutMs?: number;
}

export interface DeliveryAttemptResult {
  outcome: DeliveryOutcome;
  /** The receiver's HTTP status, or null when none arrived (timeout, network error). */
  status: number | null;
  /** Why the attempt did not deliver (shown in `GET /v1/jobs/{id}/deliveries`), else null. */
  error: string | null;
  durationMs: number;
}

/** How much of the receiver's answer is read (kept as an excerpt in `error`). */
const maxResponseBytes = 4096;
const maxExcerptChars = 200;

/**
 * Sends one attempt. The timestamp is the attempt's own, so retries stay inside the
 * receiver's replay window.
 * @example const result = await deliverWebhook({ url, id: delivery.id, body, secret }, { fetch, now: Date.now })
 */
export async function deliverWebhook(delivery: WebhookDelivery, deps: DeliverDeps): Promise<DeliveryAttemptResult> {
  const startedAt = deps.now();
  const timeoutMs = deps.timeoutMs ?? deliveryTimeoutMs;
  const finish = (outcome: DeliveryOutcome, status: number | null, error: string | null): DeliveryAttemptResult => ({
    outcome,
    status,
    error,
    durationMs: Math.max(0, deps.now() - startedAt),
  });
  let headers: Record<string, string>;
  try {
    headers = await webhookHeaders(delivery.secret, delivery.id, Math.floor(startedAt / 1000), delivery.body);
  } catch {
    // Only a malformed secret gets here (a bug); recorded like any failed attempt, not thrown.
    return finish("retry", null, "the delivery could not be signed");
  }
  // Cleared once the answer is read: a pending timer would keep the job's object in memory
  // (and billed) until it fired.
  const deadline = timeoutSignal(timeoutMs);
  const signal = deadline.signal;
  let response: Response;
  let excerpt: string;
  try {
    try {
      response = await deps.fetch(delivery.url, {
        method: "POST",
        headers: { ...headers, "user-agent": "wan-edge-webhooks/1" },
        body: delivery.body,
        redirect: "manual",
        signal,
      });
    } catch (thrown) {
      if (signal.aborted) return finish(classifyDeliveryResponse("timeout"), null, `no response within ${timeoutMs / 1000} s`);
      return finish(classifyDeliveryResponse("network"), null, `network error: ${clip(thrown instanceof Error ? thrown.message : String(thrown))}`);
    }
    excerpt = await readExcerpt(response, signal);
  } finally {
    deadline.clear();
  }
  const outcome = classifyDeliveryResponse(response.status);
  if (outcome === "delivered") return finish(outcome, response.status, null);
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get("location");
    return finish(outcome, response.status, `HTTP ${response.status} redirect${location ? ` to ${clip(location)}` : ""} (redirects are not followed)`);
  }
  return finish(outcome, response.status, `HTTP ${response.status}${excerpt ? `: ${excerpt}` : ""}`);
}

/** The first few KB of the answer as one clipped line; the rest is canceled, unread. */
async function readExcerpt(response: Response, signal: AbortSignal): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  const aborted = new Promise<null>((resolve) => {
    if (signal.aborted) resolve(null);
    else signal.addEventListener("abort", () => resolve(null), { once: true });
  });
  try {
    while (received < maxResponseBytes) {
      const read = await Promise.race([reader.read(), aborted]);
      if (read === null || read.done) break;
      chunks.push(read.value.subarray(0, maxResponseBytes - received));
      received += Math.min(read.value.byteLength, maxResponseBytes - received);
    }
  } catch {
    // A body cut short still leaves the status, which is what decides the outcome.
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return clip(new TextDecoder().decode(bytes));
}

/** One printable line of at most `maxExcerptChars` characters. */
function clip(text: string): string {
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return line.length > maxExcerptChars ? `${line.slice(0, maxExcerptChars)}…` : line;
}
