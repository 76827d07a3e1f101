/**
 * @module playground/image-form — the `wan2.7-image-pro` part of the form.
 *
 * Offers what src/models/image-pro.ts accepts: `n` up to 4 variants, or up to 12 as an image
 * set (`enable_sequential`, which excludes `thinking_mode` and `color_palette`, so those are
 * switched off with it); a size tier or `W*H`, where 4K is offered only for text-to-image
 * without a set; a palette; up to 9 input images (URL or upload) to edit. Limits the
 * schema states in terms of pixels (a `W*H` above 2048*2048 is 4K output) are shown as a hint
 * and left to the gateway to enforce.
 */
import { byId, element } from "./dom.js";
import { mediaField } from "./media-field.js";
import { paletteValue, setUpPaletteEditor, syncPalette } from "./palette-editor.js";
import { setIfPresent } from "./video-form.js";

const maxInputImages = 9;
const imageList = byId("input-image-list");
let nextImageId = 1;

const sequential = byId("sequential");
const count = byId("count");
const size = byId("size");

function inputImageItems() {
  return [...imageList.children];
}

/** Keeps labels and `data-path`s in step with the list's order after a removal. */
function renumberImages() {
  inputImageItems().forEach((item, index) => {
    const [url, file] = item.querySelectorAll("input");
    url.dataset.path = `input.images[${index}]`;
    item.querySelector(`label[for="${url.id}"]`).textContent = `Input image ${index + 1} URL`;
    item.querySelector(`label[for="${file.id}"]`).textContent = `Or upload input image ${index + 1}`;
    item.querySelector("button.remove").textContent = `Remove input image ${index + 1}`;
  });
  byId("input-image-add").disabled = inputImageItems().length >= maxInputImages;
  syncImageRules();
}

function addInputImage() {
  const item = element("li", { class: "input-image" });
  mediaField(item, { id: `input-image-${nextImageId++}`, path: "", label: "", uploadLabel: "", accept: "image/png,image/jpeg,image/webp,image/bmp", placeholder: "https://…/photo.png" });
  const remove = element("button", { type: "button", class: "secondary small remove" });
  remove.addEventListener("click", () => {
    item.remove();
    renumberImages();
  });
  item.append(remove);
  imageList.append(item);
  renumberImages();
  item.querySelector('input[type="url"]').focus();
}

/** `W*H` from the custom fields, or the tier. */
function sizeValue() {
  if (size.value !== "custom") return size.value;
  return `${byId("width").value.trim()}*${byId("height").value.trim()}`;
}

/** Applies the cross-field rules to what is offered: n's range, 4K, thinking mode and palette with a set. */
function syncImageRules() {
  const set = sequential.checked;
  const editing = inputImageItems().length > 0;
  count.max = set ? "12" : "4";
  if (!set && Number(count.value) > 4) count.value = "4";
  byId("count-hint").textContent = set ? "Image set: 1–12 images that belong together." : "Independent variants: 1–4.";

  const fourK = size.querySelector('option[value="4K"]');
  fourK.disabled = set || editing;
  if (fourK.disabled && size.value === "4K") size.value = "2K";
  byId("custom-size").hidden = size.value !== "custom";
  const [width, height] = [Number(byId("width").value), Number(byId("height").value)];
  const fourKTier = size.value === "custom" && width * height > 2048 * 2048;
  byId("size-hint").textContent = fourK.disabled
    ? `4K is only for text-to-image without an image set${fourKTier ? `; ${width}×${height} is 4K output` : ""}.`
    : fourKTier ? `${width}×${height} is 4K output.` : "";

  const thinking = byId("thinking-mode");
  thinking.disabled = set;
  if (set) thinking.checked = false;
  const palette = byId("use-palette");
  palette.disabled = set;
  if (set) palette.checked = false;
  syncPalette();
}

export function setUpImageForm() {
  setUpPaletteEditor();
  byId("input-image-add").addEventListener("click", addInputImage);
  for (const control of [sequential, size, byId("width"), byId("height")]) {
    control.addEventListener("input", syncImageRules);
    control.addEventListener("change", syncImageRules);
  }
  syncImageRules();
}

/** The `input` of a wan2.7-image-pro request from the form. */
export function imageInput() {
  const input = {};
  // The prompt is required for images: sent even when empty, so the gateway's message sits beside it.
  input.prompt = byId("prompt").value.trim();
  setIfPresent(input, "n", count.value, true);
  input.size = sizeValue();
  if (sequential.checked) input.enable_sequential = true;
  if (byId("thinking-mode").checked) input.thinking_mode = true;
  const palette = paletteValue();
  if (palette) input.color_palette = palette;
  // Every listed image is sent, an empty one too: the error then names its row.
  const images = inputImageItems().map((item) => item.querySelector('input[type="url"]').value.trim());
  if (images.length > 0) input.images = images;
  return input;
}
