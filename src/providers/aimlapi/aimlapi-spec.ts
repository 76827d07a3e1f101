/**
 * @module providers/aimlapi/aimlapi-spec — AI/ML API: both models, poll-only (images synchronous).
 */
import type { ProviderSpec } from "../provider-adapter";
import { aimlapiImage } from "./aimlapi-image";
import { aimlapiVideo } from "./aimlapi-video";

export const aimlapiSpec: ProviderSpec = {
  id: "aimlapi",
  displayName: "AI/ML API",
  models: { "wan2.7-i2v": aimlapiVideo, "wan2.7-image-pro": aimlapiImage },
  // No callbacks (§4.5).
};
