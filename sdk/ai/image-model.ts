/**
 * @module sdk/ai/image-model — `wan2.7-image-pro` as an AI SDK image model (spec v3).
 *
 * One call is one job: `n` (≤ 4; the SDK splits larger requests), `size` `WxH` → `W*H`,
 * `seed`, and the input `files` (uploaded first when they are bytes) as `images` to edit.
 * An `aspectRatio` without a size becomes a W*H of about one megapixel in that ratio
 * (multiples of 16), which the gateway then validates like any size. Masks are not part
 * of Wan's editing. The spec returns image bytes, so each output is read from its
 * permanent link; the links themselves are in `providerMetadata["wan-edge"].images`.
 * Extra options in `providerOptions["wan-edge"]`: `thinking_mode`, `enable_sequential`,
 * `color_palette`, `watermark`, `provider`, `metadata`.
 */
import type { ImageModelV3, ImageModelV3CallOptions, SharedV3Warning } from "@ai-sdk/provider";
import type { ImageProJobRequest, WanEdgeClient } from "../client/index";
import { asSdkErrors, WanEdgeJobError } from "./errors";
import { fileUrl } from "./input-files";
import { outputBytes } from "./output-bytes";

type ImageProInput = ImageProJobRequest["input"];

export interface WanEdgeImageOptions {
  thinking_mode?: boolean;
  enable_sequential?: boolean;
  color_palette?: ImageProInput["color_palette"];
  watermark?: boolean;
  provider?: ImageProJobRequest["provider"];
  metadata?: Record<string, string>;
}

/** About one megapixel in `ratio` ("16:9"), both sides multiples of 16. */
export function sizeForAspectRatio(ratio: `${number}:${number}`): string {
  const [width, height] = ratio.split(":").map(Number) as [number, number];
  const scale = Math.sqrt((1024 * 1024) / (width * height));
  const side = (value: number) => Math.max(16, Math.round((value * scale) / 16) * 16);
  return `${side(width)}*${side(height)}`;
}

export class WanEdgeImageModel implements ImageModelV3 {
  readonly specificationVersion = "v3";
  readonly provider = "wan-edge";
  /** Four per job (twelve only in a sequential set, asked for through providerOptions with its own n). */
  readonly maxImagesPerCall = 4;

  constructor(
    readonly modelId: "wan2.7-image-pro",
    private readonly client: WanEdgeClient,
  ) {}

  async doGenerate(options: ImageModelV3CallOptions) {
    const warnings: SharedV3Warning[] = [];
    const extra = (options.providerOptions?.["wan-edge"] ?? {}) as WanEdgeImageOptions;
    const signal = options.abortSignal;
    let size: string | undefined;
    if (options.size) size = options.size.replace("x", "*");
    else if (options.aspectRatio) size = sizeForAspectRatio(options.aspectRatio);
    if (options.size && options.aspectRatio) warnings.push({ type: "unsupported", feature: "aspectRatio", details: "size was given; aspectRatio ignored" });
    if (options.mask) warnings.push({ type: "unsupported", feature: "mask", details: "Wan edits from the prompt and the input images; no mask" });
    const images: string[] = [];
    for (const [index, file] of (options.files ?? []).entries()) images.push(await fileUrl(this.client, file, `files[${index}]`, signal));

    const request: ImageProJobRequest = {
      model: this.modelId,
      input: {
        prompt: options.prompt ?? "",
        n: options.n,
        size,
        images: images.length > 0 ? images : undefined,
        seed: options.seed,
        thinking_mode: extra.thinking_mode,
        enable_sequential: extra.enable_sequential,
        color_palette: extra.color_palette,
        watermark: extra.watermark,
      },
      provider: extra.provider,
      metadata: extra.metadata,
    };
    const url = `${this.client.baseUrl}/v1/jobs`;
    const job = await asSdkErrors(url, request, async () => {
      const created = await this.client.jobs.create(request, { signal, wait: 60 });
      return created.status === "queued" || created.status === "running" ? this.client.jobs.wait(created.id, { signal }) : created;
    });
    if (job.status !== "completed") throw new WanEdgeJobError(job);
    // A job just completed has its links (they are absent only once its media are deleted).
    const bytes = await Promise.all(job.outputs.map((output) => outputBytes(output.url!, signal)));
    return {
      images: bytes,
      warnings,
      providerMetadata: {
        "wan-edge": { jobId: job.id, provider: job.provider, images: job.outputs.map(({ url, sha256, content_type }) => ({ url, sha256, content_type })) },
      },
      response: { timestamp: new Date(job.completed_at ?? job.updated_at), modelId: this.modelId, headers: undefined },
    };
  }
}
