/**
 * @module providers/dashscope/dashscope-spec — Alibaba Model Studio (DashScope): both models, poll-only.
 */
import type { ProviderSpec } from "../provider-adapter";
import { dashscopeImage } from "./dashscope-image";
import { dashscopeVideo } from "./dashscope-video";

export const dashscopeSpec: ProviderSpec = {
  id: "dashscope",
  displayName: "Alibaba Model Studio (DashScope)",
  models: { "wan2.7-i2v": dashscopeVideo, "wan2.7-image-pro": dashscopeImage },
  // No callbacks (§1.6), so no callback body to read.
};
