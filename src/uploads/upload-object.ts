/**
 * @module uploads/upload-object — one Durable Object per upload: its record, the jobs that
 * keep it, and its expiry.
 *
 * An upload is kept at least `UPLOAD_RETENTION_DAYS` after it was made, and beyond that for
 * as long as a job of its tenant that names it as an input keeps its media (the job
 * `retain`s it when created and `release`s it when its media are deleted or expire). When
 * the last job lets go of it after its expiry, or its own alarm finds it expired with no
 * job left, its object is deleted. Deleting a job deletes the uploads only it kept;
 * `DELETE /v1/uploads/{id}` deletes the upload whoever uses it.
 *
 * Write-ahead like a job: the record (with a clean-up alarm) exists before a byte is
 * stored, so an upload cut off by a crash never leaves an object nobody will delete.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { loadConfig } from "../env";
import { applyMigrations } from "../lib/sql-migrations";
import { purgeMediaCache } from "../media/media-cache";

const migrations = [
  `CREATE TABLE upload (id TEXT PRIMARY KEY, data TEXT NOT NULL);
   CREATE TABLE users (job_id TEXT PRIMARY KEY);`,
];

/** How long the write of an upload may take before its record and any bytes are cleaned up. */
const pendingMs = 3_600_000;

export interface UploadRecord {
  id: string;
  tenant: string;
  /** Every object of the upload lives under this prefix. */
  prefix: string;
  key: string | null;
  content_type: string | null;
  bytes: number | null;
  sha256: string | null;
  created_at: string;
  /** Kept at least until then (ms since epoch); later while a job keeps it. */
  expires_at: number;
  /** Set while the bytes are being written. */
  pending: boolean;
  deleted_at: string | null;
  expired_at: string | null;
}

/** An upload as the API shows it (`url` only while its object exists). */
export function uploadView(record: UploadRecord, publicBaseUrl: string) {
  const removed = record.deleted_at !== null || record.expired_at !== null;
  return {
    id: record.id,
    object: "upload" as const,
    ...(removed || !record.key ? {} : { url: `${publicBaseUrl}/media/${record.key}` }),
    content_type: record.content_type ?? "",
    bytes: record.bytes ?? 0,
    sha256: record.sha256 ?? "",
    created_at: record.created_at,
    expires_at: new Date(record.expires_at).toISOString(),
    deleted_at: record.deleted_at,
    expired_at: record.expired_at,
  };
}

export type UploadView = ReturnType<typeof uploadView>;

