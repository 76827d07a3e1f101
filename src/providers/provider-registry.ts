/**
 * @module providers/provider-registry — every adapter, by provider id.
 */
import { evolinkAdapter } from "./evolink/evolink-adapter";
import type { ProviderId, VideoAdapter } from "./provider-adapter";

export const videoAdapters: Partial<Record<ProviderId, VideoAdapter>> = {
  evolink: evolinkAdapter,
};
