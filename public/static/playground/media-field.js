/**
 * @module playground/media-field — an input given by URL or by uploading a local file.
 *
 * The upload goes through the client's `uploads.create` (`POST /v1/uploads`); the permanent
 * `/media/uploads/…` URL it returns replaces the URL field's value, so what is sent is always
 * a URL, as the API takes it. The gateway checks the bytes (magic numbers) and the size.
 */
import { element, formatBytes } from "./dom.js";
import { client } from "./gateway.js";
import { clearProblem, showError } from "./problems.js";

/** Types by extension, for files the browser gives no type (some systems leave .bmp or .mov blank). */
const typesByExtension = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", webp: "image/webp", bmp: "image/bmp", mp3: "audio/mpeg", wav: "audio/wav", mp4: "video/mp4", mov: "video/quicktime" };

/**
 * Fills `container` with a URL field and an upload button.
 * @param {HTMLElement} container
 * @param {{ id: string, path: string, label: string, uploadLabel: string, accept: string, placeholder?: string, hint?: string }} options
 * @returns {{ value: () => string, input: HTMLInputElement }}
 */
export function mediaField(container, options) {
  const input = element("input", { id: options.id, type: "url", "data-path": options.path, placeholder: options.placeholder ?? "https://…", spellcheck: "false" });
  const file = element("input", { id: `${options.id}-file`, type: "file", accept: options.accept });
  const status = element("p", { class: "hint", id: `${options.id}-upload-status`, role: "status" }, options.hint ?? "");
  container.append(
    element("div", { class: "field" }, element("label", { for: input.id }, options.label), input),
    element("div", { class: "field upload" }, element("label", { for: file.id }, options.uploadLabel), file, status),
  );
  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    clearProblem();
    status.textContent = `Uploading ${chosen.name}…`;
    try {
      const contentType = chosen.type || typesByExtension[chosen.name.split(".").pop()?.toLowerCase() ?? ""] || "application/octet-stream";
      const upload = await client().uploads.create(chosen, { contentType });
      input.value = upload.url;
      status.textContent = `Uploaded ${chosen.name} (${formatBytes(upload.bytes)}); its permanent URL is above.`;
    } catch (error) {
      status.textContent = "";
      showError(error, "The upload failed.");
    } finally {
      file.value = ""; // the same file can be chosen again
    }
  });
  return { input, value: () => input.value.trim() };
}
