/**
 * @module playground/gateway — the playground's connection to this gateway: the typed client
 * (`wan-edge/client`, bundled into /static/vendor by scripts/bundle-playground-client.mjs)
 * with the key from the form, and the two reads the client does not cover.
 *
 * The client does the job calls, the uploads and the event stream (with resumption); the page
 * never parses SSE or loops over fetch itself. `GET /v1/models` and `GET /v1/jobs/{id}/deliveries`
 * are single reads, answered with the client's own `WanEdgeError` when they fail.
 */
import { createClient, isTerminal, WanEdgeError } from "/static/vendor/wan-edge-client.js";
import { byId } from "./dom.js";

export { isTerminal, WanEdgeError };

const developmentKey = "wan-edge-dev-key";
const keyInput = byId("api-key");

export const apiKey = () => keyInput.value.trim();

/** A client for the key in the form (cheap: a closure over `fetch`). */
export function client() {
  return createClient({ baseUrl: location.origin, apiKey: apiKey() });
}

/** Fills in the dev tenant's key, but only on a gateway that says it is a development one. */
export async function prefillDevelopmentKey() {
  try {
    const health = await (await fetch("/healthz")).json();
    if (health.environment === "development" && keyInput.value === "") {
      keyInput.value = developmentKey;
      byId("api-key-hint").textContent = "Local development: filled in with the dev tenant's key (wan-edge-dev-key).";
    }
  } catch {
    // Without /healthz the key is simply not prefilled.
  }
}

async function read(path, signal) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${apiKey()}`, accept: "application/json" }, signal });
  if (response.ok) return response.json();
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    // not a problem document (a proxy's page)
  }
  const message = problem?.detail ?? `${response.status} ${response.statusText}`;
  throw new WanEdgeError(response.status, problem && typeof problem.code === "string" ? problem : null, message, response.headers);
}

/** `GET /v1/models`: both models with their providers (configured or not). */
export function listModels(signal) {
  return read("/v1/models", signal);
}

/** `GET /v1/jobs/{id}/deliveries`: the job's webhook deliveries, each with its attempts. */
export async function listDeliveries(id, signal) {
  return (await read(`/v1/jobs/${encodeURIComponent(id)}/deliveries`, signal)).data;
}
