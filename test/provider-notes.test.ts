/**
 * What /v1/models and routing say about a feature a provider lists but does not document
 * (PixelDojo's image edits, audit P1).
 */
import { describe, expect, it } from "vitest";
import { gateway } from "./helpers";

interface ModelList {
  data: Array<{ id: string; providers: Array<{ id: string; note?: string; features: Record<string, unknown> }> }>;
}

describe("a provider that cannot take edits yet", () => {
  it("is listed for wan2.7-image-pro with no input images and a note saying why", async () => {
    const body = (await (await gateway("/v1/models")).json()) as ModelList;
    const providers = body.data.find((model) => model.id === "wan2.7-image-pro")!.providers;
    const pixeldojo = providers.find((provider) => provider.id === "pixeldojo")!;
    expect(pixeldojo.features.maxInputImages).toBe(0);
    expect(pixeldojo.note).toMatch(/documents no field for the input images/);
    expect(pixeldojo.features).not.toHaveProperty("sizeProblem");
    // Only providers with something to say carry a note.
    expect(providers.find((provider) => provider.id === "dashscope")).not.toHaveProperty("note");
  });

  it("is never sent an edit: pinned to it, the request names the reason", async () => {
    const response = await gateway("/v1/jobs", {
      method: "POST",
      body: JSON.stringify({ model: "wan2.7-image-pro", input: { prompt: "make it blue", images: ["https://cdn.example.com/cat.png"] }, provider: "pixeldojo" }),
    });
    const json = (await response.json()) as { excluded?: Array<{ provider: string; reason: string }> };
    // 503 no_provider today; issue 12's item 7 makes a refusal for what is asked a 422 unsupported.
    expect([422, 503]).toContain(response.status);
    expect(json.excluded).toEqual([{ provider: "pixeldojo", reason: "input images are not supported" }]);
  });
});
