/**
 * @module media/download-name — the file name `?download=1` gives a media object.
 */

/**
 * The file name a download gets: `<job id>-<index>.<ext>` for an output (`-thumbnail`,
 * `-poster` for its variants), `<upload id>.<ext>` for an upload, else the key's last part.
 * @example downloadName("outputs/job_01…/k3y/0.mp4") // "job_01…-0.mp4"
 */
export function downloadName(key: string): string {
  const parts = key.split("/");
  const file = parts[parts.length - 1]!;
  const output = /^(\d+)(?:\.(thumb|poster))?\.(\w+)$/.exec(file);
  if (parts[0] === "outputs" && parts.length === 4 && output) {
    const suffix = output[2] === "thumb" ? "-thumbnail" : output[2] === "poster" ? "-poster" : "";
    return `${parts[1]}-${output[1]}${suffix}.${output[3]}`;
  }
  const upload = /^upload\.(\w+)$/.exec(file);
  if (parts[0] === "uploads" && parts.length === 4 && upload) return `upl_${parts[2]}.${upload[1]}`;
  return file.replace(/[^\w.-]/g, "_");
}
