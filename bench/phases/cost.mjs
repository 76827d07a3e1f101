/**
 * @module bench/phases/cost — what one completed i2v job uses of every billed Cloudflare
 * resource, counted on a fan-out of jobs through the metered stack (bench/worker/meter.ts):
 * one fan-out per path — EvoLink (callbacks) and DashScope (polled, under its read budget) —
 * each from a zeroed tally to the last job's last effect. Each job has a webhook (the
 * emulator's receiver) and a first frame the gateway can fetch, so it does all of its work:
 * submit, create, callback or reads, the copy with its checks, the poster and its thumbnail,
 * the webhook delivery. Nothing else runs in the stack meanwhile; the benchmark learns the
 * ends from the webhook receiver, never by reading the jobs.
 *
 * Then, separately, what a client adds: one `GET /v1/jobs/{id}` and one download of the
 * output (a cold read: the edge cache fills).
 *
 * CPU: the gateway's workerd process's CPU time over the fan-out (/proc), divided by the jobs
 * — an upper bound of the Worker's CPU: it also holds every Durable Object (billed by duration,
 * not CPU), local SQLite and local R2.
 */
import { readFileSync } from "node:fs";
import { runLoad } from "../lib/load.mjs";
import { busiestWindow, client, dashscopeReadsAtEmulator, json, progress, sleep } from "../lib/client.mjs";

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const withoutTimes = ({ dashscope_read_times: _, ...rest }) => rest;

export async function costPhase(stack, { quick }) {
  const { gatewayUrl, emulatorUrl, gatewayPid } = stack;
  const api = client(stack);
  const meter = async () => json(await fetch(`${gatewayUrl}/__bench/meter`), "meter");
  const resetMeter = async () => json(await fetch(`${gatewayUrl}/__bench/meter/reset`, { method: "POST" }), "meter reset");
  if (!(await meter()).enabled) throw new Error("the cost phase needs a stack started with meter: true");
  const jobs = quick ? 60 : 200;
  // What each provider charges, from the gateway's price book as /v1/models shows it.
  const models = await json(await fetch(`${gatewayUrl}/v1/models`, { headers: { authorization: "Bearer wan-edge-dev-key" } }), "models");
  const providerPrices = Object.fromEntries(models.data.find((model) => model.id === "wan2.7-i2v").providers.map((provider) => [provider.id, provider.price]));
  const result = { jobs_per_path: jobs, provider_prices: providerPrices, paths: {} };
  await api.faults({ duration_ms: 1500 });
  for (const provider of ["evolink", "dashscope"]) {
    progress(`cost: ${jobs} ${provider} jobs`);
    const sink = `cost-${provider}`;
    await resetMeter();
    const cpuBefore = cpuSeconds(gatewayPid);
    const started = Date.now();
    const ids = [];
    await runLoad({
      name: `${provider} submits`,
      concurrency: 8,
      requests: jobs,
      warmup: 0,
      request: async (index) => {
        const response = await api.postJob(api.i2v(60_000 + index + (provider === "dashscope" ? 10_000 : 0), { provider, webhook: `${emulatorUrl}/__control/webhooks/${sink}` }));
        ids.push((await json(response.clone(), "cost job")).id);
        return response;
      },
    });
    // The end: every job's terminal webhook arrived, then nothing more is counted for 3 s
    // (posters, thumbnails and listings come after `completed`).
    const terminal = {};
    for (let waited = 0; Object.keys(terminal).length < jobs; waited += 500) {
      if (waited > 600_000) throw new Error(`cost: ${provider} jobs did not all end`);
      await sleep(500);
      for (const delivery of await json(await fetch(`${emulatorUrl}/__control/webhooks/${sink}`), "webhook deliveries")) {
        const event = JSON.parse(delivery.body);
        if (["job.completed", "job.failed", "job.canceled"].includes(event.type)) terminal[event.data.id] = event.type;
      }
    }
    let last = JSON.stringify(await meter());
    for (let quiet = 0; quiet < 6; ) {
      await sleep(500);
      const now = JSON.stringify({ ...(await meter()), do_busy_seconds: 0 });
      quiet = now === last ? quiet + 1 : 0;
      last = now;
    }
    const counted = await meter();
    const cpu = cpuSeconds(gatewayPid) - cpuBefore;
    // DashScope's read budget, where each read left the gateway and where the emulator took it.
    const sent = counted.dashscope_read_times.sort((a, b) => a - b);
    delete counted.dashscope_read_times;
    const received = (await dashscopeReadsAtEmulator(emulatorUrl)).map((read) => read.at).filter((at) => at >= started).sort((a, b) => a - b);
    const readBudget = sent.length === 0 ? null : { reads: sent.length, sent_max_in_any_second: busiestWindow(sent), received_max_in_any_second: busiestWindow(received) };
    const statuses = Object.values(terminal).reduce((tally, type) => ({ ...tally, [type]: (tally[type] ?? 0) + 1 }), {});
    const dbSizes = await json(await fetch(`${gatewayUrl}/__bench/job-db-sizes`, { method: "POST", body: JSON.stringify(ids) }), "db sizes");
    const done = await Promise.all(ids.slice(0, 20).map((id) => api.getJob(id)));
    const output = done.find((job) => job.status === "completed")?.outputs[0];
    result.paths[provider] = {
      jobs,
      statuses,
      wall_ms: Date.now() - started,
      counted,
      gateway_cpu_seconds: Math.round(cpu * 100) / 100,
      job_db_bytes_mean: Math.round(dbSizes.reduce((sum, size) => sum + size, 0) / dbSizes.length),
      stored_bytes: output ? { output: output.bytes } : null,
      ...(readBudget ? { dashscope_read_budget: readBudget } : {}),
    };
    // What a client adds: one read of the job and one download of its output.
    const finished = await Promise.all(ids.map((id) => api.getJob(id)));
    await resetMeter();
    for (const job of finished) await (await fetch(`${gatewayUrl}/v1/jobs/${job.id}`, { headers: { authorization: "Bearer wan-edge-dev-key" } })).arrayBuffer();
    result.paths[provider].client_read = withoutTimes(await meter());
    await resetMeter();
    for (const job of finished) if (job.outputs?.[0]) await (await fetch(job.outputs[0].url)).arrayBuffer();
    await sleep(1000); // the cache fills run after the answers
    result.paths[provider].client_download = withoutTimes(await meter());
  }
  await api.clearFaults();
  return result;
}
