/**
 * @module scripts/chaos/persisted-state — reads what the gateway left on disk, after it has
 * stopped: every job object (record and event log), every tenant index, every R2 object, and
 * the multipart uploads R2 still holds open.
 *
 * The gateway has no route that lists R2 or every job, and must not get one for a test; so
 * this opens the same persisted state with Miniflare, the way wrangler laid it out
 * (`<persist>/v3/do/<worker>-<class>/<id>.sqlite`, `<persist>/v3/r2`). Durable Objects are
 * read from a copy (a reader class in place of the gateway's, with the same unique keys,
 * so the same ids open the same files) — their alarms fire into the reader, never into the
 * real state. R2 objects are listed through an ordinary R2 binding on the real folder.
 * Open multipart uploads have no binding API: they are read from Miniflare's own bucket
 * object (the `_mf_multipart_uploads` table), best effort — `null` if its layout differs.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";

const readerScript = `
import { DurableObject } from "cloudflare:workers";
class Reader extends DurableObject {
  dump() {
    const sql = this.ctx.storage.sql;
    const tables = sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray().map((row) => row.name);
    const out = { tables };
    if (tables.includes("job")) {
      const row = sql.exec("SELECT data FROM job LIMIT 1").toArray()[0];
      out.job = row ? JSON.parse(row.data) : null;
      out.events = sql.exec("SELECT seq, at, type, status, detail FROM job_events ORDER BY seq").toArray();
    }
    if (tables.includes("jobs")) out.index = sql.exec("SELECT id, created_at, status, updated_at FROM jobs").toArray();
    if (tables.includes("_mf_multipart_uploads")) out.uploads = sql.exec("SELECT upload_id, key, state FROM _mf_multipart_uploads").toArray();
    return out;
  }
  alarm() {}
}
export class JobReader extends Reader {}
export class IndexReader extends Reader {}
export class BucketReader extends Reader {}
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/tenant-id") return Response.json(env.TENANTS.idFromName(url.searchParams.get("name")).toString());
    if (url.pathname === "/r2") {
      const objects = [];
      let cursor;
      do {
        const page = await env.MEDIA.list({ prefix: url.searchParams.get("prefix") ?? "", cursor });
        for (const object of page.objects) objects.push({ key: object.key, size: object.size });
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return Response.json(objects);
    }
    const namespace = env[url.searchParams.get("ns")];
    const stub = namespace.get(namespace.idFromString(url.searchParams.get("id")));
    return Response.json(await stub.dump());
  },
};`;

/** The object ids stored in one Durable Object folder (`<id>.sqlite`; not `metadata.sqlite`). */
function idsIn(folder) {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => /^[0-9a-f]{64}\.sqlite$/.test(name))
    .map((name) => name.slice(0, 64));
}

/**
 * Reads the stopped gateway's state under `persist` (wrangler.toml's worker name `wan-edge`).
 * @returns {Promise<{ jobs: Array<{ job: any, events: any[] }>, index: Record<string, any[]>, objects: Array<{ key: string, size: number }>, openUploads: Array<{ upload_id: string, key: string }> | null, uploads: number }>}
 * @example const state = await readPersistedState(".wrangler/state", ["dev", "other"])
 */
export async function readPersistedState(persist, tenantNames) {
  const scratch = mkdtempSync(join(tmpdir(), "wan-edge-chaos-read-"));
  const folders = { JOBS: "wan-edge-JobObject", TENANTS: "wan-edge-TenantIndex", BUCKET: "miniflare-R2BucketObject" };
  cpSync(join(persist, "v3", "do", folders.JOBS), join(scratch, folders.JOBS), { recursive: true });
  if (existsSync(join(persist, "v3", "do", folders.TENANTS))) cpSync(join(persist, "v3", "do", folders.TENANTS), join(scratch, folders.TENANTS), { recursive: true });
  const bucketFolder = join(persist, "v3", "r2", folders.BUCKET);
  if (existsSync(bucketFolder)) cpSync(bucketFolder, join(scratch, folders.BUCKET), { recursive: true });
  const reader = new Miniflare({
    modules: [{ type: "ESModule", path: "reader.js", contents: readerScript }],
    compatibilityDate: "2026-04-01",
    durableObjects: {
      JOBS: { className: "JobReader", useSQLite: true, unsafeUniqueKey: folders.JOBS },
      TENANTS: { className: "IndexReader", useSQLite: true, unsafeUniqueKey: folders.TENANTS },
      BUCKET: { className: "BucketReader", useSQLite: true, unsafeUniqueKey: folders.BUCKET },
    },
    durableObjectsPersist: scratch,
    r2Buckets: { MEDIA: "wan-edge-media" },
    r2Persist: join(persist, "v3", "r2"),
  });
  try {
    const get = async (path) => {
      const response = await reader.dispatchFetch(`http://reader${path}`);
      if (!response.ok) throw new Error(`state reader ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const jobs = [];
    for (const id of idsIn(join(scratch, folders.JOBS))) {
      const dump = await get(`/dump?ns=JOBS&id=${id}`);
      if (dump.job) jobs.push({ job: dump.job, events: dump.events });
    }
    const index = {};
    for (const name of tenantNames) {
      const id = await get(`/tenant-id?name=${encodeURIComponent(name)}`);
      index[name] = existsSync(join(scratch, folders.TENANTS, `${id}.sqlite`)) ? ((await get(`/dump?ns=TENANTS&id=${id}`)).index ?? []) : [];
    }
    const objects = await get("/r2?prefix=");
    let openUploads = null;
    let uploads = 0;
    try {
      openUploads = [];
      for (const id of idsIn(join(scratch, folders.BUCKET))) {
        const dump = await get(`/dump?ns=BUCKET&id=${id}`);
        if (!dump.uploads) throw new Error("no _mf_multipart_uploads table");
        uploads += dump.uploads.length;
        openUploads.push(...dump.uploads.filter((upload) => upload.state === 0).map(({ upload_id, key }) => ({ upload_id, key })));
      }
    } catch {
      openUploads = null;
    }
    return { jobs, index, objects, openUploads, uploads };
  } finally {
    await reader.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}
