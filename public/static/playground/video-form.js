/**
 * @module playground/video-form — the `wan2.7-i2v` part of the form.
 *
 * The materials are one choice among the six combinations the schema accepts
 * (src/models/i2v.ts: first frame, + driving audio, + last frame, both, a clip to continue,
 * a clip + last frame); only the fields of the chosen one are shown and sent. The request
 * names its `mode` too, so an empty required field is reported as such ("required in mode
 * first_last_frame") instead of quietly becoming another mode.
 */
import { byId } from "./dom.js";
import { mediaField } from "./media-field.js";

const materials = new Map();

/** The mode a combination implies — the same rule as `inferMode` in src/models/i2v.ts. */
function modeOf(combination) {
  if (combination.includes("first_clip")) return "video_continuation";
  return combination.includes("last_frame") ? "first_last_frame" : "first_frame";
}

const combination = () => document.querySelector('input[name="combination"]:checked').value.split("+");

function showMaterials() {
  const chosen = combination();
  for (const [name, { container }] of materials) container.hidden = !chosen.includes(name);
}

export function setUpVideoForm() {
  for (const container of document.querySelectorAll("#i2v-fields .material")) {
    const name = container.dataset.material;
    const field = mediaField(container, {
      id: name.replace(/_/g, "-"),
      path: `input.${name}`,
      label: `${container.dataset.label} URL`,
      uploadLabel: container.dataset.uploadLabel,
      accept: container.dataset.accept,
      placeholder: container.dataset.placeholder,
      hint: container.dataset.hint,
    });
    materials.set(name, { container, field });
  }
  for (const radio of document.querySelectorAll('input[name="combination"]')) radio.addEventListener("change", showMaterials);
  showMaterials();
}

/** Adds `name: value` unless the field is empty (the gateway fills defaults); numbers stay numbers when they look like one. */
export function setIfPresent(target, name, value, asNumber = false) {
  const text = value.trim();
  if (text === "") return;
  target[name] = asNumber && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** The `input` of a wan2.7-i2v request from the form. */
export function videoInput() {
  const input = {};
  setIfPresent(input, "prompt", byId("prompt").value);
  setIfPresent(input, "negative_prompt", byId("negative-prompt").value);
  const chosen = combination();
  input.mode = modeOf(chosen);
  for (const name of chosen) setIfPresent(input, name, materials.get(name).field.value());
  setIfPresent(input, "duration", byId("duration").value, true);
  setIfPresent(input, "resolution", byId("resolution").value);
  if (byId("prompt-extend").checked) input.prompt_extend = true;
  return input;
}
