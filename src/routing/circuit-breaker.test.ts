import { describe, expect, it } from "vitest";
import type { BreakerState } from "./circuit-breaker";
import { admit, breakerPhase, closedBreaker, recordOutcome } from "./circuit-breaker";

const policy = { threshold: 3, cooldownMs: 10_000 };
const t0 = 1_000_000;

function failTimes(count: number, state: BreakerState = closedBreaker, now = t0): BreakerState {
  for (let index = 0; index < count; index++) state = recordOutcome(state, false, now, policy);
  return state;
}

describe("circuit breaker", () => {
  it.each([
    [0, "closed"],
    [2, "closed"],
    [3, "open"],
    [4, "open"],
  ])("after %i consecutive failures it is %s", (failures, phase) => {
    expect(breakerPhase(failTimes(failures), t0)).toBe(phase);
  });

  it("a success resets the count", () => {
    const state = recordOutcome(failTimes(2), true, t0, policy);
    expect(failTimes(2, state).openUntil).toBeNull();
  });

  it("skips an open provider until the cool-down ends, then lets one trial through", () => {
    const open = failTimes(3);
    expect(admit(open, t0 + 9_999, policy)).toMatchObject({ allowed: false, retryAt: t0 + 10_000 });
    const trial = admit(open, t0 + 10_000, policy);
    expect(trial.allowed).toBe(true);
    expect(breakerPhase(trial.state, t0 + 10_000)).toBe("half_open");
    // a second request during the trial waits
    expect(admit(trial.state, t0 + 10_001, policy).allowed).toBe(false);
  });

  it("closes after a successful trial and re-opens after a failed one", () => {
    const trial = admit(failTimes(3), t0 + 10_000, policy).state;
    expect(breakerPhase(recordOutcome(trial, true, t0 + 10_050, policy), t0 + 10_050)).toBe("closed");
    const reopened = recordOutcome(trial, false, t0 + 10_050, policy);
    expect(breakerPhase(reopened, t0 + 10_051)).toBe("open");
    expect(reopened.openUntil).toBe(t0 + 20_050);
  });

  it("presumes a trial that never reported lost after another cool-down", () => {
    const trial = admit(failTimes(3), t0 + 10_000, policy).state;
    expect(admit(trial, t0 + 20_000, policy).allowed).toBe(true);
  });
});