export class UploadObject extends DurableObject<Env> {
  private record: UploadRecord | null = null;
  /** The clock; replaceable in tests. */
  now: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      // An id nobody uploaded under (a mistyped DELETE) gets no tables at all.
      if (ctx.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'upload'").toArray().length === 0) return;
      applyMigrations(ctx.storage.sql, migrations);
      const row = ctx.storage.sql.exec<{ data: string }>("SELECT data FROM upload LIMIT 1").toArray()[0];
      this.record = row ? (JSON.parse(row.data) as UploadRecord) : null;
    });
  }

  /** Records an upload about to be written (false: this id exists already). */
  async begin(init: { id: string; tenant: string; prefix: string }): Promise<boolean> {
    if (this.record) return false;
    applyMigrations(this.ctx.storage.sql, migrations);
    const now = this.now();
    const days = loadConfig(this.env).uploadRetentionDays;
    this.save({ ...init, key: null, content_type: null, bytes: null, sha256: null, created_at: new Date(now).toISOString(), expires_at: now + days * 86_400_000, pending: true, deleted_at: null, expired_at: null });
    await this.ctx.storage.setAlarm(now + pendingMs);
    return true;
  }

  /** The bytes are stored: the upload exists until it expires. */
  async stored(meta: { key: string; content_type: string; bytes: number; sha256: string }): Promise<UploadView | null> {
    if (!this.record?.pending) return null;
    this.save({ ...this.record, ...meta, pending: false });
    await this.ctx.storage.setAlarm(Math.max(this.record.expires_at, this.now() + 1));
    return uploadView(this.record, loadConfig(this.env).publicBaseUrl);
  }

  /** The write failed (or never finished): nothing of it stays, not even its record. */
  async abandon(): Promise<void> {
    if (!this.record?.pending) return;
    await this.deleteObjects();
    await this.ctx.storage.deleteAlarm();
    this.ctx.storage.sql.exec("DELETE FROM upload");
    this.clearUsers();
    this.record = null;
  }

  async view(tenant: string): Promise<UploadView | null> {
    return this.record && !this.record.pending && this.record.tenant === tenant ? uploadView(this.record, loadConfig(this.env).publicBaseUrl) : null;
  }

  /**
   * `DELETE /v1/uploads/{id}`: the object is deleted now, whoever uses it (a job still
   * running may then fail if its provider has not fetched the file yet). Returns the keys
   * removed, for the caller to purge from its edge cache; null when not this tenant's.
   */
  async remove(tenant: string): Promise<{ upload: UploadView; keys: string[] } | null> {
    if (!this.record || this.record.pending || this.record.tenant !== tenant) return null;
    const keys = this.record.deleted_at || this.record.expired_at ? [] : await this.deleteObjects();
    if (!this.record.deleted_at) this.save({ ...this.record, deleted_at: new Date(this.now()).toISOString() });
    this.clearUsers();
    await this.ctx.storage.deleteAlarm();
    return { upload: uploadView(this.record, loadConfig(this.env).publicBaseUrl), keys };
  }

  /** A job of the upload's tenant names it as an input: it is kept while that job keeps its media. */
  async retain(jobId: string, tenant: string): Promise<boolean> {
    if (!this.record || this.record.pending || this.record.tenant !== tenant || this.removed()) return false;
    this.ctx.storage.sql.exec("INSERT OR IGNORE INTO users (job_id) VALUES (?)", jobId);
    return true;
  }

  /**
   * A job no longer keeps the upload (its media were deleted or expired). With no job left,
   * the upload is deleted when `deleteIfUnused` (the job was deleted: what only it used
   * goes with it) or when it is past its own expiry. Returns the keys removed.
   */
  async release(jobId: string, deleteIfUnused: boolean): Promise<string[]> {
    if (!this.record || this.removed()) return [];
    this.ctx.storage.sql.exec("DELETE FROM users WHERE job_id = ?", jobId);
    if (this.users() > 0) return [];
    if (deleteIfUnused) return this.removeAs("deleted_at");
    if (this.now() >= this.record.expires_at) return this.removeAs("expired_at");
    await this.ctx.storage.setAlarm(this.record.expires_at);
    return [];
  }

  override async alarm(): Promise<void> {
    if (!this.record || this.removed()) return;
    // The write never finished (the Worker died mid-stream): remove whatever it left.
    if (this.record.pending) return this.abandon();
    // Still kept by a job: that job's release decides.
    if (this.users() > 0) return;
    if (this.now() >= this.record.expires_at) await this.removeAs("expired_at");
    else await this.ctx.storage.setAlarm(this.record.expires_at); // woken early: wait on
  }

  private async removeAs(field: "deleted_at" | "expired_at"): Promise<string[]> {
    const keys = await this.deleteObjects();
    this.save({ ...this.record!, [field]: new Date(this.now()).toISOString() });
    this.clearUsers();
    await this.ctx.storage.deleteAlarm();
    return keys;
  }

  /**
   * Deletes every object under the upload's prefix (a crash may have left one without a
   * record of its key), this location's cached copies (the rest expire), and the tenant's
   * count of them.
   */
  private async deleteObjects(): Promise<string[]> {
    const bucket = this.env.MEDIA;
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await bucket.list({ prefix: this.record!.prefix, cursor });
      const found = page.objects.map((object) => object.key);
      if (found.length > 0) await bucket.delete(found);
      keys.push(...found);
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    if (keys.length === 0) return keys;
    await purgeMediaCache(loadConfig(this.env).publicBaseUrl, keys);
    await this.env.ACCOUNTS.get(this.env.ACCOUNTS.idFromName(this.record!.tenant))
      .forgetStorage(keys)
      .catch(() => console.error("storage forget failed"));
    return keys;
  }

  private removed(): boolean {
    return this.record!.deleted_at !== null || this.record!.expired_at !== null;
  }

  private users(): number {
    return this.ctx.storage.sql.exec<{ count: number }>("SELECT COUNT(*) AS count FROM users").one().count;
  }

  private clearUsers(): void {
    this.ctx.storage.sql.exec("DELETE FROM users");
  }

  private save(record: UploadRecord): void {
    this.record = record;
    this.ctx.storage.sql.exec("INSERT INTO upload (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data", record.id, JSON.stringify(record));
  }
}
