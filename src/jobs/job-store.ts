/**
 * @module jobs/job-store — all SQL of a job's Durable Object.
 *
 * One row holds the job record; an append-only table holds every event that changed it.
 * Migrations are append-only and run once, at start-up, inside `blockConcurrencyWhile`.
 */
import { applyMigrations } from "../lib/sql-migrations";
import type { JobRecord } from "./job-types";

const migrations: string[] = [
  // `seq` is the rowid: events are never deleted, so it only grows (AUTOINCREMENT would add
  // a sqlite_sequence table and a write per event for nothing; edited before any deployment,
  // and both forms behave the same).
  `CREATE TABLE job (id TEXT PRIMARY KEY, data TEXT NOT NULL);
   CREATE TABLE job_events (
     seq INTEGER PRIMARY KEY,
     at TEXT NOT NULL,
     type TEXT NOT NULL,
     status TEXT NOT NULL,
     detail TEXT
   );`,
  // Outbound webhook deliveries (one row per event; `webhook-id` = id) and every attempt.
  `CREATE TABLE deliveries (
     id TEXT PRIMARY KEY,
     type TEXT NOT NULL,
     payload TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     state TEXT NOT NULL,
     attempts_in_round INTEGER NOT NULL DEFAULT 0,
     next_at INTEGER
   );
   CREATE TABLE delivery_attempts (
     delivery_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     status INTEGER,
     outcome TEXT NOT NULL,
     error TEXT,
     duration_ms INTEGER NOT NULL
   );`,
];

export interface JobEventRow {
  seq: number;
  at: string;
  type: string;
  status: string;
  /** JSON text (kept as text so it crosses Durable Object RPC unchanged). */
  detail: string | null;
}

export class JobStore {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * Applies the migrations this object has not seen yet. The webhook outbox's tables
   * (migration 2) are created only for a job that has a webhook: a new object's schema is
   * part of its first commit, and every table costs there.
   */
  migrate(withDeliveries: boolean): void {
    applyMigrations(this.sql, withDeliveries ? migrations : migrations.slice(0, 1));
  }

  /** Whether this object has ever stored a job (a new object has no tables at all). */
  exists(): boolean {
    return this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'job'").toArray().length > 0;
  }

  load(): JobRecord | null {
    const rows = this.sql.exec<{ data: string }>("SELECT data FROM job LIMIT 1").toArray();
    return rows[0] ? (JSON.parse(rows[0].data) as JobRecord) : null;
  }

  save(job: JobRecord): void {
    this.sql.exec("INSERT INTO job (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data", job.id, JSON.stringify(job));
  }

  appendEvent(at: string, type: string, status: string, detail: unknown): void {
    this.sql.exec("INSERT INTO job_events (at, type, status, detail) VALUES (?, ?, ?, ?)", at, type, status, detail === undefined ? null : JSON.stringify(detail));
  }

  events(): JobEventRow[] {
    return this.sql
      .exec<{ seq: number; at: string; type: string; status: string; detail: string | null }>("SELECT seq, at, type, status, detail FROM job_events ORDER BY seq")
      .toArray();
  }
}
