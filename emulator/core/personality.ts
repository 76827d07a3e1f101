/**
 * @module personality
 * The contract between the shared core and one emulated provider. A personality is a Hono
 * app mounted at `/<name>`: it owns the provider's wire protocol (auth, validation, ids,
 * response and error shapes) and asks the core for everything else (tasks, faults, files,
 * callbacks). Adding a provider is one file exporting a `Personality` plus one line in
 * ../personalities/index.ts.
 */
import type { Hono } from "hono";
import type { EmulatorCore } from "./core";
import type { ProviderChoiceField } from "./fault-plan";

export interface Personality {
  /** Path prefix without slashes ("evolink"), also the `provider` in logs, tasks and fault plans. */
  readonly name: string;
  /** One line for the health listing, e.g. the endpoints it speaks. */
  readonly description: string;
  /**
   * Builds the provider's routes, relative to its prefix (`/v1/videos/generations`).
   * The core mounts them at `/<name>` and logs every request they receive.
   */
  createRoutes(core: EmulatorCore): Hono;
  /**
   * The values a provider-scoped plan may give `status_vocabulary`, `result_shape` and
   * `progress_format` here, the default first; a field it does not list does not apply to it.
   */
  readonly faultChoices?: Partial<Record<ProviderChoiceField, readonly string[]>>;
}
