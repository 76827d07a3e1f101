/**
 * `wan-edge/ai` driven by the AI SDK itself (`ai` 6: `experimental_generateVideo`,
 * `generateImage`) against the local stack: a video from PNG bytes (uploaded first) and a
 * last-frame URL, an image set read back as bytes, and a refused request as the SDK's
 * `APICallError` carrying the gateway's field errors.
 */
import { APICallError } from "@ai-sdk/provider";
import { experimental_generateVideo as generateVideo, generateImage } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../sdk/client/index";
import { createWanEdge } from "../../sdk/ai/index";
import { startTestStack, type TestStack } from "../browser/local-stack-fixture";

const tinyPng = new Uint8Array(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64"));
const ascii = (bytes: Uint8Array, from: number, to: number) => Buffer.from(bytes.slice(from, to)).toString("latin1");

let stack: TestStack;
let wanEdge: ReturnType<typeof createWanEdge>;

beforeAll(async () => {
  stack = await startTestStack();
  wanEdge = createWanEdge({ baseURL: stack.gatewayUrl, apiKey: "wan-edge-dev-key" });
});

afterAll(async () => {
  await stack?.stop();
});

describe("wanEdge.video with experimental_generateVideo", () => {
  it("makes an MP4 from image bytes and a last frame, and says which job made it", async () => {
    const result = await generateVideo({
      model: wanEdge.video("wan2.7-i2v"),
      prompt: { image: tinyPng, text: "a cat plays piano" },
      frameImages: [{ image: "https://cdn.example.com/end.png", frameType: "last_frame" }],
      duration: 2,
      resolution: "1920x1080",
      providerOptions: { "wan-edge": { metadata: { order: "A-17" } } },
    });
    expect(result.warnings).toEqual([]);
    expect(result.video.mediaType).toBe("video/mp4");
    expect(ascii(result.video.uint8Array, 4, 8)).toBe("ftyp");
    const meta = result.providerMetadata["wan-edge"] as { jobId: string; videos: Array<{ url: string; sha256: string }> };

    const job = await createClient({ baseUrl: stack.gatewayUrl, apiKey: "wan-edge-dev-key" }).jobs.get(meta.jobId);
    expect(job.status).toBe("completed");
    expect(job.metadata).toEqual({ order: "A-17" });
    expect(job.input).toMatchObject({ prompt: "a cat plays piano", last_frame: "https://cdn.example.com/end.png", duration: 2, resolution: "1080p" });
    expect((job.input as { first_frame: string }).first_frame).toMatch(/\/media\/uploads\//);
    expect(meta.videos[0]!.sha256).toBe(job.outputs[0]!.sha256);
  });

  it("turns a refused request into an APICallError carrying the problem", async () => {
    const error = await generateVideo({ model: wanEdge.video("wan2.7-i2v"), prompt: "no first frame", duration: 20, maxRetries: 0 }).catch((caught: unknown) => caught);
    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(400);
    expect(apiError.isRetryable).toBe(false);
    expect((apiError.data as { errors: Array<{ path: string }> }).errors.map((field) => field.path)).toContain("input.duration");
  });
});

describe("wanEdge.image with generateImage", () => {
  it("returns the images' bytes and their permanent links", async () => {
    const result = await generateImage({ model: wanEdge.image("wan2.7-image-pro"), prompt: "a red fox in snow", n: 2, size: "1024x1024" });
    expect(result.images).toHaveLength(2);
    for (const image of result.images) expect(ascii(image.uint8Array, 1, 4)).toBe("PNG");
    const meta = result.providerMetadata["wan-edge"] as unknown as { images: Array<{ url: string }> };
    expect(meta.images.map((image) => image.url)).toEqual([expect.stringMatching(/\/media\/outputs\/job_.*\/0\.png$/), expect.stringMatching(/\/1\.png$/)]);
  });
});
