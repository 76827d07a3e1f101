/**
 * @module playground/job-detail — the selected job, live: status, progress, attempts, cost,
 * outputs, webhook deliveries and a cancel button while it is not terminal.
 *
 * It follows the job's event stream through the client (`jobs.events`: the current state
 * first, then every change, reconnecting with `Last-Event-ID`), and tells the jobs panel of
 * each new state through `onUpdate`. Deliveries are read when a job is shown, when it changes,
 * and every few seconds while one of them is still pending.
 */
import { byId, element, formatTime, formatUsage } from "./dom.js";
import { client, isTerminal, listDeliveries } from "./gateway.js";
import { renderOutputs } from "./job-outputs.js";
import { showError } from "./problems.js";

const deliveryPollMs = 3000;

let shown = null; // { job, following: AbortController, outputsKey, deliveryTimer }
let onUpdate = () => {};

export function setUpJobDetail(options) {
  onUpdate = options.onUpdate;
  byId("job-cancel").addEventListener("click", () => shown && cancelJob(shown.job.id));
  byId("deliveries-refresh").addEventListener("click", () => shown && refreshDeliveries());
}

/** Shows `job` and follows it until it is terminal (or another job is shown). */
export function showJob(job) {
  stopFollowing();
  shown = { job, following: new AbortController(), outputsKey: null, deliveryTimer: null };
  render(job);
  refreshDeliveries();
  if (!isTerminal(job.status)) follow(shown);
}

export const shownJobId = () => shown?.job.id ?? null;

/** A newer state of a job from elsewhere (the panel's polling, a cancel): shown if it is this job. */
export function updateShownJob(job) {
  if (!shown || shown.job.id !== job.id || job.sequence < shown.job.sequence) return;
  const changed = job.sequence !== shown.job.sequence;
  shown.job = job;
  render(job);
  if (changed) refreshDeliveries();
}

function stopFollowing() {
  if (!shown) return;
  shown.following.abort();
  clearTimeout(shown.deliveryTimer);
}

async function follow(current) {
  try {
    for await (const { job } of client().jobs.events(current.job.id, { signal: current.following.signal })) {
      if (shown !== current) return;
      onUpdate(job);
      updateShownJob(job);
    }
  } catch (error) {
    if (current.following.signal.aborted) return;
    showError(error, "The job's event stream broke off.");
  }
}

/** `POST /v1/jobs/{id}/cancel`; the canceled job comes back and is shown at once. */
export async function cancelJob(id) {
  try {
    const job = await client().jobs.cancel(id);
    onUpdate(job);
    updateShownJob(job);
  } catch (error) {
    // 409: it became terminal meanwhile; the problem carries the job as it is.
    if (error.problem?.job) {
      onUpdate(error.problem.job);
      updateShownJob(error.problem.job);
    }
    showError(error, "The cancel did not reach the gateway.");
  }
}

function render(job) {
  byId("job").hidden = false;
  byId("job-id").textContent = job.id;
  const status = byId("job-status");
  status.textContent = job.status;
  status.dataset.status = job.status;
  byId("job-provider").textContent = [job.model, job.provider ? `via ${job.provider}` : null, `created ${formatTime(job.created_at)}`].filter(Boolean).join(" · ");
  byId("job-cancel").hidden = isTerminal(job.status);
  byId("job-progress").value = job.status === "completed" ? 100 : (job.progress ?? 0);
  byId("job-usage").textContent = formatUsage(job.usage);
  byId("job-attempts").replaceChildren(
    ...job.attempts.map((attempt) => {
      const upstream = attempt.upstream_status ? ` (${attempt.upstream_status})` : "";
      const error = attempt.error ? ` — ${attempt.error.code}: ${attempt.error.message}` : "";
      return element("li", {}, `${attempt.provider}: ${attempt.status}${upstream}${error}`);
    }),
  );
  const jobError = byId("job-error");
  jobError.hidden = !job.error;
  jobError.textContent = job.error ? `${job.error.code}: ${job.error.message}` : "";

  // Rebuilt only when the outputs change: a video would otherwise restart on every update.
  const outputsKey = `${job.id}:${job.outputs.map((output) => output.sha256).join(",")}`;
  if (shown.outputsKey !== outputsKey) {
    shown.outputsKey = outputsKey;
    byId("result").replaceChildren(...(job.outputs.length > 0 ? [renderOutputs(job)] : []));
  }
}

async function refreshDeliveries() {
  const current = shown;
  clearTimeout(current.deliveryTimer);
  const list = byId("deliveries");
  try {
    const deliveries = await listDeliveries(current.job.id, current.following.signal);
    if (shown !== current) return;
    list.replaceChildren(...(deliveries.length > 0 ? deliveries.map(deliveryItem) : [element("li", { class: "hint" }, "None — the job was created without a webhook, or has sent no event yet.")]));
    // A pending delivery (or a terminal job whose event may not be queued yet) is worth another look.
    if (deliveries.some((delivery) => delivery.state === "pending")) current.deliveryTimer = setTimeout(refreshDeliveries, deliveryPollMs);
  } catch (error) {
    if (current.following.signal.aborted) return;
    list.replaceChildren(element("li", { class: "error" }, `Could not read the deliveries: ${error.message}`));
  }
}

function deliveryItem(delivery) {
  const last = delivery.attempts.at(-1);
  const lastText = last ? ` · last attempt ${formatTime(last.at)}: ${last.status ?? "no answer"} ${last.outcome}${last.error ? ` (${last.error})` : ""}` : "";
  const next = delivery.next_attempt_at ? ` · next ${formatTime(delivery.next_attempt_at)}` : "";
  return element(
    "li",
    { "data-state": delivery.state },
    element("code", {}, delivery.type),
    ` ${delivery.state} · ${delivery.attempts.length} attempt${delivery.attempts.length === 1 ? "" : "s"}${lastText}${next}`,
  );
}
