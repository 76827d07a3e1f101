/**
 * @module providers/provider-registry — every adapter, by provider id.
 */
import { aimlapiAdapter } from "./aimlapi/aimlapi-adapter";
import { dashscopeAdapter } from "./dashscope/dashscope-adapter";
import { evolinkAdapter } from "./evolink/evolink-adapter";
import { pixeldojoAdapter } from "./pixeldojo/pixeldojo-adapter";
import type { ProviderId, VideoAdapter } from "./provider-adapter";
import { shortapiAdapter } from "./shortapi/shortapi-adapter";

export const videoAdapters: Partial<Record<ProviderId, VideoAdapter>> = {
  dashscope: dashscopeAdapter,
  evolink: evolinkAdapter,
  pixeldojo: pixeldojoAdapter,
  aimlapi: aimlapiAdapter,
  shortapi: shortapiAdapter,
};
