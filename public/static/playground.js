/**
 * @module playground — the page at `/`: build a request for either model, submit it, follow
 * the job live, and browse (and cancel) your jobs.
 *
 * An ES module on the gateway's public API through the typed client (`wan-edge/client`,
 * bundled into /static/vendor). The parts live in ./playground/: the two model forms, the
 * media fields (URL or upload), the problem display, the selected job and the jobs panel.
 * No inline script anywhere: the page's Content-Security-Policy allows only these files.
 */
import { byId, element } from "./playground/dom.js";
import { apiKey, client, listModels, prefillDevelopmentKey } from "./playground/gateway.js";
import { imageInput, setUpImageForm } from "./playground/image-form.js";
import { cancelJob, setUpJobDetail, showJob, shownJobId, updateShownJob } from "./playground/job-detail.js";
import { firstPage, setUpJobsPanel, updateJobRow } from "./playground/jobs-panel.js";
import { clearProblem, showError } from "./playground/problems.js";
import { setIfPresent, setUpVideoForm, videoInput } from "./playground/video-form.js";

const modelSelect = byId("model");
let models = null; // GET /v1/models, once a key works

function showModelFields() {
  const video = modelSelect.value === "wan2.7-i2v";
  byId("i2v-fields").hidden = !video;
  byId("image-fields").hidden = video;
  fillProviders();
}

/** The provider choice for the selected model: auto, or one provider (unconfigured ones shown, not offered). */
function fillProviders() {
  const select = byId("provider");
  const chosen = select.value;
  const providers = models?.data.find((model) => model.id === modelSelect.value)?.providers ?? [];
  select.replaceChildren(
    element("option", { value: "auto" }, "auto — the gateway picks and fails over"),
    ...providers.map((provider) => element("option", { value: provider.id, disabled: !provider.configured }, `${provider.id} — ${provider.name}${provider.configured ? "" : " (not configured here)"}`)),
  );
  select.value = [...select.options].some((option) => option.value === chosen && !option.disabled) ? chosen : "auto";
}

async function loadModels() {
  try {
    models = apiKey() === "" ? null : await listModels();
  } catch {
    models = null; // no key yet, or a wrong one: only "auto" is offered
  }
  fillProviders();
}

function requestBody() {
  const model = modelSelect.value;
  const input = model === "wan2.7-i2v" ? videoInput() : imageInput();
  setIfPresent(input, "seed", byId("seed").value, true);
  if (byId("watermark").checked) input.watermark = true;
  const body = { model, input };
  if (byId("provider").value !== "auto") body.provider = byId("provider").value;
  const webhookUrl = byId("webhook-url").value.trim();
  if (webhookUrl !== "") {
    const events = [...document.querySelectorAll('input[name="webhook-event"]:checked')].map((box) => box.value);
    body.webhook = { url: webhookUrl, events };
  }
  return body;
}

async function submitJob(event) {
  event.preventDefault();
  clearProblem();
  const button = byId("submit");
  button.disabled = true;
  try {
    // A fresh key per submission: a retried request can never create a second job.
    const job = await client().jobs.create(requestBody(), { idempotencyKey: crypto.randomUUID() });
    showJob(job);
    firstPage();
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
  }
}

async function selectJob(id) {
  if (shownJobId() === id) return;
  clearProblem();
  try {
    showJob(await client().jobs.get(id));
  } catch (error) {
    showError(error);
  }
}

setUpVideoForm();
setUpImageForm();
setUpJobDetail({ onUpdate: updateJobRow });
// A newer state the panel reads (its polling) reaches the selected job too, and the other way round.
setUpJobsPanel({ onSelect: selectJob, onCancel: cancelJob, onChange: updateShownJob });
modelSelect.addEventListener("change", showModelFields);
byId("job-form").addEventListener("submit", submitJob);
byId("api-key").addEventListener("change", () => {
  loadModels();
  firstPage();
});
showModelFields();
await prefillDevelopmentKey();
loadModels();
firstPage();
