/**
 * @module playground/dom — the few DOM and formatting helpers the playground's modules share.
 */

export const byId = (id) => document.getElementById(id);

/**
 * Creates an element: `element("a", { href, class: "x" }, "text", child)`. Attributes that are
 * `false`, `null` or `undefined` are left out; `true` sets an empty attribute.
 */
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** A job's cost as the API reports it: the estimate (when the provider has a price) and the billed attempts. */
export function formatUsage(usage) {
  const parts = [usage.estimated_cost_usd === null ? "cost unknown" : `$${Number(usage.estimated_cost_usd.toFixed(4))} estimated`];
  parts.push(`${usage.billed_attempts} billed attempt${usage.billed_attempts === 1 ? "" : "s"}`);
  if (usage.possibly_billed_attempts > 0) parts.push(`${usage.possibly_billed_attempts} possibly billed`);
  if (usage.billed_seconds !== null) parts.push(`${usage.billed_seconds} s billed`);
  if (usage.images !== null) parts.push(`${usage.images} image${usage.images === 1 ? "" : "s"}`);
  return parts.join(" · ");
}

/** "video 1280×720 5 s" / "image 1024×1024": what an output is, from the fields the API gives. */
export function describeOutput(output) {
  const kind = output.content_type.split("/")[0];
  const size = output.width && output.height ? ` ${output.width}×${output.height}` : "";
  const seconds = output.duration_seconds ? ` ${output.duration_seconds} s` : "";
  return `${kind}${size}${seconds}`;
}

/** Local time of an ISO timestamp, short: "14:03:12" today, else with the date. */
export function formatTime(iso) {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString();
}
