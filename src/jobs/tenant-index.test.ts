import { describe, expect, it } from "vitest";
import { toBase64Url } from "../lib/encoding";
import { checkListQuery, decodeCursor, encodeCursor, entryProblem } from "./tenant-index";

const position = { created_at: "2026-11-24T12:00:00.123Z", id: "job_01jd3k5x7z9q2m4n6p8r0s2t4v" };
const base64url = (text: string) => toBase64Url(new TextEncoder().encode(text));

describe("the listing cursor", () => {
  it("round-trips a position as opaque base64url", () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(position.id);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    ["empty", ""],
    ["not base64url", "a+b/c="],
    ["impossible base64 length", "abcde"],
    ["no separator", base64url("2026-11-24T12:00:00.123Z")],
    ["two separators", base64url("2026-11-24T12:00:00.123Z|job_1|x")],
    ["not a timestamp", base64url("yesterday|job_1")],
    ["timestamp without milliseconds", base64url("2026-11-24T12:00:00Z|job_1")],
    ["impossible date", base64url("2026-13-45T12:00:00.000Z|job_1")],
    ["empty id", base64url("2026-11-24T12:00:00.123Z|")],
    ["id with SQL in it", base64url("2026-11-24T12:00:00.123Z|job_1' OR 1=1 --")],
    ["invalid UTF-8", toBase64Url(new Uint8Array([0xff, 0xfe, 0x7c]))],
    ["too long", "a".repeat(300)],
  ])("rejects a cursor that is %s", (_, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});

describe("checkListQuery", () => {
  it("defaults to the newest 20 of any status", () => {
    expect(checkListQuery({})).toEqual({ ok: true, value: { limit: 20, after: null, status: null } });
  });

  it("resolves a cursor, a limit and a status", () => {
    expect(checkListQuery({ limit: 100, cursor: encodeCursor(position), status: "running" })).toEqual({ ok: true, value: { limit: 100, after: position, status: "running" } });
  });

  it.each([
    [{ limit: 0 }, "limit"],
    [{ limit: 101 }, "limit"],
    [{ limit: 2.5 }, "limit"],
    [{ limit: Number.NaN }, "limit"],
    [{ status: "done" }, "status"],
    [{ status: "toString" }, "status"],
    [{ cursor: "garbage" }, "cursor"],
    [{ cursor: "" }, "cursor"],
  ])("names the offending parameter of %j", (query, path) => {
    const result = checkListQuery(query);
    expect(result.ok).toBe(false);
    expect(result.ok ? null : result.error.path).toBe(path);
  });
});

describe("entryProblem", () => {
  const entry = { id: position.id, created_at: position.created_at, status: "running" as const, updated_at: position.created_at };

  it("accepts an entry built from a job record", () => {
    expect(entryProblem(entry)).toBeNull();
  });

  it.each([
    [{ id: "job 1" }, /id/],
    [{ id: "" }, /id/],
    [{ created_at: "yesterday" }, /created_at/],
    [{ updated_at: "2026-11-24T12:00:00Z" }, /updated_at/],
    [{ status: "done" }, /status/],
  ])("refuses %j", (change, problem) => {
    expect(entryProblem({ ...entry, ...change } as typeof entry)).toMatch(problem);
  });
});
