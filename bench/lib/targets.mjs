/**
 * @module bench/lib/targets — every target of issue 17 as `{value, target, met}`, from the
 * figures of one run. Figures the issue asks for without a goal (drain time, peak memory,
 * cost) are listed with `met: null`.
 */
import { ratio } from "./client.mjs";
import { edgeRoutes } from "../phases/edge.mjs";

const goal = (value, target, met) => ({ value, target, met });
const recorded = (value, note) => ({ value, target: `recorded (${note})`, met: null });

function edgeTargets(edge) {
  const row = (name, concurrency) => edge.find((candidate) => candidate.name === name && candidate.concurrency === concurrency);
  const status = ratio(row(edgeRoutes.status, 16).rps, row(edgeRoutes.bare, 16).rps);
  const statusP99 = ratio(row(edgeRoutes.status, 16).p99_ms, row(edgeRoutes.bare, 16).p99_ms);
  const submit = ratio(row(edgeRoutes.submit, 16).rps, row(edgeRoutes.sameWork, 16).rps);
  const limit = Math.round((row(edgeRoutes.sameWork, 1).p50_ms + 1.5) * 100) / 100;
  const submitP50 = row(edgeRoutes.submit, 1).p50_ms;
  return {
    status_rps_vs_bare: goal(status, "≥ 0.5", status >= 0.5),
    status_p99_vs_bare: goal(statusP99, "≤ 3", statusP99 <= 3),
    submit_rps_vs_same_work_ceiling: goal(submit, "≥ 0.85 (16 connections)", submit >= 0.85),
    submit_p50_at_1_ms: goal(submitP50, `≤ ${limit} (same-work ceiling p50 + 1.5 ms)`, submitP50 <= limit),
    submit_rps_vs_same_work_and_listing: recorded(ratio(row(edgeRoutes.submit, 16).rps, row(edgeRoutes.sameWorkListed, 16).rps), "diagnostic: the ceiling plus the tenant-index write"),
    submit_rps_vs_same_work_listing_and_admission: recorded(ratio(row(edgeRoutes.submit, 16).rps, row(edgeRoutes.sameWorkAdmitted, 16).rps), "diagnostic: the ceiling plus the listing and the tenant account's admission"),
    submit_p50_at_1_over_admitted_ceiling_ms: recorded(Math.round((submitP50 - row(edgeRoutes.sameWorkAdmitted, 1).p50_ms) * 100) / 100, "diagnostic: the submit's p50 above the ceiling with listing and admission"),
    submit_rps_vs_create_do_reference: recorded(ratio(row(edgeRoutes.submit, 16).rps, row(edgeRoutes.createDo, 16).rps), "reference row: a route with one commit"),
  };
}

function copyTargets(copy) {
  const biggest = copy.rows.at(-1);
  const withLength = ratio(biggest.with_length_ms, biggest.pipe_ms);
  const withoutLength = ratio(biggest.without_length_ms, biggest.pipe_ms);
  const growth = copy.memory.gateway_added_growth_mb;
  return {
    copy_with_length_vs_pipe: goal(withLength, `≤ 1.1 (${biggest.megabytes} MB)`, withLength <= 1.1),
    copy_without_length_vs_pipe: goal(withoutLength, `≤ 1.1 (${biggest.megabytes} MB)`, withoutLength <= 1.1),
    copy_peak_memory_growth_mb: goal(growth, `< 64 (the gateway's copy peak above the bare pipe's, ${copy.rows[0].megabytes} → ${biggest.megabytes} MB)`, growth < 64),
  };
}

function mediaTargets(media) {
  const targets = {};
  const find = (size, concurrency, name) => media.find((row) => row.size === size && row.concurrency === concurrency && row.name === name);
  for (const size of [...new Set(media.map((row) => row.size))]) {
    for (const concurrency of [16, 1]) {
      for (const mode of ["whole", "range"]) {
        const bare = find(size, concurrency, `bare R2 get, ${mode}`);
        const cold = find(size, concurrency, `GET /media cold, ${mode}`);
        const warm = find(size, concurrency, `GET /media warm, ${mode}`);
        if (!bare || !cold || !warm) continue;
        const key = `media_${size.replace(" ", "").toLowerCase()}_${mode}_c${concurrency}`;
        const coldRps = ratio(cold.rps, bare.rps);
        const coldP99 = ratio(cold.p99_ms, bare.p99_ms);
        const warmRps = ratio(warm.rps, bare.rps);
        targets[`${key}_cold_rps_vs_r2`] = goal(coldRps, "≥ 0.9", coldRps >= 0.9);
        targets[`${key}_cold_p99_vs_r2`] = goal(coldP99, "≤ 1.5", coldP99 <= 1.5);
        targets[`${key}_warm_rps_vs_r2`] = goal(warmRps, "≥ 1.5", warmRps >= 1.5);
      }
    }
  }
  return targets;
}

export function computeTargets(results) {
  const { scale, cost, bundle } = results;
  return {
    ...edgeTargets(results.edge),
    callback_to_completed_p50_ms: goal(results.callbacks.completion.p50_ms, "< 15", results.callbacks.completion.p50_ms < 15),
    ...copyTargets(results.copy),
    ...mediaTargets(results.media),
    scale_completed: goal(
      `${scale.statuses.completed ?? 0}/${scale.jobs} (sample read: ${scale.sample_read["completed with outputs"] ?? 0}/${scale.sample_read.jobs})`,
      `${scale.jobs}/${scale.jobs}, every sampled job completed with its output`,
      scale.failures === 0 && scale.drained_ms !== null && scale.sample_read["completed with outputs"] === scale.sample_read.jobs,
    ),
    scale_dashscope_reads_max_per_second: goal(scale.dashscope_reads.max_in_any_second, "≤ 20 (any one-second window, at the emulator)", scale.dashscope_reads.max_in_any_second <= 20),
    scale_drain_s: recorded(scale.drained_ms === null ? null : Math.round(scale.drained_ms / 100) / 10, "first submit → nothing queued or running"),
    scale_gateway_peak_rss_mb: recorded(scale.peak_rss_mb, "the gateway's workerd: the Worker, every Durable Object, local R2"),
    ...Object.fromEntries(
      Object.entries(cost.model).map(([provider, model]) => [
        `cost_usd_per_1000_jobs_${provider}`,
        recorded(model.usd_per_1000_jobs.compute_total, `Cloudflare compute; the provider charges $${model.provider_usd_per_1000_jobs.usd}`),
      ]),
    ),
    bundle_gzip_kb: goal(Math.round(bundle.gzip_bytes / 102.4) / 10, "≤ 130, emulator absent", bundle.gzip_bytes <= 130 * 1024 && bundle.emulator_absent),
  };
}
