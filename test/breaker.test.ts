import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { ProviderBreaker } from "../src/routing/circuit-breaker";
import { emulatorLog, image, resetEmulator, setFaults, submit } from "./helpers";

afterEach(resetEmulator);

const breaker = () => env.BREAKERS.get(env.BREAKERS.idFromName("evolink"));
const evolinkCreates = async () => (await emulatorLog()).filter((entry) => entry.provider === "evolink" && entry.method === "POST").length;

describe("the per-provider circuit breaker", () => {
  it("opens after K consecutive failures, skips the provider, and closes after the cool-down", async () => {
    await setFaults({ provider: "evolink", submit_status: 503 });
    // BREAKER_THRESHOLD is 5 in wrangler.toml: five jobs each fail at evolink, then fail over.
    for (let index = 0; index < 5; index++) {
      const { json } = await submit({ first_frame: image }, { provider: ["evolink", "shortapi"] });
      expect(json.attempts.map((attempt) => attempt.provider)).toEqual(["evolink", "shortapi"]);
    }
    expect(await breaker().status()).toMatchObject({ phase: "open", consecutiveFailures: 5 });

    // While open, jobs skip evolink without calling it.
    const creates = await evolinkCreates();
    const skipped = await submit({ first_frame: image }, { provider: ["evolink", "shortapi"] });
    expect(skipped.json.attempts.map((attempt) => attempt.provider)).toEqual(["shortapi"]);
    expect(await evolinkCreates()).toBe(creates);

    // After the cool-down one trial goes through; evolink has recovered, so it closes.
    await resetEmulator();
    await runInDurableObject(breaker(), (instance: ProviderBreaker) => {
      instance.now = () => Date.now() + 31_000;
    });
    const trial = await submit({ first_frame: image }, { provider: ["evolink", "shortapi"] });
    expect(trial.json.attempts.map((attempt) => [attempt.provider, attempt.status])).toEqual([["evolink", "running"]]);
    expect(await breaker().status()).toMatchObject({ phase: "closed", consecutiveFailures: 0 });
  });
});
