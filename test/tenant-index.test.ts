import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { JobStatus } from "../src/jobs/job-types";
import type { TenantIndex, TenantIndexEntry, TenantIndexList } from "../src/jobs/tenant-index";
import { TenantIndexStore } from "../src/jobs/tenant-index-store";

/** A fresh tenant's index: unique per test, so tests share no state. */
const indexOf = (tenant = `tenant-${crypto.randomUUID()}`) => env.TENANTS.get(env.TENANTS.idFromName(tenant));

const statuses: JobStatus[] = ["queued", "running", "completed", "failed", "canceled"];
const t0 = Date.parse("2026-11-24T12:00:00.000Z");

/**
 * `count` entries, newest last; every third shares its predecessor's millisecond, so ties on
 * created_at are broken by id. Status cycles, so each of the five has count/5 entries.
 */
function entries(count: number): TenantIndexEntry[] {
  return Array.from({ length: count }, (_, index) => {
    const created = new Date(t0 + (index - Math.floor(index / 3)) * 1000).toISOString();
    return { id: `job_${String(index).padStart(26, "0")}`, created_at: created, status: statuses[index % 5]!, updated_at: created };
  });
}

const newestFirst = (list: TenantIndexEntry[]) =>
  [...list].sort((a, b) => (a.created_at === b.created_at ? b.id.localeCompare(a.id) : b.created_at.localeCompare(a.created_at))).map((entry) => entry.id);

/** Follows next_cursor to the end; returns every page's ids. */
async function allPages(index: ReturnType<typeof indexOf>, limit: number, status?: JobStatus): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const page: TenantIndexList = await index.list({ limit, cursor, status });
    if (!page.ok) throw new Error(JSON.stringify(page.error));
    pages.push(page.ids);
    cursor = page.next_cursor;
  } while (cursor !== null && pages.length < 100);
  return pages;
}

/** Upserts in a shuffled order, so listing order owes nothing to insertion order. */
async function fill(index: ReturnType<typeof indexOf>, list: TenantIndexEntry[]) {
  const shuffled = [...list].sort((a, b) => ((a.id.charCodeAt(29) * 7919) % 97) - ((b.id.charCodeAt(29) * 7919) % 97) || a.id.localeCompare(b.id));
  for (const entry of shuffled) await index.upsert(entry);
}

describe("TenantIndex", () => {
  it("pages 45 jobs newest first in pages of 10: no duplicate, no gap, no empty last page", async () => {
    const index = indexOf();
    const list = entries(45);
    await fill(index, list);
    const pages = await allPages(index, 10);
    expect(pages.map((page) => page.length)).toEqual([10, 10, 10, 10, 5]);
    expect(pages.flat()).toEqual(newestFirst(list));
  });

  it("filters by status, and the last full page has no next cursor", async () => {
    const index = indexOf();
    const list = entries(45);
    await fill(index, list);
    const pages = await allPages(index, 3, "running");
    expect(pages.map((page) => page.length)).toEqual([3, 3, 3]);
    expect(pages.flat()).toEqual(newestFirst(list.filter((entry) => entry.status === "running")));
  });

  it("keeps paging stable while newer jobs arrive", async () => {
    const index = indexOf();
    const list = entries(20);
    await fill(index, list);
    const first = await index.list({ limit: 10 });
    const newer = new Date(t0 + 3_600_000).toISOString();
    await index.upsert({ id: "job_zzzzzzzzzzzzzzzzzzzzzzzzzz", created_at: newer, status: "queued", updated_at: newer });
    const second = await index.list({ limit: 10, cursor: first.ok ? first.next_cursor : null });
    expect(first.ok && second.ok && [...first.ids, ...second.ids]).toEqual(newestFirst(list));
    expect(second.ok && second.next_cursor).toBeNull();
  });

  it("writes upserts that arrive together in one turn, each answered once stored", async () => {
    const index = indexOf();
    const list = entries(60);
    // All sent at once: they meet in the object's queue and are written together.
    await Promise.all(list.map((entry) => index.upsert(entry)));
    expect((await allPages(index, 100)).flat()).toEqual(newestFirst(list));
    // Within one batch the stale-update rule still holds: a later status sent first wins.
    const [entry] = list;
    const later = new Date(t0 + 600_000).toISOString();
    await Promise.all([index.upsert({ ...entry!, status: "completed", updated_at: later }), index.upsert({ ...entry!, status: "running", updated_at: entry!.updated_at })]);
    const completed = await index.list({ status: "completed", limit: 100 });
    expect(completed.ok && completed.ids).toContain(entry!.id);
    // A bad entry is refused without holding back the others sent with it.
    const [good] = entries(61).slice(60);
    const results = await Promise.allSettled([index.upsert({ ...good!, status: "exploded" as JobStatus }), index.upsert(good!)]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "fulfilled"]);
    const newest = await index.list({ limit: 1 });
    expect(newest.ok && newest.ids).toEqual([good!.id]);
  });

  it("updates a job's status, ignores a stale update and never moves created_at", async () => {
    const index = indexOf();
    const [entry] = entries(1);
    const later = new Date(t0 + 60_000).toISOString();
    await index.upsert(entry!);
    await index.upsert({ ...entry!, status: "completed", updated_at: later });
    await index.upsert({ ...entry!, status: "running", updated_at: new Date(t0 + 30_000).toISOString(), created_at: later });
    expect(await index.list({ status: "completed" })).toEqual({ ok: true, ids: [entry!.id], next_cursor: null });
    await runInDurableObject(index, (_instance: TenantIndex, state) => {
      expect(new TenantIndexStore(state.storage.sql).get(entry!.id)).toEqual({ ...entry, status: "completed", updated_at: later });
    });
  });

  it("answers a bad cursor, limit or status with an error value naming the parameter", async () => {
    const index = indexOf();
    expect(await index.list({ cursor: "not-a-cursor" })).toMatchObject({ ok: false, error: { path: "cursor" } });
    expect(await index.list({ limit: 0 })).toMatchObject({ ok: false, error: { path: "limit" } });
    expect(await index.list({ limit: 101 })).toMatchObject({ ok: false, error: { path: "limit" } });
    expect(await index.list({ status: "done" })).toMatchObject({ ok: false, error: { path: "status" } });
  });

  it("keeps tenants apart", async () => {
    const tenant = `tenant-${crypto.randomUUID()}`;
    await fill(indexOf(tenant), entries(3));
    expect(await indexOf(`${tenant}-other`).list({})).toEqual({ ok: true, ids: [], next_cursor: null });
    expect(await indexOf(tenant).list({})).toMatchObject({ ok: true, ids: newestFirst(entries(3)) });
  });

  it("runs its migrations once: a second run changes nothing", async () => {
    const index = indexOf();
    await fill(index, entries(2));
    await runInDurableObject(index, (_instance: TenantIndex, state) => {
      new TenantIndexStore(state.storage.sql).migrate();
      expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM jobs").one().n).toBe(2);
      expect(state.storage.sql.exec("SELECT MAX(version) AS v FROM _migrations").one().v).toBe(1);
    });
  });
});
