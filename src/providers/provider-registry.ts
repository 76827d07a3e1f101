/**
 * @module providers/provider-registry — every adapter, by provider id.
 */
import { aimlapiAdapter } from "./aimlapi/aimlapi-adapter";
import { aimlapiImageAdapter } from "./aimlapi/aimlapi-image-adapter";
import { dashscopeAdapter } from "./dashscope/dashscope-adapter";
import { dashscopeImageAdapter } from "./dashscope/dashscope-image-adapter";
import { evolinkAdapter } from "./evolink/evolink-adapter";
import { pixeldojoAdapter } from "./pixeldojo/pixeldojo-adapter";
import { pixeldojoImageAdapter } from "./pixeldojo/pixeldojo-image-adapter";
import type { ImageAdapter, ProviderId, VideoAdapter } from "./provider-adapter";
import { shortapiAdapter } from "./shortapi/shortapi-adapter";

export const videoAdapters: Partial<Record<ProviderId, VideoAdapter>> = {
  dashscope: dashscopeAdapter,
  evolink: evolinkAdapter,
  pixeldojo: pixeldojoAdapter,
  aimlapi: aimlapiAdapter,
  shortapi: shortapiAdapter,
};

/**
 * `wan2.7-image-pro` adapters. EvoLink and ShortAPI publish no wan2.7 image-pro endpoint in
 * the stored sources (providers.md §2.8, §5.8), so they have none.
 */
export const imageAdapters: Partial<Record<ProviderId, ImageAdapter>> = {
  dashscope: dashscopeImageAdapter,
  pixeldojo: pixeldojoImageAdapter,
  aimlapi: aimlapiImageAdapter,
};
