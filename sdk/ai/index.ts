/**
 * @module sdk/ai — wan-edge as an AI SDK provider (`wan-edge/ai`).
 *
 * Built on the package's client (fetch only: Node, browsers, Workers). Needs the `ai`
 * package (6.x: its video and image specs v3) in the application; it is not part of the
 * gateway's Worker bundle.
 *
 * @example
 * import { experimental_generateVideo as generateVideo, generateImage } from "ai";
 * import { createWanEdge } from "wan-edge/ai";
 * const wanEdge = createWanEdge({ baseURL: "http://127.0.0.1:8787", apiKey: "wan-edge-dev-key" });
 * const { video } = await generateVideo({ model: wanEdge.video("wan2.7-i2v"), prompt: { image: png, text: "a cat plays piano" }, duration: 5 });
 * const { images } = await generateImage({ model: wanEdge.image("wan2.7-image-pro"), prompt: "a red fox in snow", n: 2 });
 */
import { createClient, defaultBaseUrl, type WanEdgeClient } from "../client/index";
import { WanEdgeImageModel } from "./image-model";
import { WanEdgeVideoModel } from "./video-model";

export { WanEdgeJobError } from "./errors";
export { WanEdgeImageModel, sizeForAspectRatio, type WanEdgeImageOptions } from "./image-model";
export { WanEdgeVideoModel, type WanEdgeVideoOptions } from "./video-model";

export interface WanEdgeProviderSettings {
  /** The gateway (default: WAN_EDGE_URL where there is a `process.env`, else the local stack). */
  baseURL?: string;
  /** An API key (default: WAN_EDGE_API_KEY, else the local stack's dev key). */
  apiKey?: string;
  fetch?: typeof fetch;
  /** An existing client instead of the three settings above. */
  client?: WanEdgeClient;
}

/** Environment variables where the runtime has them (Node); nothing in browsers and Workers. */
function environment(name: string): string | undefined {
  const process = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return process?.env?.[name] || undefined;
}

export function createWanEdge(settings: WanEdgeProviderSettings = {}) {
  const client =
    settings.client ??
    createClient({
      baseUrl: settings.baseURL ?? environment("WAN_EDGE_URL") ?? defaultBaseUrl,
      apiKey: settings.apiKey ?? environment("WAN_EDGE_API_KEY") ?? "wan-edge-dev-key",
      fetch: settings.fetch,
    });
  const video = (modelId: "wan2.7-i2v") => new WanEdgeVideoModel(modelId, client);
  const image = (modelId: "wan2.7-image-pro") => new WanEdgeImageModel(modelId, client);
  return { video, image, videoModel: video, imageModel: image, client };
}

export type WanEdgeProvider = ReturnType<typeof createWanEdge>;

/** A provider configured from WAN_EDGE_URL / WAN_EDGE_API_KEY (or the local stack's defaults). */
export const wanEdge: WanEdgeProvider = createWanEdge();
