/**
 * @module playground/jobs-panel — your jobs (`GET /v1/jobs`, newest first, paged by cursor):
 * status, provider, cost, outputs, and a cancel button on each job that is not terminal.
 *
 * Live without a stream per row: the page shown is read again every few seconds while the
 * tab is visible (one small request to the tenant's index), and the selected job's own
 * event stream (job-detail) pushes its changes here as they happen. Rows are keyed by job id
 * and rebuilt only when the job changed, so a button is not replaced under the pointer.
 */
import { byId, describeOutput, element, formatTime, formatUsage } from "./dom.js";
import { apiKey, client, isTerminal } from "./gateway.js";

const pageSize = 10;
const pollMs = 5000;

const list = byId("jobs-list");
const note = byId("jobs-note");
const rows = new Map(); // job id → { job, item }
/** Cursors of the pages before this one (for "Newer"), and the one this page was read with. */
let previousCursors = [];
let cursor = null;
let nextCursor = null;
let callbacks = { onSelect: () => {}, onCancel: () => {}, onChange: () => {} };
let timer = null;
let reading = null;

export function setUpJobsPanel(options) {
  callbacks = options;
  byId("jobs-refresh").addEventListener("click", () => refreshJobs());
  byId("jobs-status").addEventListener("change", () => firstPage());
  byId("jobs-older").addEventListener("click", () => {
    previousCursors.push(cursor);
    cursor = nextCursor;
    refreshJobs();
  });
  byId("jobs-newer").addEventListener("click", () => {
    cursor = previousCursors.pop() ?? null;
    refreshJobs();
  });
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && refreshJobs());
}

/** Back to the newest jobs (after a submit, a new key, another status filter). */
export function firstPage() {
  previousCursors = [];
  cursor = null;
  return refreshJobs();
}

/** Reads the current page again; schedules the next read. */
export async function refreshJobs() {
  clearTimeout(timer);
  reading?.abort();
  if (apiKey() === "") {
    // Nothing to poll for until there is a key (its change event starts the panel again).
    renderPage([]);
    note.textContent = "Enter an API key to see your jobs.";
    return;
  }
  const controller = new AbortController();
  reading = controller;
  try {
    const status = byId("jobs-status").value || undefined;
    const page = await client().jobs.list({ limit: pageSize, cursor: cursor ?? undefined, status, signal: controller.signal });
    nextCursor = page.next_cursor;
    renderPage(page.data);
    note.textContent = page.data.length === 0 ? (cursor ? "No older jobs." : "No jobs yet: generate one.") : "";
  } catch (error) {
    if (controller.signal.aborted) return;
    note.textContent = `Could not list the jobs: ${error.message}`;
  } finally {
    if (reading === controller) {
      reading = null;
      timer = setTimeout(() => document.visibilityState === "visible" && refreshJobs(), pollMs);
    }
  }
}

/** A newer state of one job (its event stream, a cancel): its row, if it is on this page. */
export function updateJobRow(job) {
  const row = rows.get(job.id);
  if (!row || job.sequence < row.job.sequence) return;
  if (job.sequence !== row.job.sequence) fillRow(row, job);
}

function renderPage(jobs) {
  const items = jobs.map((job) => {
    const row = rows.get(job.id) ?? { job: null, item: element("li", { class: "job-row", "data-job-id": job.id }) };
    if (!row.job || row.job.sequence !== job.sequence) {
      fillRow(row, job);
      callbacks.onChange(job);
    }
    rows.set(job.id, row);
    return row.item;
  });
  const kept = new Set(jobs.map((job) => job.id));
  for (const id of rows.keys()) if (!kept.has(id)) rows.delete(id);
  // replaceChildren moves existing nodes rather than recreating them.
  list.replaceChildren(...items);
  byId("jobs-newer").disabled = previousCursors.length === 0 && cursor === null;
  byId("jobs-older").disabled = nextCursor === null;
}

function fillRow(row, job) {
  row.job = job;
  const select = element("button", { type: "button", class: "link job-select", "aria-label": `Show ${job.id}` }, element("code", {}, job.id));
  select.addEventListener("click", () => callbacks.onSelect(job.id));
  const status = element("strong", { class: "job-status", "data-status": job.status }, job.status);
  const progress = !isTerminal(job.status) && job.progress ? ` ${job.progress}%` : "";
  const facts = [job.model, job.provider ? `via ${job.provider}` : null, formatTime(job.created_at)].filter(Boolean).join(" · ");
  const outputs = job.outputs.length > 0
    ? element("span", { class: "job-outputs" }, ...job.outputs.flatMap((output, index) => [index > 0 ? ", " : "", element("a", { href: output.url, target: "_blank", rel: "noopener" }, describeOutput(output))]))
    : null;
  const cancel = isTerminal(job.status) ? null : element("button", { type: "button", class: "secondary small danger", "aria-label": `Cancel ${job.id}` }, "Cancel");
  cancel?.addEventListener("click", () => {
    cancel.disabled = true;
    callbacks.onCancel(job.id);
  });
  const parts = [
    element("div", { class: "job-line" }, select, status, progress, cancel),
    element("div", { class: "hint" }, facts),
    element("div", { class: "hint job-cost" }, formatUsage(job.usage)),
    outputs,
  ];
  row.item.replaceChildren(...parts.filter(Boolean));
}
