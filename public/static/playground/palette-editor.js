/**
 * @module playground/palette-editor — `color_palette`: 3–10 colours, each with its share.
 *
 * The schema wants `{hex: "#RRGGBB", ratio: "25.00%"}` with shares summing to exactly 100.00%
 * (src/models/image-pro.ts). A colour picker always yields `#rrggbb`; a share is entered as a
 * number and sent with two decimals and a percent sign. Whether the shares add up is the
 * gateway's to say (its message lands on the palette); "Share evenly" makes them add up.
 */
import { byId, element } from "./dom.js";

const limits = { min: 3, max: 10 };
const starterColours = ["#1b2a41", "#f2c14e", "#e4572e", "#76b041", "#17bebb", "#7b2cbf", "#ff9f1c", "#2ec4b6", "#e71d36", "#011627"];

const list = byId("palette-entries");
const toggle = byId("use-palette");

function entries() {
  return [...list.children];
}

/** Renumbers labels and `data-path`s after a removal, so errors land on the right row. */
function renumber() {
  entries().forEach((item, index) => {
    const [colour, share] = item.querySelectorAll("input");
    colour.dataset.path = `input.color_palette[${index}].hex`;
    share.dataset.path = `input.color_palette[${index}].ratio`;
    colour.setAttribute("aria-label", `Colour ${index + 1}`);
    share.setAttribute("aria-label", `Share of colour ${index + 1} (%)`);
    item.querySelector("button").setAttribute("aria-label", `Remove colour ${index + 1}`);
  });
  const count = entries().length;
  byId("palette-add").disabled = !toggle.checked || count >= limits.max;
  for (const button of list.querySelectorAll("button")) button.disabled = !toggle.checked || count <= limits.min;
}

function addEntry(hex) {
  const colour = element("input", { type: "color", value: hex });
  const share = element("input", { type: "number", min: "0", max: "100", step: "0.01", inputmode: "decimal", class: "share" });
  const remove = element("button", { type: "button", class: "secondary small" }, "×");
  const item = element("li", {}, colour, share, element("span", { class: "hint" }, "%"), remove);
  remove.addEventListener("click", () => {
    item.remove();
    renumber();
  });
  list.append(item);
  renumber();
}

/** Splits 100.00% over the colours in hundredths, the remainder to the first ones, so the sum is exact. */
function shareEvenly() {
  const items = entries();
  const base = Math.floor(10_000 / items.length);
  let remainder = 10_000 - base * items.length;
  for (const item of items) {
    const hundredths = base + (remainder-- > 0 ? 1 : 0);
    item.querySelector(".share").value = (hundredths / 100).toFixed(2);
  }
}

/** Enables or disables the whole editor (the checkbox, or an image set, which excludes palettes). */
export function syncPalette() {
  for (const input of list.querySelectorAll("input")) input.disabled = !toggle.checked;
  byId("palette-even").disabled = !toggle.checked;
  renumber();
}

export function setUpPaletteEditor() {
  for (const hex of starterColours.slice(0, limits.min)) addEntry(hex);
  shareEvenly();
  byId("palette-add").addEventListener("click", () => addEntry(starterColours[entries().length % starterColours.length]));
  byId("palette-even").addEventListener("click", shareEvenly);
  toggle.addEventListener("change", syncPalette);
  syncPalette();
}

/** The `color_palette` to send, or undefined when the palette is off. */
export function paletteValue() {
  if (!toggle.checked || toggle.disabled) return undefined;
  return entries().map((item) => {
    const [colour, share] = item.querySelectorAll("input");
    const number = share.value.trim();
    // An empty or odd share is sent as typed, so the gateway's message names this row.
    return { hex: colour.value, ratio: /^\d+(\.\d+)?$/.test(number) ? `${Number(number).toFixed(2)}%` : number };
  });
}
