/**
 * @module jobs/tenant-index — one Durable Object per tenant listing its jobs, newest first.
 *
 * Each job lives in its own Durable Object, so `GET /v1/jobs` needs a per-tenant index:
 * `TenantIndex` (addressed by `idFromName(tenant)`) holds one small row per job, kept
 * current by the job object's `upsert` calls. A tenant's listing never touches another
 * tenant's object, which is the isolation rule by construction. All SQL is in
 * `TenantIndexStore`; the pure parts — the opaque cursor and query checking — are here,
 * testable without a runtime.
 *
 * Errors the client can cause (a malformed cursor, a bad limit or status) come back as
 * values naming the query parameter, for the route to render as a 400; plain data crosses
 * RPC, not error classes. Their messages start with the parameter's name, so each reads
 * as a problem's `detail` as well as a field error.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import type { FieldError } from "../http/problem";
import { fromBase64Url, toBase64Url } from "../lib/encoding";
import type { JobStatus } from "./job-types";
import { TenantIndexStore } from "./tenant-index-store";

// A type alias, not an interface: SqlStorage's row type needs an index-signature-compatible shape.
export type TenantIndexEntry = {
  id: string;
  /** ISO 8601 UTC with milliseconds (`Date#toISOString`), so text order is time order. */
  created_at: string;
  status: JobStatus;
  updated_at: string;
};

/** Where a page ends: the (created_at, id) of its last job. */
export type TenantIndexPosition = Pick<TenantIndexEntry, "id" | "created_at">;

export interface TenantIndexQuery {
  /** 1–100; default 20. */
  limit?: number;
  cursor?: string | null;
  status?: string | null;
}

export type TenantIndexList = { ok: true; ids: string[]; next_cursor: string | null } | { ok: false; error: FieldError };

export const defaultListLimit = 20;
export const maxListLimit = 100;

// A Record, so adding a status to JobStatus without listing it here fails to compile.
const statuses: Record<JobStatus, true> = { queued: true, running: true, completed: true, failed: true, canceled: true };
const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const entryId = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The opaque cursor after `position`: base64url of `created_at|id`. Opaque so clients do
 * not build their own; unsigned because it only selects among the tenant's own jobs.
 * @example encodeCursor({ created_at: "2026-11-24T12:00:00.000Z", id: "job_…" }) // "MjAyNi0xMS0yNFQx…"
 */
export function encodeCursor(position: TenantIndexPosition): string {
  return toBase64Url(new TextEncoder().encode(`${position.created_at}|${position.id}`));
}

/** The position a cursor encodes, or null when it is not one `encodeCursor` produced. */
export function decodeCursor(cursor: string): TenantIndexPosition | null {
  if (cursor.length === 0 || cursor.length > 256) return null;
  const bytes = fromBase64Url(cursor);
  if (!bytes) return null;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
  const parts = text.split("|");
  if (parts.length !== 2) return null;
  const [created_at, id] = parts as [string, string];
  if (!isoTimestamp.test(created_at) || Number.isNaN(Date.parse(created_at)) || !entryId.test(id)) return null;
  return { created_at, id };
}

/**
 * Checks a listing query (from the route's query string, or from RPC) and resolves it to
 * the slice to read, or names the offending parameter.
 * @example checkListQuery({ limit: 10, status: "running" }) // { ok: true, value: { limit: 10, after: null, status: "running" } }
 */
export function checkListQuery(query: TenantIndexQuery): { ok: true; value: { limit: number; after: TenantIndexPosition | null; status: JobStatus | null } } | { ok: false; error: FieldError } {
  const limit = query.limit ?? defaultListLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxListLimit) {
    return { ok: false, error: { path: "limit", message: `limit must be an integer from 1 to ${maxListLimit}` } };
  }
  const status = query.status ?? null;
  if (status !== null && !Object.hasOwn(statuses, status)) {
    return { ok: false, error: { path: "status", message: `status must be one of: ${Object.keys(statuses).join(", ")}` } };
  }
  const cursor = query.cursor ?? null;
  const after = cursor === null ? null : decodeCursor(cursor);
  if (cursor !== null && after === null) {
    return { ok: false, error: { path: "cursor", message: "cursor is not one from a previous page; start again without it" } };
  }
  return { ok: true, value: { limit, after, status: status as JobStatus | null } };
}

