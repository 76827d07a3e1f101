import { describe, expect, it } from "vitest";
import type { Bucket } from "./rate-limit";
import { takeToken } from "./rate-limit";

describe("token bucket", () => {
  it("spaces simultaneous callers 1/rate apart", () => {
    let bucket: Bucket | undefined;
    const waits: number[] = [];
    for (let index = 0; index < 5; index++) {
      const taken = takeToken(bucket, 1_000, 20);
      bucket = taken.bucket;
      waits.push(taken.waitMs);
    }
    expect(waits).toEqual([0, 50, 100, 150, 200]);
  });

  it("never admits more than `rate` per second over time", () => {
    let bucket: Bucket | undefined;
    let admittedAt: number[] = [];
    for (let now = 0; now < 10_000; now += 10) {
      const taken = takeToken(bucket, now, 20);
      bucket = taken.bucket;
      admittedAt.push(now + taken.waitMs);
    }
    admittedAt = admittedAt.sort((a, b) => a - b);
    for (let index = 20; index < admittedAt.length; index++) {
      // any 21 consecutive admissions span at least one second
      expect(admittedAt[index]! - admittedAt[index - 20]!).toBeGreaterThanOrEqual(999);
    }
  });

  it("refills while idle, but never beyond one token", () => {
    expect(takeToken({ tokens: 0, updatedAt: 0 }, 0, 20).waitMs).toBe(50);
    expect(takeToken({ tokens: 0, updatedAt: 0 }, 60_000, 20)).toEqual({ bucket: { tokens: 0, updatedAt: 60_000 }, waitMs: 0 });
  });
});
