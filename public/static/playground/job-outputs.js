/**
 * @module playground/job-outputs — a job's outputs, at their natural aspect ratio.
 *
 * Nothing is stretched into a box: the media element gets the output's `width`/`height`
 * (from the job, when the gateway knows them) as attributes, which gives it its intrinsic
 * aspect ratio before a byte has loaded, and the stylesheet sizes it with `height: auto`
 * and `object-fit: contain`. Images are laid out as a grid, each at its own proportions.
 */
import { element, describeOutput, formatBytes } from "./dom.js";

/** The outputs of `job` as figures: one video, or a grid of images. */
export function renderOutputs(job) {
  const many = job.outputs.length > 1;
  const figures = job.outputs.map((output) => outputFigure(output, many));
  const images = job.outputs.every((output) => output.content_type.startsWith("image/"));
  return images ? element("div", { class: "image-grid", role: "group", "aria-label": "Generated images" }, ...figures) : element("div", { class: "videos" }, ...figures);
}

function outputFigure(output, many) {
  const name = many ? ` ${output.index + 1}` : "";
  const media = output.content_type.startsWith("video/")
    ? element("video", { controls: true, playsinline: true, preload: "metadata", "aria-label": `Generated video${name}` })
    : element("img", { alt: `Generated image${name}` });
  if (output.width && output.height) {
    media.width = output.width;
    media.height = output.height;
    media.style.aspectRatio = `${output.width} / ${output.height}`;
  }
  media.src = output.url;
  const link = element("a", { href: output.url, target: "_blank", rel: "noopener" }, "Permanent link");
  const caption = element("figcaption", {}, link, ` · ${describeOutput(output)} · ${formatBytes(output.bytes)} · sha256 ${output.sha256.slice(0, 12)}…`);
  return element("figure", {}, media, caption);
}
