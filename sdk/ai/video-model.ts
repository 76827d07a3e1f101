/**
 * @module sdk/ai/video-model — `wan2.7-i2v` as an AI SDK video model (spec v3).
 *
 * `ai` 6 is the newest line that runs on Node 20; its video spec is v3 (one `doGenerate`
 * that returns when the video exists). `ai` 7's v4 (start, status, webhooks) needs Node 22.
 * So `doGenerate` creates a job and follows its event stream to the end; the video is the
 * job's permanent link (its bytes for the SDK, see `./output-bytes`). Mapping: the prompt's image (or `frameImages`' first frame) is
 * `first_frame`, a `last_frame` frame image is `last_frame`; `duration`, `seed` and a
 * `resolution` of 1280x720/720x1280 (720p) or 1920x1080/1080x1920 (1080p) map directly.
 * Wan follows the image's aspect ratio and makes no sound of its own, so `aspectRatio`,
 * `fps` and `generateAudio` are warned about, not sent. Everything else of the model goes
 * in `providerOptions["wan-edge"]`: `driving_audio`, `first_clip` (URLs), `negative_prompt`,
 * `prompt_extend`, `watermark`, `provider`, `metadata`.
 */
import type { Experimental_VideoModelV3 as VideoModelV3, Experimental_VideoModelV3CallOptions as VideoModelV3CallOptions, SharedV3Warning } from "@ai-sdk/provider";
import type { I2vJobRequest, WanEdgeClient } from "../client/index";
import { asSdkErrors, WanEdgeJobError } from "./errors";
import { fileUrl } from "./input-files";
import { outputBytes } from "./output-bytes";

export interface WanEdgeVideoOptions {
  driving_audio?: string;
  first_clip?: string;
  negative_prompt?: string;
  prompt_extend?: boolean;
  watermark?: boolean;
  provider?: I2vJobRequest["provider"];
  metadata?: Record<string, string>;
}

const resolutions: Record<string, "720p" | "1080p"> = { "1280x720": "720p", "720x1280": "720p", "1920x1080": "1080p", "1080x1920": "1080p" };

export class WanEdgeVideoModel implements VideoModelV3 {
  readonly specificationVersion = "v3";
  readonly provider = "wan-edge";
  readonly maxVideosPerCall = 1; // one job makes one video

  constructor(
    readonly modelId: "wan2.7-i2v",
    private readonly client: WanEdgeClient,
  ) {}

  async doGenerate(options: VideoModelV3CallOptions) {
    const warnings: SharedV3Warning[] = [];
    const extra = (options.providerOptions?.["wan-edge"] ?? {}) as WanEdgeVideoOptions;
    const signal = options.abortSignal;
    const frame = (type: "first_frame" | "last_frame") => options.frameImages?.find((item) => item.frameType === type)?.image;
    const first = options.image ?? frame("first_frame");
    const last = frame("last_frame");

    let resolution: "720p" | "1080p" | undefined;
    if (options.resolution) {
      resolution = resolutions[options.resolution];
      if (!resolution) warnings.push({ type: "unsupported", feature: "resolution", details: `${options.resolution}: Wan makes 720p (1280x720, 720x1280) or 1080p (1920x1080, 1080x1920); the default (720p) was used` });
    }
    if (options.aspectRatio && options.aspectRatio !== "adaptive") warnings.push({ type: "unsupported", feature: "aspectRatio", details: "the video takes the first frame's aspect ratio" });
    if (options.fps !== undefined) warnings.push({ type: "unsupported", feature: "fps" });
    if (options.generateAudio) warnings.push({ type: "unsupported", feature: "generateAudio", details: "give a driving audio in providerOptions['wan-edge'].driving_audio instead" });
    if (options.inputReferences?.length) warnings.push({ type: "unsupported", feature: "inputReferences", details: "use frameImages, or providerOptions['wan-edge'].first_clip to continue a video" });
    let duration = options.duration;
    if (duration !== undefined && !Number.isInteger(duration)) {
      warnings.push({ type: "unsupported", feature: "duration", details: `${duration} s rounded to ${Math.round(duration)} s (whole seconds)` });
      duration = Math.round(duration);
    }

    const request: I2vJobRequest = {
      model: this.modelId,
      input: {
        prompt: options.prompt,
        negative_prompt: extra.negative_prompt,
        first_frame: first ? await fileUrl(this.client, first, "image", signal) : undefined,
        last_frame: last ? await fileUrl(this.client, last, "frameImages[last_frame]", signal) : undefined,
        driving_audio: extra.driving_audio,
        first_clip: extra.first_clip,
        resolution,
        duration,
        seed: options.seed,
        prompt_extend: extra.prompt_extend,
        watermark: extra.watermark,
      },
      provider: extra.provider,
      metadata: extra.metadata,
    };
    const url = `${this.client.baseUrl}/v1/jobs`;
    const job = await asSdkErrors(url, request, async () => {
      const created = await this.client.jobs.create(request, { signal });
      return this.client.jobs.wait(created.id, { signal });
    });
    if (job.status !== "completed") throw new WanEdgeJobError(job);
    return {
      videos: await Promise.all(job.outputs.map(async (output) => ({ type: "binary" as const, data: await outputBytes(output.url!, signal), mediaType: output.content_type }))),
      warnings,
      providerMetadata: {
        "wan-edge": { jobId: job.id, provider: job.provider, usage: job.usage, videos: job.outputs.map(({ url, sha256, bytes }) => ({ url, sha256, bytes })) },
      },
      response: { timestamp: new Date(job.completed_at ?? job.updated_at), modelId: this.modelId, headers: undefined },
    };
  }
}
