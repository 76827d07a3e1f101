/**
 * Jobs complete only with whole outputs: the emulator's cut downloads (halfway, without a
 * Content-Length) are refused and retried, never stored; a whole output carries the
 * width, height and duration its headers state.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { emulatorTask, image, jobStub, resetEmulator, setFaults, submit, waitForJob } from "./helpers";

afterEach(resetEmulator);

async function copyFailures(id: string): Promise<Array<{ code: string; retryable: boolean }>> {
  const events = (await jobStub(id).events("dev")) ?? [];
  return events.filter((event) => event.type === "copy_failed").map((event) => JSON.parse(event.detail!) as { code: string; retryable: boolean });
}

describe("whole outputs only", () => {
  it("a completed video shows its width, height and duration, read from the file", async () => {
    const { json } = await submit({ first_frame: image, resolution: "1080p", duration: 4 }, { provider: "evolink" });
    const job = await waitForJob(json.id);
    expect(job.status).toBe("completed");
    // the emulator's file says what was asked for in its own headers (tkhd, mvhd)
    expect(job.outputs[0]).toMatchObject({ content_type: "video/mp4", width: 1920, height: 1080, duration_seconds: 4 });
  });

  it("a download cut halfway without Content-Length is never stored; the retry completes with the provider's file", async () => {
    await setFaults({ provider: "evolink", media_bytes: 12 * 1024 * 1024, media_no_length: true, media_abort_rate: 1 });
    const { json } = await submit();
    const deadline = Date.now() + 20_000;
    while ((await copyFailures(json.id)).length === 0) {
      if (Date.now() > deadline) throw new Error("no copy failure recorded");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [failure] = await copyFailures(json.id);
    expect(failure).toMatchObject({ retryable: true });
    expect(["output_incomplete", "output_download_failed"]).toContain(failure!.code);
    // Nothing of the cut download is in R2, and the job is not completed.
    expect((await env.MEDIA.list({ prefix: `outputs/${json.id}/` })).objects).toEqual([]);
    expect((await waitForJob(json.id, () => true)).status).toBe("running");

    await setFaults({ provider: "evolink", media_bytes: 12 * 1024 * 1024, media_no_length: true });
    const job = await waitForJob(json.id, undefined, 30_000);
    expect(job.status).toBe("completed");
    expect(job.outputs[0]!.sha256).toBe((await emulatorTask(job.attempts[0]!.upstream_id!)).output_sha256[0]);
    expect(job.outputs[0]!.bytes).toBe(12 * 1024 * 1024);
    expect((await env.MEDIA.list({ prefix: `outputs/${json.id}/` })).objects).toHaveLength(1);
  });
});
