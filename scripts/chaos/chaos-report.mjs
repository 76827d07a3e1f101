/**
 * @module scripts/chaos/chaos-report — a chaos run's report as a table for people.
 */

function figure(value) {
  if (value === null || value === undefined) return "";
  return `${value.count} of ${value.of} (${value.percent}%)`;
}

function table(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  return rows.map((row) => row.map((cell, column) => String(cell).padEnd(widths[column])).join("  ").trimEnd()).join("\n");
}

/** @param {Awaited<ReturnType<typeof import("./run-chaos.mjs").runChaos>>} report */
export function formatReport(report) {
  const { counts } = report;
  const lines = [];
  lines.push(`wan-edge chaos run: seed ${report.options.seed}, ${report.kills} SIGKILLs of the gateway's process group, ${report.submits_planned} submits, ${report.duration_seconds} s`);
  lines.push(`  requests ${counts.requests}: acknowledged ${counts.acknowledged} (keyed ${counts.acknowledged_keyed}, of which replays ${counts.keyed_replays}), unacknowledged ${counts.unacknowledged} (refused with an HTTP error ${counts.refused})`);
  lines.push(`  jobs ${counts.jobs}: ${Object.entries(counts.statuses).map(([status, count]) => `${status} ${count}`).join(", ")}${Object.keys(counts.failures).length ? `; failures: ${Object.entries(counts.failures).map(([code, count]) => `${code} ${count}`).join(", ")}` : ""}`);
  lines.push(`  crash paths taken: create answers lost ${counts.creates_answer_lost}, creates re-sent with their key ${counts.creates_resent}, tasks adopted from callbacks ${counts.tasks_adopted}`);
  lines.push(`  upstream tasks ${counts.tasks}; outputs downloaded and compared ${counts.outputs_checked}${counts.outputs_unchecked ? ` (${counts.outputs_unchecked} of jobs nobody could find not downloaded)` : ""}; ${report.downloaded_mib} MiB; gateway restart ${report.restart_ms.median ?? "?"} ms (median)`);
  lines.push("");
  const rows = [["goal", "value", "result"]];
  for (const goal of report.goals) rows.push([goal.name, figure(goal.value), goal.ok ? "ok" : goal.threshold !== undefined ? `OVER ${goal.threshold * 100}%` : "BROKEN"]);
  rows.push(["", "", ""]);
  for (const note of report.notes) rows.push([note.name, figure(note.value), note.value ? "reported" : ""]);
  lines.push(table(rows));
  const broken = report.goals.filter((goal) => !goal.ok);
  if (broken.length > 0) {
    lines.push("");
    for (const goal of broken) lines.push(`${goal.name}: ${[...new Set(goal.ids)].slice(0, 10).join(", ")}${goal.ids.length > 10 ? ", …" : ""}`);
  }
  lines.push("");
  lines.push(report.ok ? "every goal met" : `goals broken; the state, the gateway's log and chaos-report.json (event logs of the jobs named) are in ${report.state_dir}`);
  return lines.join("\n");
}
