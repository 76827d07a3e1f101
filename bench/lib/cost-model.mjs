/**
 * @module bench/lib/cost-model — turns what the cost phase counted (bench/phases/cost.mjs)
 * into quantities per job and USD per 1,000 jobs at Cloudflare's published prices
 * (bench/lib/prices.mjs), beside what the provider charges for the same jobs.
 */
import { cloudflare, r2Classes, typicalOutput } from "./prices.mjs";

const sum = (tally) => Object.values(tally ?? {}).reduce((total, value) => total + value, 0);
const r2Ops = (counted, names) => names.reduce((total, name) => total + (counted.r2[name] ?? 0), 0);
const round = (value, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Billed quantities in a tally, summed (not yet divided). */
function quantities(counted) {
  return {
    worker_requests: sum(counted.worker_requests),
    do_requests: sum(counted.do_requests) + sum(counted.alarms),
    do_gb_seconds: counted.do_busy_seconds * cloudflare.do_gb_per_object,
    rows_read: counted.rows_read,
    rows_written: counted.rows_written + counted.alarm_writes,
    r2_class_a: r2Ops(counted, r2Classes.a),
    r2_class_b: r2Ops(counted, r2Classes.b),
    images: counted.images,
    subrequests: sum(counted.subrequests),
  };
}

/** USD of quantities (compute only; subrequests are not billed). */
function usd(q, cpuMs = 0) {
  return {
    worker_requests: q.worker_requests * cloudflare.worker_request,
    worker_cpu: cpuMs * cloudflare.worker_cpu_ms,
    do_requests: q.do_requests * cloudflare.do_request,
    do_duration: q.do_gb_seconds * cloudflare.do_gb_second,
    rows_read: q.rows_read * cloudflare.do_row_read,
    rows_written: q.rows_written * cloudflare.do_row_written,
    r2_class_a: q.r2_class_a * cloudflare.r2_class_a,
    r2_class_b: q.r2_class_b * cloudflare.r2_class_b,
    images: q.images * cloudflare.images_transformation,
  };
}

const scaled = (object, factor) => Object.fromEntries(Object.entries(object).map(([key, value]) => [key, round(value * factor, 4)]));

/**
 * One path's cost: per job (quantities), per 1,000 jobs (USD by line and in total), storage
 * per month, the client's extras, and the provider's charge for the same 1,000 jobs.
 */
export function costOfPath(provider, path, providerPrice) {
  const { jobs, counted } = path;
  const q = quantities(counted);
  const cpuMs = path.gateway_cpu_seconds * 1000;
  const perJob = { ...scaled(q, 1 / jobs), cpu_ms_upper_bound: round(cpuMs / jobs, 1), subrequests_by_kind: scaled(counted.subrequests, 1 / jobs), r2_by_operation: scaled(counted.r2, 1 / jobs), do_requests_by_method: scaled({ ...counted.do_requests, ...Object.fromEntries(Object.entries(counted.alarms).map(([name, count]) => [`${name} alarm`, count])) }, 1 / jobs) };
  const lines = scaled(usd(q, cpuMs), 1000 / jobs);
  const compute = round(Object.values(lines).reduce((total, value) => total + value, 0), 4);
  // Storage: the typical output plus what the job really added beside it (poster, thumbnail).
  const measuredOutput = path.stored_bytes?.output ?? 0;
  const besideOutput = Math.max(0, counted.r2_bytes_written / jobs - measuredOutput);
  const r2BytesPerJob = typicalOutput.bytes + besideOutput;
  const storagePerMonth = {
    r2: round(((1000 * r2BytesPerJob) / 1e9) * cloudflare.r2_stored_gb_month, 4),
    durable_object_sqlite: round(((1000 * path.job_db_bytes_mean) / 1e9) * cloudflare.do_stored_gb_month, 4),
  };
  const client = {
    read: { per_read: scaled(quantities(path.client_read), 1 / jobs), usd_per_1000: round(Object.values(usd(quantities(path.client_read))).reduce((a, b) => a + b, 0) * (1000 / jobs), 4) },
    download: { per_download: scaled(quantities(path.client_download), 1 / jobs), usd_per_1000: round(Object.values(usd(quantities(path.client_download))).reduce((a, b) => a + b, 0) * (1000 / jobs), 4) },
  };
  const perSecond = providerPrice?.per_second_usd?.["720p"] ?? null;
  const providerUsd = perSecond === null ? null : round(perSecond * typicalOutput.seconds * 1000, 2);
  return {
    per_job: perJob,
    usd_per_1000_jobs: { lines, compute_total: compute },
    storage_usd_per_month_per_1000_jobs: { ...storagePerMonth, r2_bytes_per_job: Math.round(r2BytesPerJob), sqlite_bytes_per_job: path.job_db_bytes_mean },
    client,
    provider_usd_per_1000_jobs: { usd: providerUsd, basis: perSecond === null ? "unpriced in the price book" : `${typicalOutput.seconds} s at 720p × $${perSecond}/s (price book ${providerPrice.version}, ${providerPrice.source})` },
    cloudflare_share_of_provider: providerUsd ? round(compute / providerUsd, 6) : null,
  };
}
