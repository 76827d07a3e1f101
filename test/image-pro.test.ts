import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { JobJson } from "./helpers";
import { emulatorLog, emulatorTask, gateway, resetEmulator, sha256Hex, waitForJob } from "./helpers";

afterEach(resetEmulator);

async function submitImage(input: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const response = await gateway("/v1/jobs", { method: "POST", body: JSON.stringify({ model: "wan2.7-image-pro", input, ...extra }) });
  return { response, json: (await response.json()) as JobJson & { errors?: Array<{ path: string; message: string }>; excluded?: Array<{ provider: string; reason: string }> } };
}

describe("wan2.7-image-pro", () => {
  it.each(["dashscope", "pixeldojo", "aimlapi"])("completes on %s with PNG outputs in R2", async (provider) => {
    const { response, json } = await submitImage({ prompt: "a red fox in snow", size: "1K", seed: 5 }, { provider });
    expect(response.status, JSON.stringify(json)).toBe(provider === "aimlapi" ? 202 : 202);
    const job = await waitForJob(json.id, undefined, 30_000);
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    expect(job.provider).toBe(provider);
    expect(job.outputs).toHaveLength(1);
    expect(job.outputs[0]).toMatchObject({ content_type: "image/png", index: 0 });
    expect(job.usage).toMatchObject({ images: 1, billed_seconds: null });
    const upstream = await emulatorTask(job.attempts[0]!.upstream_id!).catch(() => null);
    if (upstream) expect(job.outputs[0]!.sha256).toBe(upstream.output_sha256[0]);
    const media = await gateway(new URL(job.outputs[0]!.url).pathname, { key: null });
    const bytes = new Uint8Array(await media.arrayBuffer());
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(await sha256Hex(bytes)).toBe(job.outputs[0]!.sha256);
  });

  it("turns a 12-image sequential set into 12 R2 outputs in index order", async () => {
    const { json } = await submitImage({ prompt: "a comic strip about a cat", enable_sequential: true, n: 12 }, { provider: "dashscope" });
    const job = await waitForJob(json.id, undefined, 60_000);
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    expect(job.outputs.map((output) => output.index)).toEqual([...Array(12).keys()]);
    expect(new Set(job.outputs.map((output) => output.sha256)).size).toBe(12);
    // The outputs, and (made after completion, so some may still be on their way) their thumbnails.
    const stored = (await env.MEDIA.list({ prefix: `outputs/${json.id}/` })).objects.map((object) => object.key);
    expect(stored.filter((key) => !key.endsWith(".thumb.webp")).sort()).toEqual(job.outputs.map((output) => new URL(output.url).pathname.slice("/media/".length)).sort());
    const upstream = await emulatorTask(job.attempts[0]!.upstream_id!);
    expect(job.outputs.map((output) => output.sha256)).toEqual(upstream.output_sha256);
  });

  it("routes 4K only where 4K is possible", async () => {
    const before = (await emulatorLog()).length;
    const { json } = await submitImage({ prompt: "a mountain at dawn", size: "4K" });
    const job = await waitForJob(json.id, undefined, 30_000);
    expect(job.status).toBe("completed");
    expect(["dashscope", "pixeldojo"]).toContain(job.provider);
    const tried = (await emulatorLog()).slice(before).map((entry) => entry.provider);
    expect(tried).not.toContain("aimlapi");

    const pinned = await submitImage({ prompt: "a mountain at dawn", size: "4K" }, { provider: "aimlapi" });
    expect(pinned.response.status).toBe(422);
    expect(pinned.json.code).toBe("unsupported");
    expect(pinned.json.excluded).toEqual([{ provider: "aimlapi", reason: "size 4K is not supported" }]);
  });

  it.each([
    [{ prompt: "x", size: "4K", images: ["https://cdn.example.com/a.png"] }, ["input.size"]],
    [{ prompt: "x", size: "4K", enable_sequential: true, n: 6 }, ["input.size"]],
    [{ prompt: "x", n: 5 }, ["input.n"]],
    [{ prompt: "x", n: 13, enable_sequential: true }, ["input.n"]],
    [{ prompt: "x", enable_sequential: true, thinking_mode: true }, ["input.thinking_mode"]],
    [{ prompt: "", size: "9999*9999" }, ["input.prompt", "input.size"]],
    [{ prompt: "x", images: Array(10).fill("https://cdn.example.com/a.png") }, ["input.images"]],
    [{ prompt: "x", color_palette: [{ hex: "#FF0000", ratio: "50.00%" }, { hex: "#00FF00", ratio: "30.00%" }, { hex: "#0000FF", ratio: "19.99%" }] }, ["input.color_palette"]],
  ])("rejects %j naming %j", async (input, paths) => {
    const { response, json } = await submitImage(input);
    expect(response.status).toBe(400);
    expect(json.errors!.map((error) => error.path).sort()).toEqual([...paths].sort());
  });

  it("accepts a palette whose ratios sum to exactly 100.00%", async () => {
    const palette = [{ hex: "#FF0000", ratio: "33.34%" }, { hex: "#00FF00", ratio: "33.33%" }, { hex: "#0000FF", ratio: "33.33%" }];
    const { response, json } = await submitImage({ prompt: "a flag", color_palette: palette }, { provider: "dashscope" });
    expect(response.status, JSON.stringify(json)).toBe(202);
  });
});
