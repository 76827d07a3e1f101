/**
 * @module jobs/tenant-index-store — all SQL of a tenant's job index.
 *
 * One row per job: just enough to list a tenant's jobs newest first (the job itself lives
 * in its own Durable Object). Pages are keyset pages on (created_at, id) — stable while new
 * jobs arrive, no OFFSET scans — served from an index in that same order. Migrations are
 * append-only and run once, at start-up, inside `blockConcurrencyWhile`.
 */
import { applyMigrations } from "../lib/sql-migrations";
import type { TenantIndexEntry, TenantIndexPosition } from "./tenant-index";

const migrations: string[] = [
  `CREATE TABLE jobs (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, status TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE INDEX jobs_newest ON jobs (created_at DESC, id DESC);
   CREATE INDEX jobs_status_newest ON jobs (status, created_at DESC, id DESC);`,
];

export interface TenantIndexSlice {
  limit: number;
  /** List strictly after (older than) this position; null starts at the newest. */
  after: TenantIndexPosition | null;
  status: string | null;
}

export class TenantIndexStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Applies the migrations this object has not seen yet. */
  migrate(): void {
    applyMigrations(this.sql, migrations);
  }

  /**
   * Records a job or its new status. `created_at` never changes once recorded, and an
   * update older than the one stored is ignored — so a late or repeated report cannot
   * move a job back to an earlier status (on equal timestamps the later state wins).
   */
  upsert(entry: TenantIndexEntry): void {
    this.sql.exec(
      `INSERT INTO jobs (id, created_at, status, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at
       WHERE excluded.updated_at > jobs.updated_at
          OR (excluded.updated_at = jobs.updated_at AND ${statusRank("excluded.status")} >= ${statusRank("jobs.status")})`,
      entry.id,
      entry.created_at,
      entry.status,
      entry.updated_at,
    );
  }

  /**
   * One page, newest first, plus whether more rows follow (one extra row is read to know,
   * so the last page never links to an empty one).
   */
  list(slice: TenantIndexSlice): { rows: TenantIndexPosition[]; more: boolean } {
    const conditions: string[] = [];
    const bindings: string[] = [];
    if (slice.status !== null) {
      conditions.push("status = ?");
      bindings.push(slice.status);
    }
    if (slice.after !== null) {
      // Row-value comparison: strictly older, with id breaking ties within a millisecond.
      conditions.push("(created_at, id) < (?, ?)");
      bindings.push(slice.after.created_at, slice.after.id);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
    const rows = this.sql
      .exec<TenantIndexPosition>(`SELECT id, created_at FROM jobs ${where} ORDER BY created_at DESC, id DESC LIMIT ?`, ...bindings, slice.limit + 1)
      .toArray()
      .map(({ id, created_at }) => ({ id, created_at }));
    const more = rows.length > slice.limit;
    return { rows: more ? rows.slice(0, slice.limit) : rows, more };
  }

  /** Forgets jobs (listed, but their object holds no job: a listing is repaired from the jobs). */
  remove(ids: readonly string[]): void {
    for (const id of ids) this.sql.exec("DELETE FROM jobs WHERE id = ?", id);
  }

  /** Up to `limit` entries not terminal and not updated since `before` (ISO): for the sweep. */
  stale(before: string, limit: number): TenantIndexEntry[] {
    return this.sql
      .exec<TenantIndexEntry>("SELECT id, created_at, status, updated_at FROM jobs WHERE status IN ('queued', 'running') AND updated_at < ? ORDER BY updated_at LIMIT ?", before, limit)
      .toArray();
  }

  /** Whether any listed job is not terminal (the sweep has work to come back for). */
  hasOpen(): boolean {
    return this.sql.exec("SELECT 1 FROM jobs WHERE status IN ('queued', 'running') LIMIT 1").toArray().length > 0;
  }

  /** The stored entry of `id`, or null (for tests and diagnostics). */
  get(id: string): TenantIndexEntry | null {
    return this.sql.exec<TenantIndexEntry>("SELECT id, created_at, status, updated_at FROM jobs WHERE id = ?", id).toArray()[0] ?? null;
  }
}

/** queued < running < terminal, for updates that carry the same timestamp. */
function statusRank(column: string): string {
  return `(CASE ${column} WHEN 'queued' THEN 0 WHEN 'running' THEN 1 ELSE 2 END)`;
}
