/**
 * @module bench/lib/report — the tables `npm run bench` prints (markdown, so they paste into
 * the READMEs as they are).
 */
import { typicalOutput } from "./prices.mjs";

const table = (header, rows) => [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
const money = (value) => (value >= 0.01 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`);

export function report(results) {
  const out = [];
  const { machine, edge, callbacks, copy, media, scale, cost, bundle, targets } = results;
  out.push(`Run ${machine.date} · Node ${machine.node} · load average ${machine.load.min}–${machine.load.max} (mean ${machine.load.mean}) over ${machine.load.samples.length} samples`);
  out.push("\nEdge (loopback, same runtime; interleaved)");
  out.push(table(["route", "conc", "p50 ms", "p99 ms", "req/s", "errors"], edge.map((row) => [row.name, row.concurrency, row.p50_ms, row.p99_ms, row.rps, row.errors])));
  out.push(`Submit's tenant-account admission (its Server-Timing), p50: ${edge.filter((row) => row.account_admission_p50_ms !== undefined).map((row) => `${row.account_admission_p50_ms} ms at ${row.concurrency}`).join(", ")}`);
  out.push(`\nCallbacks: ${callbacks.absorb.rps}/s absorbed (${callbacks.absorb.errors} errors); upstream completion → completed p50 ${callbacks.completion.p50_ms} ms (max ${callbacks.completion.max_ms})`);
  out.push("\nMedia copy (ms; peak RSS of the gateway's workerd in MB)");
  out.push(table(["size MB", "bare pipe", "with length", "without length", "peak RSS pipe / with / without", "gateway above pipe"], copy.rows.map((row) => [row.megabytes, row.pipe_ms, row.with_length_ms, row.without_length_ms, `${row.pipe_peak_rss_mb} / ${row.with_length_peak_rss_mb} / ${row.without_length_peak_rss_mb}`, row.gateway_added_rss_mb])));
  out.push(`Peak RSS growth ${copy.rows[0].megabytes} → ${copy.rows.at(-1).megabytes} MB: process ${copy.memory.process_growth_mb} MB, bare pipe (local R2) ${copy.memory.bare_pipe_growth_mb} MB, the gateway's own ${copy.memory.gateway_added_growth_mb} MB`);
  out.push("\nMedia serving (cold: not in the edge cache; warm: served from it)");
  out.push(table(["size", "route", "conc", "p50 ms", "p99 ms", "req/s", "x-cache", "errors"], media.map((row) => [row.size, row.name, row.concurrency, row.p50_ms, row.p99_ms, row.rps, row.seen ? Object.entries(row.seen).map(([label, count]) => `${label} ${count}`).join(", ") : "", row.errors])));
  out.push(`\nScale: ${scale.submitted}/${scale.jobs} submitted in ${(scale.submitted_ms / 1000).toFixed(1)} s (${scale.submit.errors} errors, p50 ${scale.submit.p50_ms} ms, p99 ${scale.submit.p99_ms} ms); statuses ${JSON.stringify(scale.statuses)}; drained in ${scale.drained_ms === null ? "—" : `${(scale.drained_ms / 1000).toFixed(1)} s`}; gateway peak RSS ${scale.peak_rss_mb} MB; DashScope reads ${scale.dashscope_reads.total}, at most ${scale.dashscope_reads.max_in_any_second} in any second (mean ${scale.dashscope_reads.mean_per_second}/s)`);
  out.push(`\nCost of a completed i2v job (${cost.jobs_per_path} jobs per path, counted in the bench Worker; prices read ${cost.prices_read_on})`);
  const paths = Object.keys(cost.model);
  const perJob = (key) => paths.map((path) => cost.model[path].per_job[key]);
  const usdLine = (key) => paths.map((path) => money(cost.model[path].usd_per_1000_jobs.lines[key]));
  out.push(
    table(["per job", ...paths.map((path) => `${path}: count`), ...paths.map((path) => `${path}: USD / 1,000 jobs`)], [
      ["Worker requests", ...perJob("worker_requests"), ...usdLine("worker_requests")],
      ["Worker CPU ms (upper bound)", ...perJob("cpu_ms_upper_bound"), ...usdLine("worker_cpu")],
      ["Durable Object requests (RPC + alarms)", ...perJob("do_requests"), ...usdLine("do_requests")],
      ["Durable Object GB-s", ...perJob("do_gb_seconds"), ...usdLine("do_duration")],
      ["SQLite rows read", ...perJob("rows_read"), ...usdLine("rows_read")],
      ["SQLite rows written", ...perJob("rows_written"), ...usdLine("rows_written")],
      ["R2 Class A", ...perJob("r2_class_a"), ...usdLine("r2_class_a")],
      ["R2 Class B", ...perJob("r2_class_b"), ...usdLine("r2_class_b")],
      ["Images transformations", ...perJob("images"), ...usdLine("images")],
      ["subrequests (not billed)", ...perJob("subrequests"), ...paths.map(() => "—")],
      ["**compute total**", ...paths.map(() => ""), ...paths.map((path) => `**${money(cost.model[path].usd_per_1000_jobs.compute_total)}**`)],
      ["storage / month: R2", ...paths.map((path) => `${(cost.model[path].storage_usd_per_month_per_1000_jobs.r2_bytes_per_job / 1e6).toFixed(2)} MB`), ...paths.map((path) => money(cost.model[path].storage_usd_per_month_per_1000_jobs.r2))],
      ["storage / month: SQLite", ...paths.map((path) => `${(cost.model[path].storage_usd_per_month_per_1000_jobs.sqlite_bytes_per_job / 1e3).toFixed(0)} KB`), ...paths.map((path) => money(cost.model[path].storage_usd_per_month_per_1000_jobs.durable_object_sqlite))],
      ["client: one read of the job", ...paths.map(() => ""), ...paths.map((path) => money(cost.model[path].client.read.usd_per_1000))],
      ["client: one download (cold)", ...paths.map(() => ""), ...paths.map((path) => money(cost.model[path].client.download.usd_per_1000))],
      ["the provider charges", ...paths.map(() => ""), ...paths.map((path) => (cost.model[path].provider_usd_per_1000_jobs.usd === null ? "unpriced" : money(cost.model[path].provider_usd_per_1000_jobs.usd)))],
    ]),
  );
  out.push(`\nWhat the providers charge for the same 1,000 jobs (${typicalOutput.seconds} s at ${typicalOutput.resolution}; the gateway's price book, GET /v1/models)`);
  out.push(
    table(
      ["provider", "USD per second", "USD per 1,000 jobs", "source"],
      Object.entries(cost.provider_prices).map(([provider, price]) => {
        const perSecond = price.per_second_usd?.[typicalOutput.resolution] ?? null;
        return [provider, perSecond ?? "—", perSecond === null ? "—" : money(perSecond * typicalOutput.seconds * 1000), `${price.source ?? "—"} (${price.version})`];
      }),
    ),
  );
  out.push(`\nBundle: ${(bundle.gzip_bytes / 1024).toFixed(1)} KB gzip (${bundle.bytes} bytes minified), emulator absent: ${bundle.emulator_absent}; largest: ${Object.entries(bundle.largest).map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KB`).join(", ")}; zod's locales other than English ${(bundle.zod_locales_bytes / 1024).toFixed(0)} KB`);
  out.push("\nTargets");
  out.push(table(["target", "value", "goal", "met"], Object.entries(targets).map(([name, row]) => [name, row.value, row.target, row.met === null ? "—" : row.met ? "yes" : "NO"])));
  return out.join("\n");
}
