/**
 * The production bundle's zod (src/vendor/zod-without-locales.ts, mapped by wrangler's
 * `alias`) is zod's own entry minus `locales`: same exports, same functions, English messages.
 * Fails when a zod upgrade adds, renames or moves an export, so the copy is redone.
 */
import * as zod from "zod";
import { describe, expect, it } from "vitest";
import * as slim from "../src/vendor/zod-without-locales";

describe("zod without locales", () => {
  it("exports everything zod's entry does but `locales`, as the very same bindings", () => {
    expect(Object.keys(zod), "the test compares with zod itself (no alias under vitest)").toContain("locales");
    const expected = Object.keys(zod).filter((name) => name !== "locales").sort();
    expect(Object.keys(slim).sort()).toEqual(expected);
    for (const name of expected) {
      if (name === "z" || name === "default" || name === "core") continue;
      expect(slim[name as keyof typeof slim], name).toBe(zod[name as keyof typeof zod]);
    }
    expect(Object.keys(slim.z).sort()).toEqual(Object.keys(zod.z).filter((name) => name !== "locales").sort());
  });

  it("keeps z.core whole but its locales", () => {
    expect(Object.keys(slim.z.core).sort()).toEqual(Object.keys(zod.z.core).filter((name) => name !== "locales").sort());
    expect(slim.z.core.$ZodType).toBe(zod.z.core.$ZodType);
  });

  it("validates and reports in English, as zod does", () => {
    const result = slim.z.object({ n: slim.z.number().int() }).safeParse({ n: "x" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(zod.z.object({ n: zod.z.number().int() }).safeParse({ n: "x" }).error?.issues[0]?.message);
    expect(result.error?.issues[0]?.message).toMatch(/^Invalid input: expected number/);
  });
});
