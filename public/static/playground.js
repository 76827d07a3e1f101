/**
 * The playground (/): submit a job, follow it live, show the result and any problem.
 *
 * Plain JavaScript and the gateway's public API only — the same calls a client makes.
 * Validation is the gateway's: the form sends what you typed and shows the problem
 * document's field errors next to the fields, so the page cannot disagree with the API.
 */
"use strict";

const developmentKey = "wan-edge-dev-key";
const terminalStatuses = new Set(["completed", "failed", "canceled"]);

const byId = (id) => document.getElementById(id);
const form = byId("job-form");
const keyInput = byId("api-key");
const modelSelect = byId("model");

/** The job being followed; aborting it stops its event stream. */
let following = null;

// ---- Setup -------------------------------------------------------------------------------

async function prefillDevelopmentKey() {
  try {
    const health = await (await fetch("/healthz")).json();
    // Only a development gateway has the documented dev key; never prefill it elsewhere.
    if (health.environment === "development" && keyInput.value === "") {
      keyInput.value = developmentKey;
      byId("api-key-hint").textContent = "Local development: filled in with the dev tenant's key (wan-edge-dev-key).";
    }
  } catch {
    // Without /healthz the key is simply not prefilled.
  }
}

function showModelFields() {
  const video = modelSelect.value === "wan2.7-i2v";
  byId("i2v-fields").hidden = !video;
  byId("image-fields").hidden = video;
}

// ---- Requests ----------------------------------------------------------------------------

function authorization() {
  return { authorization: `Bearer ${keyInput.value.trim()}` };
}

/** Adds `name: value` to `target` unless the field is empty (the gateway fills defaults). */
function setIfPresent(target, name, value, asNumber = false) {
  const text = value.trim();
  if (text === "") return;
  target[name] = asNumber && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

function requestBody() {
  const model = modelSelect.value;
  const input = {};
  setIfPresent(input, "prompt", byId("prompt").value);
  if (model === "wan2.7-i2v") {
    setIfPresent(input, "first_frame", byId("first-frame").value);
    setIfPresent(input, "duration", byId("duration").value, true);
    setIfPresent(input, "resolution", byId("resolution").value);
  } else {
    setIfPresent(input, "size", byId("size").value);
    setIfPresent(input, "n", byId("count").value, true);
  }
  return { model, input };
}

async function submitJob(event) {
  event.preventDefault();
  clearProblem();
  following?.abort();
  const button = byId("submit");
  button.disabled = true;
  try {
    const response = await fetch("/v1/jobs", {
      method: "POST",
      // A fresh key per submission: a retried request can never create a second job.
      headers: { ...authorization(), "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
      body: JSON.stringify(requestBody()),
    });
    if (!response.ok) return showProblem(response);
    const job = await response.json();
    renderJob(job);
    following = new AbortController();
    await followJob(job, following.signal);
  } catch (error) {
    if (error.name !== "AbortError") showLocalProblem("The request did not reach the gateway.", String(error));
  } finally {
    button.disabled = false;
  }
}

async function uploadFirstFrame() {
  const file = byId("first-frame-file").files[0];
  const status = byId("upload-status");
  if (!file) return;
  clearProblem();
  status.textContent = `Uploading ${file.name}…`;
  const response = await fetch("/v1/uploads", {
    method: "POST",
    headers: { ...authorization(), "content-type": file.type || "application/octet-stream" },
    body: file,
  });
  if (!response.ok) {
    status.textContent = "";
    return showProblem(response);
  }
  const upload = await response.json();
  byId("first-frame").value = upload.url;
  status.textContent = `Uploaded ${file.name} (${formatBytes(upload.bytes)}); its URL is the first frame.`;
}

// ---- Following a job ---------------------------------------------------------------------

/**
 * Reads `GET /v1/jobs/{id}/events` until the job is terminal. EventSource cannot send an
 * Authorization header (and a key in the URL would end up in logs), so the Server-Sent
 * Events are read from a `fetch` response body, which can carry the header. A dropped
 * stream is reopened: the gateway sends the current state first.
 */
async function followJob(job, signal) {
  let current = job;
  while (!terminalStatuses.has(current.status)) {
    try {
      const response = await fetch(`/v1/jobs/${encodeURIComponent(current.id)}/events`, { headers: authorization(), signal });
      if (!response.ok) return showProblem(response);
      for await (const message of serverSentEvents(response.body, signal)) {
        if (message.event !== "job") continue;
        current = JSON.parse(message.data);
        renderJob(current);
      }
    } catch (error) {
      if (signal.aborted) return;
      console.warn("event stream interrupted", error);
    }
    if (!terminalStatuses.has(current.status)) await delay(1000, signal);
  }
}

/** Yields `{event, data}` for each message of an SSE body (comments and `retry:` skipped). */
async function* serverSentEvents(body, signal) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener("abort", () => reader.cancel().catch(() => {}), { once: true });
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const blocks = buffer.split(/\r?\n\r?\n/);
    buffer = blocks.pop();
    for (const block of blocks) {
      let event = "message";
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length > 0) yield { event, data: data.join("\n") };
    }
  }
}

