import { describe, expect, it } from "vitest";
import type { Config } from "../env";
import { callbacksReach } from "./job-upstream";

const provider = (baseUrl: string) => ({ baseUrl, apiKey: "k" });
const config = (publicBaseUrl: string, baseUrl: string): Pick<Config, "publicBaseUrl" | "providers" | "emulatorOrigin"> =>
  ({ publicBaseUrl, emulatorOrigin: "http://127.0.0.1:8788", providers: { evolink: provider(baseUrl) } }) as Pick<Config, "publicBaseUrl" | "providers" | "emulatorOrigin">;

describe("callback URLs only where the provider can call back", () => {
  it("sends them from a public gateway to any provider", () => {
    expect(callbacksReach(config("https://wan.example.com", "https://api.evolink.ai"), "evolink")).toBe(true);
  });

  it("sends them from a laptop only to the emulator (or another local stand-in); a real provider is polled", () => {
    expect(callbacksReach(config("http://127.0.0.1:8787", "http://127.0.0.1:8788/evolink"), "evolink")).toBe(true);
    expect(callbacksReach(config("http://127.0.0.1:8787", "https://api.evolink.ai"), "evolink")).toBe(false);
    expect(callbacksReach(config("http://localhost:8787", "https://api.evolink.ai"), "evolink")).toBe(false);
  });
});
