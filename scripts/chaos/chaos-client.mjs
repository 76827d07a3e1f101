/**
 * @module scripts/chaos/chaos-client — the clients of a chaos run: what they submit and how
 * they behave when the gateway dies under them.
 *
 * A client with an `Idempotency-Key` does what the API tells it to: after a connection error
 * (or a 5xx) it sends the same body with the same key again until a 2xx arrives or its
 * patience runs out. A client without a key cannot retry safely and gives up; its job may
 * still exist (the run finds it in the listing). Every 2xx is an acknowledgement: that job
 * must never be lost.
 */

export const tenants = [
  { name: "dev", key: "wan-edge-dev-key" },
  { name: "other", key: "wan-edge-other-key" },
];

const videoProviders = ["auto", "auto", "evolink", "dashscope", "pixeldojo", "shortapi", "aimlapi"];
const imageProviders = ["auto", "dashscope", "pixeldojo", "aimlapi"];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The request number a chaos prompt carries (`chaos 17: …`), found in any body or task data. */
export function requestNumberIn(value) {
  const match = /chaos (\d+):/.exec(JSON.stringify(value ?? null));
  return match ? match[1] : null;
}

/**
 * The `number`th request of the run: i2v mostly, some image-pro; a provider forced or `auto`;
 * half of them with an Idempotency-Key. Valid for every provider it may go to (AI/ML API
 * needs a prompt and 5/10/15 s; it makes one image at a time).
 * @param {ReturnType<import("./seeded-random.mjs").seededRandom>} random
 */
export function planRequest(random, number, seed) {
  const image = random.chance(0.15);
  const provider = random.pick(image ? imageProviders : videoProviders);
  const input = image
    ? { prompt: `chaos ${number}: a red fox in snow`, n: 1, size: "1K" }
    : { prompt: `chaos ${number}: a cat plays piano`, first_frame: "https://example.com/cat.png", duration: 5 };
  const body = { model: image ? "wan2.7-image-pro" : "wan2.7-i2v", input, metadata: { chaos: String(number) }, ...(provider === "auto" ? {} : { provider }) };
  const tenant = random.chance(0.8) ? tenants[0] : tenants[1];
  return { number, tenant, body, idempotencyKey: random.chance(0.5) ? `chaos-${seed}-${number}` : null };
}

/**
 * Sends one planned request as its client would; resolves with what the client learned.
 * @param {string} gatewayUrl
 * @param {ReturnType<typeof planRequest>} request
 * @param {{ patienceMs: number, random: ReturnType<import("./seeded-random.mjs").seededRandom> }} options
 *   `random`: this request's own (its retry pauses then do not depend on the other requests').
 */
export async function submit(gatewayUrl, request, { patienceMs, random }) {
  const began = Date.now();
  const headers = { authorization: `Bearer ${request.tenant.key}`, "content-type": "application/json", ...(request.idempotencyKey ? { "idempotency-key": request.idempotencyKey } : {}) };
  const body = JSON.stringify(request.body);
  const outcome = { number: request.number, tenant: request.tenant.name, keyed: request.idempotencyKey !== null, key: request.idempotencyKey, tries: 0, connectionErrors: 0, id: null, status: null, httpStatus: null, replayed: false, error: null, acknowledgedAt: null };
  for (;;) {
    outcome.tries++;
    let response;
    try {
      response = await fetch(`${gatewayUrl}/v1/jobs`, { method: "POST", headers, body, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      outcome.connectionErrors++;
      outcome.error = error?.cause?.code ?? error?.name ?? "fetch failed";
      if (!request.idempotencyKey || Date.now() - began > patienceMs) return outcome;
      await sleep(random.between(300, 1500));
      continue;
    }
    outcome.httpStatus = response.status;
    const text = await response.text().catch(() => null);
    let job = null;
    try {
      job = response.ok && text !== null ? JSON.parse(text) : null;
    } catch {
      job = null;
    }
    if (response.ok && job === null) {
      // The status arrived, the body did not (the gateway died mid-answer): the client never
      // learned the job, exactly as after a connection error.
      outcome.connectionErrors++;
      outcome.error = "answer cut";
      if (!request.idempotencyKey || Date.now() - began > patienceMs) {
        outcome.httpStatus = null;
        return outcome;
      }
      await sleep(random.between(300, 1500));
      continue;
    }
    if (response.ok) {
      outcome.id = job.id;
      outcome.status = job.status;
      outcome.replayed = response.headers.get("idempotent-replayed") === "true";
      outcome.acknowledgedAt = Date.now();
      outcome.error = null;
      return outcome;
    }
    outcome.error = (text ?? "").slice(0, 300);
    // A keyed client retries what an SDK retries (5xx, 429); anything else is the answer.
    const retryable = response.status >= 500 || response.status === 429;
    if (!request.idempotencyKey || !retryable || Date.now() - began > patienceMs) return outcome;
    await sleep(random.between(300, 1500));
  }
}
