/**
 * @module tenants/tenant-account-store — all SQL of a tenant's account.
 *
 * - `settings`: one JSON document (tenants/tenant-settings.ts) and the webhook secret state.
 * - `open_jobs`: every job admitted or waiting and not settled yet: its budget hold and
 *   whether it holds a running slot or waits for one (FIFO by `seq`); `notify_at` marks a
 *   job admitted from the queue that has not heard so yet. A settled job whose id comes from
 *   an Idempotency-Key stays as `done` (no hold, no slot) for two days, so a replay of its
 *   request is known here and neither held nor counted against the rate again.
 * - `ledger`: one line per billed attempt (billing/ledger-line.ts), keyed by job and attempt,
 *   so a settlement sent twice writes each line once.
 * - `storage`: the R2 objects the tenant holds (outputs and uploads), by key, with their size.
 */
import type { LedgerLine } from "../billing/ledger-line";
import { applyMigrations } from "../lib/sql-migrations";

const migrations: string[] = [
  `CREATE TABLE settings (name TEXT PRIMARY KEY, data TEXT NOT NULL);
   CREATE TABLE open_jobs (
     job_id TEXT PRIMARY KEY,
     state TEXT NOT NULL,
     seq INTEGER NOT NULL,
     reserved_micros INTEGER NOT NULL,
     check_at INTEGER NOT NULL,
     notify_at INTEGER,
     notify_tries INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX open_jobs_queue ON open_jobs (state, seq);
   CREATE TABLE ledger (
     job_id TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     at TEXT NOT NULL,
     model TEXT NOT NULL,
     provider TEXT NOT NULL,
     upstream_id TEXT,
     seconds REAL,
     resolution TEXT,
     images INTEGER,
     unit_price_usd REAL,
     cost_micros INTEGER,
     price_version TEXT NOT NULL,
     price_source TEXT,
     provider_usage TEXT,
     provider_reported_usd REAL,
     PRIMARY KEY (job_id, attempt)
   );
   CREATE INDEX ledger_at ON ledger (at, job_id, attempt);
   CREATE TABLE storage (key TEXT PRIMARY KEY, kind TEXT NOT NULL, bytes INTEGER NOT NULL, job_id TEXT, at TEXT NOT NULL);`,
];

/** `check_at`: when the sweep next asks the job's object whether it still needs its hold (for `done`: when it is forgotten). */
export type OpenJob = { job_id: string; state: "running" | "waiting" | "done"; seq: number; reserved_micros: number; check_at: number; notify_at: number | null; notify_tries: number };

export type UsageGroupRow = {
  key: string;
  cost_micros: number;
  lines: number;
  jobs: number;
  seconds: number;
  images: number;
  unpriced_lines: number;
  provider_reported_usd: number | null;
};

export type UsageGroupBy = "day" | "model" | "provider";
const groupColumn: Record<UsageGroupBy | "all", string> = { day: "substr(at, 1, 10)", model: "model", provider: "provider", all: "'all'" };

export class TenantAccountStore {
  constructor(private readonly sql: SqlStorage) {}

  migrate(): void {
    applyMigrations(this.sql, migrations);
  }

  getDocument<T>(name: string): T | null {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM settings WHERE name = ?", name).toArray()[0];
    return row ? (JSON.parse(row.data) as T) : null;
  }

  putDocument(name: string, value: unknown): void {
    this.sql.exec("INSERT INTO settings (name, data) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET data = excluded.data", name, JSON.stringify(value));
  }

  openJob(jobId: string): OpenJob | null {
    return this.sql.exec<OpenJob>("SELECT * FROM open_jobs WHERE job_id = ?", jobId).toArray()[0] ?? null;
  }

  counts(): { running: number; waiting: number; reserved_micros: number } {
    return this.sql
      .exec<{ running: number; waiting: number; reserved_micros: number }>(
        "SELECT COALESCE(SUM(state = 'running'), 0) AS running, COALESCE(SUM(state = 'waiting'), 0) AS waiting, COALESCE(SUM(reserved_micros), 0) AS reserved_micros FROM open_jobs",
      )
      .one();
  }

  addOpenJob(jobId: string, state: OpenJob["state"], reservedMicros: number, checkAt: number): void {
    const seq = this.sql.exec<{ seq: number }>("SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM open_jobs").one().seq;
    this.sql.exec("INSERT INTO open_jobs (job_id, state, seq, reserved_micros, check_at) VALUES (?, ?, ?, ?, ?)", jobId, state, seq, reservedMicros, checkAt);
  }

  /** A waiting job's place in line (1 = next), or null when it is not waiting. */
  position(jobId: string): number | null {
    const row = this.sql.exec<{ position: number | null }>("SELECT (SELECT COUNT(*) FROM open_jobs w WHERE w.state = 'waiting' AND w.seq <= j.seq) AS position FROM open_jobs j WHERE j.job_id = ? AND j.state = 'waiting'", jobId).toArray()[0];
    return row?.position ?? null;
  }

  /** Releases a job's hold and slot; returns whether it had any. */
  removeOpenJob(jobId: string): boolean {
    return this.sql.exec("DELETE FROM open_jobs WHERE job_id = ? AND state != 'done'", jobId).rowsWritten > 0;
  }

  /** Releases a job's hold and slot but remembers it (an Idempotency-Key job) until `forgetAt`. */
  markDone(jobId: string, forgetAt: number): boolean {
    return this.sql.exec("UPDATE open_jobs SET state = 'done', reserved_micros = 0, notify_at = NULL, check_at = ? WHERE job_id = ? AND state != 'done'", forgetAt, jobId).rowsWritten > 0;
  }

  forget(jobId: string): void {
    this.sql.exec("DELETE FROM open_jobs WHERE job_id = ?", jobId);
  }