function delay(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}

// ---- Rendering ---------------------------------------------------------------------------

function renderJob(job) {
  byId("job").hidden = false;
  byId("job-id").textContent = job.id;
  const status = byId("job-status");
  status.textContent = job.status;
  status.dataset.status = job.status;
  byId("job-provider").textContent = job.provider ? `via ${job.provider}` : "";
  byId("job-progress").value = job.status === "completed" ? 100 : (job.progress ?? 0);

  const attempts = byId("job-attempts");
  attempts.replaceChildren(
    ...job.attempts.map((attempt) => {
      const item = document.createElement("li");
      const error = attempt.error ? ` — ${attempt.error.code}: ${attempt.error.message}` : "";
      item.textContent = `${attempt.provider}: ${attempt.status}${attempt.upstream_status ? ` (${attempt.upstream_status})` : ""}${error}`;
      return item;
    }),
  );

  const jobError = byId("job-error");
  jobError.hidden = !job.error;
  jobError.textContent = job.error ? `${job.error.code}: ${job.error.message}` : "";

  const result = byId("result");
  if (job.status !== "completed") return result.replaceChildren();
  result.replaceChildren(...job.outputs.map((output) => renderOutput(output, job.outputs.length)));
}

function renderOutput(output, count) {
  const figure = document.createElement("figure");
  const name = count > 1 ? ` ${output.index + 1}` : "";
  let media;
  if (output.content_type.startsWith("video/")) {
    media = document.createElement("video");
    media.controls = true;
    media.playsInline = true;
    media.setAttribute("aria-label", `Generated video${name}`);
  } else {
    media = document.createElement("img");
    media.alt = `Generated image${name}`;
  }
  media.src = output.url;
  const caption = document.createElement("figcaption");
  const link = document.createElement("a");
  link.href = output.url;
  link.textContent = "Permanent link";
  caption.append(link, ` · ${output.content_type} · ${formatBytes(output.bytes)} · sha256 ${output.sha256.slice(0, 12)}…`);
  figure.append(media, caption);
  return figure;
}

/** Shows a problem+json response: title, detail, and each field error next to its field. */
async function showProblem(response) {
  const requestId = response.headers.get("x-request-id");
  let problem;
  try {
    problem = await response.json();
  } catch {
    problem = { title: `HTTP ${response.status}`, detail: "The gateway answered without a problem document." };
  }
  byId("problem").hidden = false;
  byId("problem-title").textContent = `${problem.title ?? "Error"} (${response.status}${problem.code ? ` ${problem.code}` : ""})`;
  byId("problem-detail").textContent = problem.detail ?? "";
  const list = byId("problem-errors");
  list.replaceChildren(
    ...(problem.errors ?? []).map((fieldError) => {
      const item = document.createElement("li");
      const path = document.createElement("code");
      path.textContent = fieldError.path;
      item.append(path, ` ${fieldError.message}`);
      markField(fieldError);
      return item;
    }),
  );
  byId("problem-meta").textContent = requestId ? `Request id ${requestId}` : "";
}

function showLocalProblem(title, detail) {
  byId("problem").hidden = false;
  byId("problem-title").textContent = title;
  byId("problem-detail").textContent = detail;
  byId("problem-errors").replaceChildren();
  byId("problem-meta").textContent = "";
}

/** Marks the field whose `data-path` is the error's path, with the message beside it. */
function markField({ path, message }) {
  const field = document.querySelector(`[data-path="${CSS.escape(path)}"]`);
  if (!field) return;
  const note = document.createElement("p");
  note.className = "field-error";
  note.id = `${field.id}-error`;
  note.textContent = message;
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", note.id);
  field.after(note);
}

function clearProblem() {
  byId("problem").hidden = true;
  for (const note of document.querySelectorAll(".field-error")) note.remove();
  for (const field of document.querySelectorAll("[aria-invalid]")) {
    field.removeAttribute("aria-invalid");
    field.removeAttribute("aria-describedby");
  }
}

function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

modelSelect.addEventListener("change", showModelFields);
byId("first-frame-file").addEventListener("change", () => uploadFirstFrame().catch((error) => showLocalProblem("The upload failed.", String(error))));
form.addEventListener("submit", submitJob);
showModelFields();
prefillDevelopmentKey();
