import { describe, expect, it } from "vitest";
import type { Bucket } from "./rate-limit";
import { takeToken, tryTakeToken } from "./rate-limit";

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

describe("refusing token bucket (tenant submit rate)", () => {
  it("lets a burst of `perMinute` through, then refuses with the time to the next token", () => {
    let bucket: Bucket | undefined;
    const outcomes: boolean[] = [];
    for (let index = 0; index < 6; index++) {
      const taken = tryTakeToken(bucket, 1_000, 5);
      bucket = taken.bucket;
      outcomes.push(taken.ok);
    }
    expect(outcomes).toEqual([true, true, true, true, true, false]);
    expect(tryTakeToken(bucket, 1_000, 5).retryAfterMs).toBe(12_000);
  });

  it("refills continuously and never beyond the burst", () => {
    const empty = { tokens: 0, updatedAt: 0 };
    expect(tryTakeToken(empty, 11_999, 5).ok).toBe(false);
    expect(tryTakeToken(empty, 12_000, 5).ok).toBe(true);
    expect(tryTakeToken(empty, 3_600_000, 5).bucket.tokens).toBe(4);
  });

  it("admits at most the burst plus a minute of refill in any minute, however callers arrive", () => {
    let bucket: Bucket | undefined;
    const admitted: number[] = [];
    for (let now = 0; now < 300_000; now += 250) {
      const taken = tryTakeToken(bucket, now, 30);
      bucket = taken.bucket;
      if (taken.ok) admitted.push(now);
    }
    // the burst, then one every 2 s
    for (let index = 60; index < admitted.length; index++) expect(admitted[index]! - admitted[index - 60]!).toBeGreaterThanOrEqual(60_000);
  });
});
