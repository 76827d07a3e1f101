/**
 * @module bench/phases/edge — request latency and throughput of the gateway's status read
 * and submit, side by side with their ceilings in the same runtime, at 16 connections and 1.
 *
 * Rows: the bare route; `GET /v1/jobs/{id}`; the same-work submit ceiling (the durable work a
 * write-ahead submit must do, nothing else: bench/worker/ceilings.ts); the bare create-DO
 * route (one object, one row: the old ceiling, a reference row); the emulator's create called
 * directly; `POST /v1/jobs`.
 */
import { runInterleaved } from "../lib/load.mjs";
import { apiHeaders, client, evolinkCreateBody, i2vBody, json, median, progress } from "../lib/client.mjs";

export const edgeRoutes = {
  bare: "bare route",
  status: "status GET /v1/jobs/{id}",
  sameWork: "same-work submit ceiling",
  sameWorkListed: "same-work ceiling + tenant listing",
  sameWorkAdmitted: "same-work ceiling + listing + account admission",
  createDo: "bare create-DO + row",
  direct: "direct emulator create",
  submit: "submit POST /v1/jobs",
};

/**
 * The submit's rows and ceilings, interleaved (also used by bench/edge-probe.mjs). The
 * ceiling plus the tenant-index write, and plus the tenant account's admission, are
 * diagnostic rows: what listing a job costs, and what holding it against its tenant's account.
 * `accountMs` collects the submit's own `Server-Timing` of its tenant-account admission.
 */
export function submitRoutes({ gatewayUrl, emulatorUrl }, seedBase, accountMs = []) {
  return [
    [edgeRoutes.sameWork, () => fetch(`${gatewayUrl}/__bench/durable-submit`, { method: "POST", body: evolinkCreateBody })],
    [edgeRoutes.sameWorkListed, () => fetch(`${gatewayUrl}/__bench/durable-submit?list=bench-ceiling`, { method: "POST", body: evolinkCreateBody })],
    [edgeRoutes.sameWorkAdmitted, () => fetch(`${gatewayUrl}/__bench/durable-submit?list=bench-ceiling&admit=bench-ceiling`, { method: "POST", body: evolinkCreateBody })],
    [edgeRoutes.createDo, (index) => fetch(`${gatewayUrl}/__bench/do-write`, { method: "POST", body: `row ${index}` })],
    [edgeRoutes.direct, () => fetch(`${emulatorUrl}/evolink/v1/videos/generations`, { method: "POST", headers: { authorization: "Bearer x", "content-type": "application/json" }, body: evolinkCreateBody })],
    // Warm-ups come with negative indices: keep their seeds valid so they warm the whole path.
    [
      edgeRoutes.submit,
      async (index) => {
        const response = await fetch(`${gatewayUrl}/v1/jobs`, { method: "POST", headers: apiHeaders, body: i2vBody(seedBase + Math.abs(index) + 2, { firstFrame: `${gatewayUrl}/__bench/frame.png` }) });
        const account = /account;dur=(\d+(?:\.\d+)?)/.exec(response.headers.get("server-timing") ?? "");
        if (account && index >= 0) accountMs.push(Number(account[1]));
        return response;
      },
    ],
  ];
}

export async function edgePhase(stack, { quick }) {
  const { gatewayUrl } = stack;
  const api = client(stack);
  // Hour-long tasks whose callbacks are dropped: nothing but the submit itself runs.
  await api.faults({ provider: "evolink", duration_ms: 3_600_000, callback_drop_rate: 1 });
  const statusJob = await json(await api.postJob(api.i2v(1)), "first job");
  const rows = [];
  for (const concurrency of [16, 1]) {
    // Bounded: each submit and each ceiling call opens a new SQLite-backed object, and local
    // workerd — all of them in one process — runs out of SQLite memory past ~1,000–2,000
    // open at once (an object stays open ~10 s after its last event).
    const requests = quick ? (concurrency === 1 ? 100 : 300) : concurrency === 1 ? 300 : 600;
    const accountMs = [];
    const runs = [
      [edgeRoutes.bare, () => fetch(`${gatewayUrl}/__bench/bare`)],
      [edgeRoutes.status, () => fetch(`${gatewayUrl}/v1/jobs/${statusJob.id}`, { headers: apiHeaders })],
      ...submitRoutes(stack, concurrency * 100_000, accountMs),
    ];
    progress(`edge: ${runs.length} routes side by side at ${concurrency} connection${concurrency === 1 ? "" : "s"}`);
    const measured = await runInterleaved(runs.map(([name, request]) => ({ name, request })), { concurrency, requests });
    // The submit's admission by its tenant account, as the submit's own Server-Timing reports it.
    const submit = measured.find((row) => row.name === edgeRoutes.submit);
    submit.account_admission_p50_ms = median(accountMs);
    rows.push(...measured);
    await api.forget(); // keep the emulator's task list small between rounds
  }
  return rows;
}