/** What is wrong with an entry, or null. Only a bug can produce one: job objects build them. */
export function entryProblem(entry: TenantIndexEntry): string | null {
  if (!entryId.test(entry.id)) return "id must be 1–128 characters of [A-Za-z0-9_-]";
  if (!isoTimestamp.test(entry.created_at) || !isoTimestamp.test(entry.updated_at)) return "created_at and updated_at must be Date#toISOString() values";
  if (!Object.hasOwn(statuses, entry.status)) return "status must be a job status";
  return null;
}

/**
 * Records a job (or its new status) in its tenant's index, which backs the listing.
 * @example await listJob(env, job) // after the job's own write committed
 */
export function listJob(env: Env, job: Pick<TenantIndexEntry, "id" | "created_at" | "status" | "updated_at"> & { tenant: string }): Promise<void> {
  return env.TENANTS.get(env.TENANTS.idFromName(job.tenant)).upsert({ id: job.id, created_at: job.created_at, status: job.status, updated_at: job.updated_at });
}

/** How often the sweep compares listed statuses with the jobs', and how old an entry must be. */
const sweepEveryMs = 10 * 60_000;
const staleAfterMs = 5 * 60_000;

/** One per tenant (`idFromName(tenant)`). */
export class TenantIndex extends DurableObject<Env> {
  private readonly store: TenantIndexStore;
  /** Upserts waiting for the next write, and that write (see `upsert`). */
  private pending: TenantIndexEntry[] = [];
  private writing: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new TenantIndexStore(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => this.store.migrate());
  }

  /**
   * Records a job, or its new status. Idempotent; a stale update is ignored.
   * @example await env.TENANTS.get(env.TENANTS.idFromName(tenant)).upsert({ id, created_at, status, updated_at })
   */
  async upsert(entry: TenantIndexEntry): Promise<void> {
    const problem = entryProblem(entry);
    if (problem) throw new TypeError(`TenantIndex.upsert: ${problem}`);
    // Group commit: the upserts that arrive together (every job of a busy tenant writes
    // here) are written in one turn, so one commit — one fsync locally — carries them all
    // instead of one each. Each call still resolves only once its row is durable: the
    // output gate holds every answer until that commit is.
    this.pending.push(entry);
    this.writing ??= new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => {
      const batch = this.pending;
      this.pending = [];
      this.writing = null;
      for (const queued of batch) this.store.upsert(queued);
    });
    await this.writing;
    // A job that is not over is checked again later by the sweep, should its own report be lost.
    if ((entry.status === "queued" || entry.status === "running") && (await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(Date.now() + sweepEveryMs);
    }
  }

  /** Forgets listed ids whose object holds no job (the listing found them empty). */
  async remove(ids: string[]): Promise<void> {
    this.store.remove(ids.filter((id) => entryId.test(id)));
  }

  /**
   * The sweep: every listed job that is not terminal and has not been updated for a while is
   * read from its own object — the source of truth — and its entry corrected (or removed
   * when no job exists). It repairs a status report lost to a crash.
   */
  override async alarm(): Promise<void> {
    const stale = this.store.stale(new Date(Date.now() - staleAfterMs).toISOString(), 100);
    const jobs = this.env.JOBS;
    const found = await Promise.all(stale.map(async (entry) => ({ entry, now: await jobs.get(jobs.idFromName(entry.id)).status().catch(() => undefined) })));
    const missing = found.filter(({ now }) => now === null).map(({ entry }) => entry.id);
    this.store.remove(missing);
    for (const { entry, now } of found) if (now) this.store.upsert({ ...entry, status: now.status, updated_at: now.updated_at });
    if (this.store.hasOpen()) await this.ctx.storage.setAlarm(Date.now() + sweepEveryMs);
  }

  /**
   * A page of job ids, newest first, and the cursor of the next page (null on the last).
   * @example const page = await stub.list({ limit: 20, cursor, status: "running" })
   */
  async list(query: TenantIndexQuery): Promise<TenantIndexList> {
    const checked = checkListQuery(query);
    if (!checked.ok) return checked;
    const { rows, more } = this.store.list(checked.value);
    const last = rows[rows.length - 1];
    return { ok: true, ids: rows.map((row) => row.id), next_cursor: more && last ? encodeCursor(last) : null };
  }
}
