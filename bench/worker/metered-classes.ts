/**
 * @module bench/worker/metered-classes — the gateway's Durable Object classes as the
 * benchmark Worker exports them: the same classes, handed a metered state and environment
 * (meter.ts) when the stack runs with `BENCH_METER=1`, and counting their alarms.
 *
 * Unmetered (every phase but the cost phase) they are the production classes exactly: the
 * constructor passes the runtime's own state and environment through.
 */
import type { Env } from "../../src/env";
import {
  ApiKeyObject as ProductionApiKeyObject,
  JobObject as ProductionJobObject,
  ProviderBreaker as ProductionProviderBreaker,
  TenantAccount as ProductionTenantAccount,
  TenantDirectory as ProductionTenantDirectory,
  TenantIndex as ProductionTenantIndex,
  UploadObject as ProductionUploadObject,
} from "../../src/index";
import { asEvent, enableFrom, meter, meteredEnv, meterState } from "./meter";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's constructor must take any[]
type ObjectClass = abstract new (...args: any[]) => { alarm?(info?: AlarmInvocationInfo): void | Promise<void> };

function metered<Base extends ObjectClass>(Production: Base, name: string) {
  abstract class Metered extends Production {
    constructor(...args: any[]) {
      const [ctx, env] = args as [DurableObjectState, Env & { BENCH_METER?: string }];
      enableFrom(env);
      if (meter.enabled) meter.add(meter.counts.objects_created, name);
      super(meter.enabled ? meterState(ctx) : ctx, meter.enabled ? meteredEnv(env, ctx.id.toString()) : env);
      this.#ctx = ctx;
      this.#id = ctx.id.toString();
    }

    // #private fields: the production classes have fields of their own (ProviderBreaker's `state`).
    readonly #ctx: DurableObjectState;
    readonly #id: string;

    /** The object's SQLite database size in bytes (what Cloudflare bills as stored data). */
    async benchDatabaseSize(): Promise<number> {
      return this.#ctx.storage.sql.databaseSize;
    }

    override async alarm(info?: AlarmInvocationInfo): Promise<void> {
      const run = () => Promise.resolve(super.alarm?.(info));
      if (!meter.enabled) return run();
      meter.add(meter.counts.alarms, name);
      return asEvent(this.#id, run);
    }
  }
  return Metered;
}

// Concrete subclasses (the runtime instantiates them by their exported names).
export class JobObject extends metered(ProductionJobObject, "JobObject") {}
export class TenantIndex extends metered(ProductionTenantIndex, "TenantIndex") {
  /** Every listed job and its status, from the index's own table: no job object is woken. */
  async benchListed(): Promise<Array<{ id: string; status: string }>> {
    // The benchmark's own read: not counted as the jobs' rows (read whole, synchronously).
    meter.paused = true;
    try {
      return this.ctx.storage.sql.exec<{ id: string; status: string }>("SELECT id, status FROM jobs").toArray();
    } finally {
      meter.paused = false;
    }
  }
}
export class ProviderBreaker extends metered(ProductionProviderBreaker, "ProviderBreaker") {}
export class UploadObject extends metered(ProductionUploadObject, "UploadObject") {}
export class TenantAccount extends metered(ProductionTenantAccount, "TenantAccount") {}
export class ApiKeyObject extends metered(ProductionApiKeyObject, "ApiKeyObject") {}
export class TenantDirectory extends metered(ProductionTenantDirectory, "TenantDirectory") {}
