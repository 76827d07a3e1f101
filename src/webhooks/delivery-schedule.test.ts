import { describe, expect, it } from "vitest";
import { classifyDeliveryResponse, maxDeliveryAttempts, nextDeliveryAt } from "./delivery-schedule";

const t = Date.parse("2026-11-24T12:00:00.000Z");
const s = 1000;
const min = 60 * s;
const h = 60 * min;

describe("nextDeliveryAt", () => {
  it.each([
    [0, t],
    [1, t + 5 * s],
    [2, t + 5 * min],
    [3, t + 30 * min],
    [4, t + 2 * h],
    [5, t + 5 * h],
    [6, t + 10 * h],
    [7, t + 10 * h],
    [8, null],
    [9, null],
  ])("after %d failed attempts → %s", (attempts, expected) => {
    expect(nextDeliveryAt(attempts, t)).toBe(expected);
  });

  it("gives up after eight attempts in about 28 hours", () => {
    expect(maxDeliveryAttempts).toBe(8);
    let at = t;
    for (let attempts = 1; attempts < maxDeliveryAttempts; attempts++) at = nextDeliveryAt(attempts, at)!;
    expect(at - t).toBe(5 * s + 5 * min + 30 * min + 2 * h + 5 * h + 10 * h + 10 * h);
    expect(nextDeliveryAt(maxDeliveryAttempts, at)).toBeNull();
  });
});

describe("classifyDeliveryResponse", () => {
  it.each([
    [200, "delivered"],
    [201, "delivered"],
    [204, "delivered"],
    [299, "delivered"],
    [410, "gone"],
    [301, "retry"],
    [302, "retry"],
    [304, "retry"],
    [400, "retry"],
    [401, "retry"],
    [404, "retry"],
    [429, "retry"],
    [500, "retry"],
    [503, "retry"],
    ["timeout", "retry"],
    ["network", "retry"],
  ] as const)("%s → %s", (result, outcome) => {
    expect(classifyDeliveryResponse(result)).toBe(outcome);
  });
});
