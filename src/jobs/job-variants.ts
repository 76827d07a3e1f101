/**
 * @module jobs/job-variants — thumbnails and posters of a completed job's outputs.
 *
 * - Every image output gets a WebP thumbnail, at most 512 px on its long side, made by
 *   Cloudflare's Images binding from the stored output.
 * - Every video output of a first-frame (or first+last-frame) job gets a poster: the job's
 *   first frame — by the model's definition the video's first frame — stored whole in R2
 *   beside the output, and a thumbnail of it. A first frame among the gateway's own media
 *   (an upload) is read from R2; any other URL is fetched under the same rules as every
 *   fetch the gateway makes (media/url-policy), its redirects included.
 *
 * Made after `completed`, never delaying it; each variant that fails is left out (recorded
 * in the event log), never a failure of the job.
 */
import type { Config, Env } from "../env";
import { upstreamFetch } from "../env";
import { copyToR2 } from "../media/copy-to-r2";
import { checkMediaLink, mediaKeyOfUrl } from "../media/media-links";
import { extensionOf, kindOf } from "../media/signatures";
import { streamToR2 } from "../media/stream-to-r2";
import { fetchableUrlProblem } from "../media/url-policy";
import { mediaMetadataOf } from "./job-copy";
import type { JobOutput, JobRecord, OutputVariants } from "./job-types";
import { videoInput } from "./job-types";

/** The long side of a thumbnail, in pixels. */
export const thumbnailSide = 512;
/** The largest first frame copied as a poster (the providers' own limit for input images). */
const posterMaxBytes = 20 * 1024 * 1024;

export interface VariantDeps {
  env: Env;
  config: Config;
  now: () => number;
}

interface Made {
  variants: OutputVariants[];
  /** What was written, for the tenant's storage count. */
  stored: Array<{ key: string; bytes: number }>;
  /** Why a variant is missing, per output (for the event log). */
  failures: Array<{ index: number; variant: "thumbnail" | "poster"; reason: string }>;
}

class VariantFailure extends Error {}

/** `outputs/{job}/{token}/{index}.{ext}` → `outputs/{job}/{token}/{index}.{suffix}`. */
function siblingKey(output: JobOutput, suffix: string): string {
  return `${output.key.slice(0, output.key.lastIndexOf("/") + 1)}${output.index}.${suffix}`;
}

/** The target size of a thumbnail: the long side down to 512 px, never enlarged. */
export function thumbnailTransform(width: number, height: number): ImageTransform {
  if (Math.max(width, height) <= thumbnailSide) return {};
  return width >= height ? { width: thumbnailSide, fit: "scale-down" } : { height: thumbnailSide, fit: "scale-down" };
}

/** Stores a WebP thumbnail of the image at `sourceKey` under `key`. */
async function thumbnail(deps: VariantDeps, job: JobRecord, sourceKey: string, size: { width?: number; height?: number }, key: string): Promise<{ key: string; bytes: number }> {
  const images = deps.env.IMAGES;
  if (!images) throw new VariantFailure("no Images binding is configured");
  let { width, height } = size;
  if (width === undefined || height === undefined) {
    const source = await deps.env.MEDIA.get(sourceKey);
    if (!source) throw new VariantFailure("the source image is gone");
    const info = await images.info(source.body);
    if (!("width" in info)) throw new VariantFailure(`cannot thumbnail ${info.format}`);
    ({ width, height } = info);
  }
  const source = await deps.env.MEDIA.get(sourceKey);
  if (!source) throw new VariantFailure("the source image is gone");
  const result = await images.input(source.body).transform(thumbnailTransform(width, height)).output({ format: "image/webp" });
  // A ≤ 512 px WebP is small (tens of KB): read whole, so R2 gets its length.
  const bytes = await new Response(result.image()).arrayBuffer();
  await deps.env.MEDIA.put(key, bytes, { httpMetadata: { contentType: "image/webp" }, customMetadata: mediaMetadataOf(job) });
  return { key, bytes: bytes.byteLength };
}

/** Copies the job's first frame into R2 beside `output`; returns its key and size. */
async function poster(deps: VariantDeps, job: JobRecord, output: JobOutput, url: string): Promise<{ key: string; bytes: number; width?: number; height?: number }> {
  const keyFor = (contentType: string) => siblingKey(output, `poster.${extensionOf(contentType)}`);
  const common = { bucket: deps.env.MEDIA, maxBytes: posterMaxBytes, keyFor, customMetadata: mediaMetadataOf(job) };
  const ownKey = mediaKeyOfUrl(url, deps.config.publicBaseUrl);
  if (ownKey !== null) {
    // One of the gateway's own objects: read from R2 — a private one only with a link still valid.
    const source = await deps.env.MEDIA.get(ownKey);
    if (!source) throw new VariantFailure("the first frame is no longer stored");
    if (source.customMetadata?.access === "private" && !(await checkMediaLink(ownKey, new URL(url).searchParams, deps.config.serverSecret, deps.now())).ok) {
      await source.body.cancel();
      throw new VariantFailure("the first frame is a private link that is no longer valid");
    }
    const stored = await streamToR2({ ...common, body: source.body, length: source.size, accept: (type) => (type !== null && kindOf(type) === "image" ? type : null), wholeFile: true });
    if (!stored.ok) throw new VariantFailure(`the first frame could not be stored (${stored.failure.reason})`);
    return { key: stored.value.key, bytes: stored.value.bytes, ...stored.value.metadata };
  }
  const copied = await copyToR2({ ...common, fetch: upstreamFetch(deps.env), url, kind: "image", urlProblem: (candidate) => fetchableUrlProblem(candidate, deps.config) });
  if (!copied.ok) throw new VariantFailure(copied.error.message);
  return { key: copied.value.key, bytes: copied.value.bytes, ...copied.value.metadata };
}

async function attempt<T>(made: Made, index: number, variant: "thumbnail" | "poster", work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (thrown) {
    made.failures.push({ index, variant, reason: thrown instanceof VariantFailure ? thrown.message : thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : "failed" });
    return null;
  }
}

/**
 * Makes every variant the job's outputs lack. Never throws: what fails is left out.
 * @example const { variants } = await makeVariants(job, { env, config, now: Date.now })
 */
export async function makeVariants(job: JobRecord, deps: VariantDeps): Promise<Made> {
  const made: Made = { variants: [], stored: [], failures: [] };
  const firstFrame = videoInput(job)?.first_frame;
  for (const output of job.outputs) {
    const variants: OutputVariants = { index: output.index };
    if (output.content_type.startsWith("image/") && !output.thumbnail_key) {
      const stored = await attempt(made, output.index, "thumbnail", () => thumbnail(deps, job, output.key, output, siblingKey(output, "thumb.webp")));
      if (stored) {
        variants.thumbnail_key = stored.key;
        made.stored.push(stored);
      }
    } else if (output.content_type.startsWith("video/") && firstFrame && !output.poster_key) {
      const frame = await attempt(made, output.index, "poster", () => poster(deps, job, output, firstFrame));
      if (frame) {
        variants.poster_key = frame.key;
        made.stored.push(frame);
        const small = await attempt(made, output.index, "thumbnail", () => thumbnail(deps, job, frame.key, frame, siblingKey(output, "thumb.webp")));
        if (small) {
          variants.thumbnail_key = small.key;
          made.stored.push(small);
        }
      }
    }
    if (variants.thumbnail_key || variants.poster_key) made.variants.push(variants);
  }
  return made;
}
