/**
 * @module providers/pixeldojo/pixeldojo-spec — PixelDojo: both models, webhooks as hints.
 */
import type { ProviderSpec } from "../provider-adapter";
import { pixeldojoCallbackTaskId } from "./pixeldojo-api";
import { pixeldojoImage } from "./pixeldojo-image";
import { pixeldojoVideo } from "./pixeldojo-video";

export const pixeldojoSpec: ProviderSpec = {
  id: "pixeldojo",
  displayName: "PixelDojo",
  models: { "wan2.7-i2v": pixeldojoVideo, "wan2.7-image-pro": pixeldojoImage },
  callbackTaskId: pixeldojoCallbackTaskId,
};
