/**
 * @module playground/problems — shows what went wrong: the gateway's problem document (title,
 * detail, each field error next to its field, the providers a request excluded) or a local error.
 *
 * Validation is the gateway's: the page sends what was entered and shows the problem's field
 * errors, so it cannot disagree with the API. A field declares the JSON path it stands for in
 * `data-path` (`input.duration`, `input.images[2]`, `input.color_palette[0].hex`).
 */
import { byId, element } from "./dom.js";
import { WanEdgeError } from "./gateway.js";

/** Shows `error`: a `WanEdgeError` with its problem document, or anything else as a local failure. */
export function showError(error, fallbackTitle = "The request did not reach the gateway.") {
  if (!(error instanceof WanEdgeError)) return showLocalProblem(fallbackTitle, String(error?.message ?? error));
  const problem = error.problem ?? { title: `HTTP ${error.status}`, detail: error.message };
  byId("problem").hidden = false;
  byId("problem-title").textContent = `${problem.title ?? "Error"} (${error.status}${problem.code ? ` ${problem.code}` : ""})`;
  byId("problem-detail").textContent = problem.detail ?? "";
  const fieldItems = (problem.errors ?? []).map((fieldError) => {
    markField(fieldError);
    return element("li", {}, element("code", {}, fieldError.path), ` ${fieldError.message}`);
  });
  // unsupported / no_provider: why each provider was left out.
  const excludedItems = (problem.excluded ?? []).map(({ provider, reason }) => element("li", {}, element("code", {}, provider), ` excluded: ${reason}`));
  byId("problem-errors").replaceChildren(...fieldItems, ...excludedItems);
  const retry = error.retryAfter !== null ? ` · retry after ${error.retryAfter} s` : "";
  byId("problem-meta").textContent = error.requestId ? `Request id ${error.requestId}${retry}` : retry.slice(3);
}

export function showLocalProblem(title, detail) {
  byId("problem").hidden = false;
  byId("problem-title").textContent = title;
  byId("problem-detail").textContent = detail;
  byId("problem-errors").replaceChildren();
  byId("problem-meta").textContent = "";
}

/**
 * Puts the message beside the element whose `data-path` is the error's path (an input gets
 * `aria-invalid` and a description; a group such as the palette gets the note inside). An
 * error on a field the page shows no element for stays in the problem's list only.
 */
function markField({ path, message }) {
  const field = document.querySelector(`[data-path="${CSS.escape(path)}"]`);
  if (!field) return;
  const group = field.tagName === "FIELDSET";
  const note = element("p", { class: "field-error", id: `${field.id || pathId(path)}-error` }, message);
  if (!field.id) field.id = pathId(path);
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", note.id);
  if (group) field.append(note);
  else field.after(note);
}

/** An element id for a path without one: `input.images[2]` → `path-input-images-2`. */
const pathId = (path) => `path-${path.replace(/[^A-Za-z0-9]+/g, "-").replace(/-$/, "")}`;

export function clearProblem() {
  byId("problem").hidden = true;
  for (const note of document.querySelectorAll(".field-error")) note.remove();
  for (const field of document.querySelectorAll("[aria-invalid]")) {
    field.removeAttribute("aria-invalid");
    field.removeAttribute("aria-describedby");
  }
}
