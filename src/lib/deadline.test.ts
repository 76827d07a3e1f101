import { describe, expect, it } from "vitest";
import { withDeadline } from "./deadline";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("withDeadline", () => {
  it("aborts work still running at the deadline with a TimeoutError", async () => {
    let seen: AbortSignal | undefined;
    const outcome = await withDeadline(20, (signal) => {
      seen = signal;
      return new Promise<string>((resolve) => signal.addEventListener("abort", () => resolve("aborted"), { once: true }));
    });
    expect(outcome).toBe("aborted");
    expect(seen!.aborted).toBe(true);
    expect((seen!.reason as DOMException).name).toBe("TimeoutError");
  });

  it("leaves no timer once the work has answered (AbortSignal.timeout would still fire)", async () => {
    let seen: AbortSignal | undefined;
    expect(await withDeadline(20, async (signal) => ((seen = signal), "done"))).toBe("done");
    const timeoutSignal = AbortSignal.timeout(20);
    await sleep(60);
    expect(timeoutSignal.aborted).toBe(true); // the platform's own timer fired after all
    expect(seen!.aborted).toBe(false); // ours was cleared
  });

  it("clears the timer when the work fails too, and passes the failure on", async () => {
    let seen: AbortSignal | undefined;
    await expect(withDeadline(20, async (signal) => {
      seen = signal;
      throw new Error("upstream refused");
    })).rejects.toThrow("upstream refused");
    await sleep(60);
    expect(seen!.aborted).toBe(false);
  });
});
