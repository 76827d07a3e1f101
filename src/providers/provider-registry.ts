/**
 * @module providers/provider-registry — the one place that lists the providers: every
 * provider's spec, by id, and the lookups the rest of the gateway reads them through.
 */
import { aimlapiSpec } from "./aimlapi/aimlapi-spec";
import { dashscopeSpec } from "./dashscope/dashscope-spec";
import { evolinkSpec } from "./evolink/evolink-spec";
import { pixeldojoSpec } from "./pixeldojo/pixeldojo-spec";
import type { AdapterContext, ModelAdapter, ModelId, ModelRequest, ProviderId, ProviderSpec, Result, SubmitOptions, Submitted, TaskCapabilities, UpstreamTask } from "./provider-adapter";
import { providerIds } from "./provider-adapter";
import { shortapiSpec } from "./shortapi/shortapi-spec";

export const providerSpecs: Readonly<Record<ProviderId, ProviderSpec>> = {
  dashscope: dashscopeSpec,
  evolink: evolinkSpec,
  pixeldojo: pixeldojoSpec,
  aimlapi: aimlapiSpec,
  shortapi: shortapiSpec,
};

/** The spec named by an untrusted string (a callback URL's path), or null. */
export function providerSpecNamed(name: string): ProviderSpec | null {
  return isProviderId(name) ? providerSpecs[name] : null;
}

function isProviderId(name: string): name is ProviderId {
  return (providerIds as readonly string[]).includes(name);
}

/**
 * The provider's adapter for `model`, or null when it does not sell the model.
 * @example modelAdapter("aimlapi", "wan2.7-i2v")?.capabilities.durations // [5, 10, 15]
 */
export function modelAdapter<M extends ModelId>(provider: ProviderId, model: M): ModelAdapter<M> | null {
  return providerSpecs[provider].models[model] ?? null;
}

/**
 * What the job needs from a provider for one model, with no model-specific types: the
 * task-handling capabilities and the operations. `submit` takes the model and its input
 * together (`ModelRequest`), so no caller ever casts an input to fit an adapter.
 */
export interface ModelOperations {
  callbacks: boolean;
  canCancel: boolean;
  polling: TaskCapabilities["polling"];
  startDeadlineMs: number;
  queryRatePerSecond?: number;
  idempotentCreate: boolean;
  submit(request: ModelRequest, options: SubmitOptions, context: AdapterContext): Promise<Result<Submitted>>;
  getTask?(upstreamId: string, context: AdapterContext): Promise<Result<UpstreamTask>>;
  cancel?(upstreamId: string, context: AdapterContext): Promise<Result<void>>;
  callbackTaskId?(body: unknown): string | null;
}

/** The operations of `provider` for `model`, or null when it does not sell the model. */
export function modelOperations(provider: ProviderId, model: ModelId): ModelOperations | null {
  const spec = providerSpecs[provider];
  const adapter = spec.models[model];
  if (!adapter) return null;
  const { capabilities } = adapter;
  return {
    callbacks: capabilities.callbacks,
    canCancel: capabilities.cancel && adapter.cancel !== undefined,
    polling: capabilities.polling,
    startDeadlineMs: capabilities.startDeadlineMs,
    queryRatePerSecond: capabilities.queryRatePerSecond,
    idempotentCreate: capabilities.idempotentCreate === true,
    submit: (request, options, context) => submitTo(spec, request, options, context),
    getTask: adapter.getTask?.bind(adapter),
    cancel: adapter.cancel?.bind(adapter),
    callbackTaskId: spec.callbackTaskId?.bind(spec),
  };
}

/** Submits a request to the spec's adapter for the request's own model (narrowed, not cast). */
async function submitTo(spec: ProviderSpec, request: ModelRequest, options: SubmitOptions, context: AdapterContext): Promise<Result<Submitted>> {
  const notSold: Result<Submitted> = { ok: false, error: { kind: "rejected", message: `${spec.displayName} does not sell ${request.model}`, retryable: false } };
  switch (request.model) {
    case "wan2.7-i2v":
      return spec.models["wan2.7-i2v"]?.submit(request.input, options, context) ?? notSold;
    case "wan2.7-image-pro":
      return spec.models["wan2.7-image-pro"]?.submit(request.input, options, context) ?? notSold;
  }
}
