import { describe, expect, it } from "vitest";
import type { AdmissionWindow, Bucket } from "./rate-limit";
import { admitInWindow, tryTakeToken } from "./rate-limit";

describe("admission window (reads admitted when sent)", () => {
  it("admits up to `rate` at once, then tells each refused caller a later slot, 1/rate apart", () => {
    let window: AdmissionWindow | undefined;
    const waits: number[] = [];
    for (let index = 0; index < 22; index++) {
      const taken = admitInWindow(window, 1_000, 18);
      window = taken.window;
      waits.push(taken.waitMs);
    }
    expect(waits.slice(0, 18)).toEqual(new Array(18).fill(0));
    expect(waits.slice(18)).toEqual([1000, 1056, 1112, 1167]);
  });

  it("never admits more than `rate` in any one-second window, however late callers come back", () => {
    let window: AdmissionWindow | undefined;
    const admitted: number[] = [];
    // 400 callers, each asking at a random time and again (late by up to 300 ms) when told to wait.
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const asks = Array.from({ length: 400 }, () => Math.floor(random() * 10_000)).sort((a, b) => a - b);
    const queue = asks.map((at) => ({ at }));
    while (queue.length > 0) {
      queue.sort((a, b) => a.at - b.at);
      const next = queue.shift()!;
      const taken = admitInWindow(window, next.at, 18);
      window = taken.window;
      if (taken.waitMs === 0) admitted.push(next.at);
      else queue.push({ at: next.at + taken.waitMs + Math.floor(random() * 300) });
    }
    expect(admitted).toHaveLength(400);
    for (let index = 18; index < admitted.length; index++) {
      // any 19 consecutive admissions span more than a second
      expect(admitted[index]! - admitted[index - 18]!).toBeGreaterThanOrEqual(1000);
    }
  });

  it("forgets admissions older than a second", () => {
    const full = { admitted: new Array(18).fill(0), nextHint: 0 };
    expect(admitInWindow(full, 999, 18).waitMs).toBeGreaterThan(0);
    expect(admitInWindow(full, 1_000, 18).waitMs).toBe(0);
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