  /** Moves up to `count` waiting jobs, oldest first, to running; returns their ids. */
  promote(count: number, now: number): string[] {
    if (count <= 0) return [];
    const ids = this.sql.exec<{ job_id: string }>("SELECT job_id FROM open_jobs WHERE state = 'waiting' ORDER BY seq LIMIT ?", count).toArray().map((row) => row.job_id);
    for (const id of ids) this.sql.exec("UPDATE open_jobs SET state = 'running', notify_at = ?, notify_tries = 0 WHERE job_id = ?", now, id);
    return ids;
  }

  notifications(now: number): Array<Pick<OpenJob, "job_id" | "notify_tries">> {
    return this.sql.exec<Pick<OpenJob, "job_id" | "notify_tries">>("SELECT job_id, notify_tries FROM open_jobs WHERE notify_at IS NOT NULL AND notify_at <= ?", now).toArray();
  }

  setNotify(jobId: string, at: number | null, tries: number): void {
    this.sql.exec("UPDATE open_jobs SET notify_at = ?, notify_tries = ? WHERE job_id = ?", at, tries, jobId);
  }

  /** Open jobs the sweep should look at by `now`. */
  dueChecks(now: number, limit: number): OpenJob[] {
    return this.sql.exec<OpenJob>("SELECT * FROM open_jobs WHERE check_at <= ? ORDER BY check_at LIMIT ?", now, limit).toArray();
  }

  setCheckAt(jobId: string, at: number): void {
    this.sql.exec("UPDATE open_jobs SET check_at = ? WHERE job_id = ?", at, jobId);
  }

  /** When the account next has something to do (a notice owed, an open job to check), or null. */
  nextWork(): { notifyAt: number | null; checkAt: number | null } {
    return this.sql.exec<{ notifyAt: number | null; checkAt: number | null }>("SELECT MIN(notify_at) AS notifyAt, MIN(check_at) AS checkAt FROM open_jobs").one();
  }

  /** Writes lines not written before; returns the cost of those newly written. */
  addLines(lines: readonly LedgerLine[]): { written: LedgerLine[] } {
    const written: LedgerLine[] = [];
    for (const line of lines) {
      const cursor = this.sql.exec(
        `INSERT INTO ledger (job_id, attempt, at, model, provider, upstream_id, seconds, resolution, images, unit_price_usd, cost_micros, price_version, price_source, provider_usage, provider_reported_usd)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, attempt) DO NOTHING`,
        line.job_id, line.attempt, line.at, line.model, line.provider, line.upstream_id, line.seconds, line.resolution, line.images,
        line.unit_price_usd, line.cost_micros, line.price_version, line.price_source, line.provider_usage, line.provider_reported_usd,
      );
      if (cursor.rowsWritten > 0) written.push(line);
    }
    return { written };
  }

  /** Spent since `from` (ISO), in micro-dollars (unpriced lines count nothing). */
  spentSince(from: string): number {
    return this.sql.exec<{ micros: number }>("SELECT COALESCE(SUM(cost_micros), 0) AS micros FROM ledger WHERE at >= ?", from).one().micros;
  }

  /** Totals over [from, to), grouped (or one group, `all`). */
  usage(from: string, to: string, groupBy: UsageGroupBy | "all"): UsageGroupRow[] {
    const key = groupColumn[groupBy];
    return this.sql
      .exec<UsageGroupRow>(
        `SELECT ${key} AS key, COALESCE(SUM(cost_micros), 0) AS cost_micros, COUNT(*) AS lines, COUNT(DISTINCT job_id) AS jobs,
                COALESCE(SUM(seconds), 0) AS seconds, COALESCE(SUM(images), 0) AS images, SUM(cost_micros IS NULL) AS unpriced_lines,
                SUM(provider_reported_usd) AS provider_reported_usd
         FROM ledger WHERE at >= ? AND at < ? GROUP BY 1 ORDER BY 1`,
        from,
        to,
      )
      .toArray();
  }

  /** The distinct price versions of [from, to). */
  priceVersions(from: string, to: string): string[] {
    return this.sql.exec<{ v: string }>("SELECT DISTINCT price_version AS v FROM ledger WHERE at >= ? AND at < ? ORDER BY 1", from, to).toArray().map((row) => row.v);
  }

  /** A page of lines of [from, to) in (at, job_id, attempt) order, after `after`. */
  lines(from: string, to: string, after: { at: string; job_id: string; attempt: number } | null, limit: number): LedgerLine[] {
    const rows = after
      ? this.sql.exec<LedgerLine>("SELECT * FROM ledger WHERE at >= ? AND at < ? AND (at, job_id, attempt) > (?, ?, ?) ORDER BY at, job_id, attempt LIMIT ?", from, to, after.at, after.job_id, after.attempt, limit)
      : this.sql.exec<LedgerLine>("SELECT * FROM ledger WHERE at >= ? AND at < ? ORDER BY at, job_id, attempt LIMIT ?", from, to, limit);
    return rows.toArray().map((row) => ({ ...row }));
  }

  recordStorage(key: string, kind: string, bytes: number, jobId: string | null, at: string): void {
    this.sql.exec("INSERT INTO storage (key, kind, bytes, job_id, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET bytes = excluded.bytes", key, kind, bytes, jobId, at);
  }

  forgetStorage(keys: readonly string[]): void {
    for (const key of keys) this.sql.exec("DELETE FROM storage WHERE key = ?", key);
  }

  storage(): Array<{ kind: string; objects: number; bytes: number }> {
    return this.sql.exec<{ kind: string; objects: number; bytes: number }>("SELECT kind, COUNT(*) AS objects, SUM(bytes) AS bytes FROM storage GROUP BY kind ORDER BY kind").toArray();
  }
}
