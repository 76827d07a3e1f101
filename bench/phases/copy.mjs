/**
 * @module bench/phases/copy — the media copy (upstream file → R2, with the whole-file
 * checks) against a bare pipe of the same file into `R2.put`, with and without a
 * Content-Length, and the peak resident memory of the gateway's workerd during each.
 *
 * Local R2 runs in the gateway's own workerd process and the bare pipe alone grows its RSS:
 * the memory target is read on what the gateway's copy adds above the bare pipe.
 */
import { sampleRss } from "../lib/memory.mjs";
import { client, json, median, MiB, progress, sleep } from "../lib/client.mjs";

export async function copyPhase(stack, { quick, rounds: biggestRounds = 1 }) {
  const { gatewayUrl, gatewayPid } = stack;
  const api = client(stack);
  const sizes = quick ? [10, 100] : [10, 100, 500];
  const rows = [];
  for (const megabytes of sizes) {
    const bytes = megabytes * MiB;
    const rounds = megabytes === sizes.at(-1) ? biggestRounds : 1;
    const samples = { pipe_ms: [], with_length_ms: [], without_length_ms: [] };
    const row = { megabytes, rounds, pipe_peak_rss_mb: 0, with_length_peak_rss_mb: 0, without_length_peak_rss_mb: 0 };
    for (let round = 0; round < rounds; round++) {
      progress(`copy ${megabytes} MB${rounds > 1 ? ` (round ${round + 1}/${rounds})` : ""}`);
      // The ceiling: a bare route piping the same emulator file into R2.put with a known length.
      await api.faults({ provider: "evolink", duration_ms: 200, media_bytes: bytes, callback_drop_rate: 1 });
      const probe = await api.accepted(await json(await api.postJob(api.i2v(30_000 + megabytes * 10 + round)), "probe job")); // any task of that size gives a file URL
      const upstreamId = probe.attempts.find((attempt) => attempt.upstream_id).upstream_id;
      const fileUrl = (await api.tasks()).find((task) => task.id === upstreamId).output_urls[0];
      // Only its file is wanted: cancel the probe so that it never copies in the background
      // (its poll comes a minute later, in the middle of a later measurement).
      await (await fetch(`${gatewayUrl}/v1/jobs/${probe.id}/cancel`, { method: "POST", headers: { authorization: "Bearer wan-edge-dev-key" } })).arrayBuffer();
      await sleep(300);
      await api.clearMedia();
      const pipeStarted = Date.now();
      const pipeSampler = sampleRss(gatewayPid);
      const pipe = await json(await fetch(`${gatewayUrl}/__bench/pipe?url=${encodeURIComponent(fileUrl)}`, { method: "POST" }), "bare pipe");
      row.pipe_peak_rss_mb = Math.max(row.pipe_peak_rss_mb, Math.round(pipeSampler.stop() / MiB));
      samples.pipe_ms.push(Date.now() - pipeStarted);
      row.pipe_bytes = pipe.bytes;
      for (const [label, noLength] of [["with_length", false], ["without_length", true]]) {
        await api.clearMedia();
        await api.faults({ provider: "evolink", duration_ms: 200, media_bytes: bytes, media_no_length: noLength });
        const sampler = sampleRss(gatewayPid);
        const job = await api.untilTerminal((await json(await api.postJob(api.i2v(40_000 + megabytes * 10 + round * 2 + (noLength ? 1 : 0))), "copy job")).id, 300_000);
        const peak = sampler.stop();
        if (job.status !== "completed") throw new Error(`copy job failed: ${JSON.stringify(job.error)}`);
        if (job.outputs[0].bytes !== bytes) throw new Error(`copy job stored ${job.outputs[0].bytes} bytes, not ${bytes}`);
        samples[`${label}_ms`].push(Date.parse(job.completed_at) - (await api.upstreamCompletedAt(job.attempts.at(-1).upstream_id)));
        row[`${label}_peak_rss_mb`] = Math.max(row[`${label}_peak_rss_mb`], Math.round(peak / MiB));
      }
      await api.forget();
    }
    for (const [name, values] of Object.entries(samples)) row[name] = median(values);
    if (rounds > 1) row.samples = samples;
    row.gateway_added_rss_mb = Math.max(row.with_length_peak_rss_mb, row.without_length_peak_rss_mb) - row.pipe_peak_rss_mb;
    rows.push(row);
  }
  await api.clearFaults();
  const copyPeak = (row) => Math.max(row.with_length_peak_rss_mb, row.without_length_peak_rss_mb);
  const [smallest, biggest] = [rows[0], rows.at(-1)];
  return {
    rows,
    memory: {
      process_growth_mb: copyPeak(biggest) - copyPeak(smallest),
      bare_pipe_growth_mb: biggest.pipe_peak_rss_mb - smallest.pipe_peak_rss_mb,
      gateway_added_growth_mb: biggest.gateway_added_rss_mb - smallest.gateway_added_rss_mb,
    },
  };
}
