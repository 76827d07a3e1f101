import { describe, expect, it } from "vitest";
import type { Config } from "../env";
import type { JobRecord } from "../jobs/job-types";
import { eligibleProviders } from "./eligibility";

const video = (input: Record<string, unknown>): Pick<JobRecord, "model" | "input"> => ({
  model: "wan2.7-i2v",
  input: { first_frame: "https://e.com/a.png", mode: "first_frame", resolution: "720p", duration: 5, prompt_extend: false, watermark: false, ...input } as JobRecord["input"],
});
const provider = { baseUrl: "https://api.example.com", apiKey: "k" };

describe("eligibility", () => {
  it("marks a provider left out only for not being configured as capable", () => {
    const config = { providers: { evolink: provider }, providerOrder: [] } as unknown as Pick<Config, "providers" | "providerOrder">;
    const { eligible, excluded } = eligibleProviders(video({ prompt: "p" }), ["aimlapi", "evolink"], config);
    expect(eligible).toEqual(["evolink"]);
    expect(excluded).toEqual([{ provider: "aimlapi", reason: "not configured", capable: true }]);
  });

  it("marks a provider that cannot do what the request asks as not capable, configured or not", () => {
    const config = { providers: { aimlapi: provider }, providerOrder: [] } as unknown as Pick<Config, "providers" | "providerOrder">;
    const { eligible, excluded } = eligibleProviders(video({ prompt: "p", duration: 7 }), ["aimlapi", "shortapi"], config);
    expect(eligible).toEqual([]);
    expect(excluded).toEqual([
      { provider: "aimlapi", reason: "duration 7 is not supported (allowed: 5/10/15)", capable: false },
      { provider: "shortapi", reason: "not configured", capable: true },
    ]);
  });
});
