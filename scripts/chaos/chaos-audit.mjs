/**
 * @module scripts/chaos/chaos-audit — what a chaos run found, from what it collected: the
 * clients' outcomes, the jobs as the API shows them, the downloads, the emulator's tasks
 * (the providers' side) and the gateway's persisted state. Pure: no I/O, so every check is
 * a plain function of the evidence and can be read (and tested) on its own.
 */

import { requestNumberIn } from "./chaos-client.mjs";

const terminal = new Set(["completed", "failed", "canceled"]);

/** The job a task was made for, from what the emulator knows of it (key, callback URL). */
export function taskJobHint(task) {
  const named = task.job_id ?? task.job ?? null;
  if (typeof named === "string" && named.startsWith("job_")) return named;
  const key = task.idempotency_key ?? null;
  if (typeof key === "string" && /^job_[0-9a-z]+\.\d+$/.test(key)) return key.slice(0, key.lastIndexOf("."));
  const match = /\/callbacks\/[a-z]+\/(job_[0-9a-z]+)\//.exec(task.callback_url ?? "");
  return match ? match[1] : null;
}

/** `part` of `whole` as "n of N (p%)". */
export function share(part, whole) {
  return { count: part, of: whole, percent: whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100 };
}

/**
 * @param {{
 *   outcomes: any[],                       // chaos-client submit() results
 *   views: Map<string, any | null>,        // GET /v1/jobs/{id} (null: 404)
 *   listed: Record<string, string[]>,      // every id the listing showed, per tenant
 *   downloads: Map<string, Array<{ index: number, sha256: string | null, bytes: number, error?: string }>>,
 *   tasks: any[],                          // GET /__control/tasks
 *   creates: any[],                        // create calls the emulator received (emulator-faults collectCreates)
 *   state: { jobs: Array<{ job: any, events: any[] }>, index: Record<string, any[]>, objects: Array<{ key: string }>, openUploads: any[] | null },
 *   threshold: number,                     // orphan / multi-task rate allowed (0.02 = 2 %)
 * }} evidence
 */
export function auditChaos({ outcomes, views, listed, downloads, tasks, creates, state, threshold }) {
  const records = new Map(state.jobs.map((entry) => [entry.job.id, entry]));
  const acknowledged = outcomes.filter((outcome) => outcome.id !== null);
  const ackedIds = new Set(acknowledged.map((outcome) => outcome.id));

  // 1. Acknowledged jobs lost: the client heard of them; the gateway must still have them.
  const lost = [...ackedIds].filter((id) => views.get(id) == null || !records.has(id));

  // 2. One request, one job: two job objects carrying the same request number is a keyed
  //    retry (or a replay) that made a second job.
  const byRequest = new Map();
  for (const { job } of state.jobs) {
    const number = job.metadata?.chaos;
    if (number !== undefined) byRequest.set(number, [...(byRequest.get(number) ?? []), job.id]);
  }
  const duplicateRequests = [...byRequest].filter(([, ids]) => ids.length > 1).map(([number, ids]) => ({ number, ids }));

  // 3. Every job settled (terminal) by the end.
  const unsettled = state.jobs.filter(({ job }) => !terminal.has(job.status)).map(({ job }) => job.id);

  // Which job each upstream task belongs to. A task an attempt names is that job's. AI/ML
  // API's image endpoint is synchronous and names no task (the attempt's id is made up,
  // `aimlapi-sync-…`), so its tasks are paired with those attempts within the job. Any other
  // task is an orphan; the job it was made for is told by the emulator (key, callback URL)
  // or by the request number in its prompt.
  const key = (task) => `${task.provider}:${task.id}`;
  const jobsByRequest = new Map([...byRequest].filter(([, ids]) => ids.length === 1).map(([number, ids]) => [number, ids[0]]));
  const madeFor = (task) => taskJobHint(task) ?? jobsByRequest.get(requestNumberIn(task.data)) ?? null;
  const owner = new Map();
  const taskOfAttempt = new Map();
  for (const { job } of state.jobs) {
    for (const attempt of job.attempts) {
      if (!attempt.upstream_id) continue;
      owner.set(`${attempt.provider}:${attempt.upstream_id}`, job.id);
      taskOfAttempt.set(attempt, tasks.find((task) => task.provider === attempt.provider && task.id === attempt.upstream_id));
    }
  }
  for (const { job } of state.jobs) {
    const synthetic = job.attempts.filter((attempt) => attempt.provider === "aimlapi" && attempt.upstream_id?.startsWith("aimlapi-sync-"));
    if (synthetic.length === 0) continue;
    // The answered creates are the job's latest (earlier ones lost their answers): pair each
    // with the task whose file the job stored, else with the newest task not yet paired.
    const unpaired = tasks.filter((task) => task.provider === "aimlapi" && !owner.has(key(task)) && madeFor(task) === job.id).sort((a, b) => b.created_at - a.created_at);
    const stored = new Set(job.outputs.map((output) => output.sha256));
    for (const attempt of [...synthetic].reverse()) {
      const task = (attempt.billed ? unpaired.find((candidate) => candidate.output_sha256?.some((sha) => stored.has(sha))) : undefined) ?? unpaired[0];
      if (!task) continue;
      unpaired.splice(unpaired.indexOf(task), 1);
      owner.set(key(task), job.id);
      taskOfAttempt.set(attempt, task);
    }
  }

  // 4. Outputs: the bytes served at each output URL are the provider's file.
  let outputsChecked = 0;
  let outputsUnchecked = 0;
  const differing = [];
  const producers = new Set();
  for (const { job } of state.jobs) {
    if (job.status !== "completed") continue;
    const got = downloads.get(job.id);
    // A job no client heard of and the listing did not show was never downloaded (it is
    // counted under "jobs missing from their tenant index").
    if (!got) {
      outputsUnchecked += job.outputs.length;
      continue;
    }
    for (const output of job.outputs) {
      outputsChecked++;
      const download = got.find((candidate) => candidate.index === output.index);
      const candidates = job.attempts.filter((attempt) => attempt.billed).map((attempt) => taskOfAttempt.get(attempt)).filter(Boolean);
      const producer = candidates.find((task) => download?.sha256 && task.output_sha256?.[output.index] === download.sha256);
      if (producer) producers.add(key(producer));
      else differing.push({ job: job.id, index: output.index, served: download?.sha256 ?? null, served_error: download?.error ?? null, claimed: output.sha256, provider_files: candidates.map((task) => ({ task: task.id, sha256: task.output_sha256?.[output.index] ?? null })) });
    }
  }

  // 5. Upstream tasks: each should belong to a job, and a job should have made one per key.
  //    An orphan is "accounted for" when the job it was made for records an attempt at that
  //    provider whose create's outcome is unknown (possibly billed, and visible as such):
  //    the gateway knows the task may exist. One that no attempt accounts for is a task the
  //    gateway lost track of.
  // A provider gives the gateway a way back to a task whose create answer was lost when it
  // took an idempotency key (the same create re-sent makes no second task) or a callback URL
  // (the task calls back and is adopted). DashScope and AI/ML API take neither, and no lookup
  // can name a task safely (DashScope's task list echoes only the prompt, which another tenant's
  // job may share): their orphans are the design's accepted cost, each recorded as an
  // `outcome_unknown` attempt (checked below), reported, not gated.
  const hasWayBack = (task) => Boolean(task.idempotency_key) || Boolean(task.callback_url);
  const orphans = tasks.filter((task) => !owner.has(key(task))).map((task) => ({
    provider: task.provider,
    way_back: hasWayBack(task),
    id: task.id,
    status: task.status,
    created_at: new Date(task.created_at).toISOString(),
    job: madeFor(task),
    key: task.idempotency_key ?? null,
    // Why no callback adopted it: none sent (poll-only provider), or every try failed.
    callbacks: (task.callbacks ?? []).map((callback) => ({ at: new Date(callback.at).toISOString(), kind: callback.kind, attempt: callback.attempt, status: callback.status, error: callback.error ?? null })),
  }));
  const unknownAttempts = new Map();
  for (const { job } of state.jobs) {
    for (const attempt of job.attempts) {
      if (attempt.upstream_id === null && (attempt.status === "outcome_unknown" || attempt.status === "creating")) {
        const slot = `${job.id}:${attempt.provider}`;
        unknownAttempts.set(slot, (unknownAttempts.get(slot) ?? 0) + 1);
      }
    }
  }
  const unaccounted = orphans.filter((orphan) => {
    const slot = `${orphan.job}:${orphan.provider}`;
    const left = orphan.job ? (unknownAttempts.get(slot) ?? 0) : 0;
    if (left === 0) return true;
    unknownAttempts.set(slot, left - 1);
    return false;
  });
  const orphansByProvider = {};
  for (const orphan of orphans) orphansByProvider[orphan.provider] = (orphansByProvider[orphan.provider] ?? 0) + 1;
  const tasksOfJob = new Map();
  for (const task of tasks) {
    const id = owner.get(key(task)) ?? madeFor(task);
    if (id) tasksOfJob.set(id, [...(tasksOfJob.get(id) ?? []), task]);
  }
  const keyOfTask = new Map();
  for (const { job } of state.jobs) for (const attempt of job.attempts) if (attempt.idempotency_key && taskOfAttempt.get(attempt)) keyOfTask.set(key(taskOfAttempt.get(attempt)), attempt.idempotency_key);
  const multiAny = [];
  const multiSameKey = [];
  const keyIgnored = [];
  for (const { job } of state.jobs) {
    const made = tasksOfJob.get(job.id) ?? [];
    if (made.length <= 1) continue;
    multiAny.push(job.id);
    // Same key: two tasks tied to one key (by the provider's record of the key it received, or
    // by the job's record); or, where a task's key is unknown, more tasks than the keys the
    // job ever sent (pigeonhole: some create was sent twice, and made two tasks).
    const keys = made.map((task) => task.idempotency_key ?? keyOfTask.get(key(task)) ?? null);
    const known = keys.filter((value) => value !== null);
    const keysSent = job.attempts.filter((attempt) => attempt.idempotency_key).length;
    if (new Set(known).size < known.length || made.length > keysSent) multiSameKey.push(job.id);
    // The provider received the same key twice and still made two tasks: its side failed.
    const received = made.map((task) => task.idempotency_key).filter(Boolean);
    if (new Set(received).size < received.length) keyIgnored.push(job.id);
  }
  const billedUnused = tasks.filter((task) => task.status === "completed" && !producers.has(key(task))).length;

  // 6. Listing: every acknowledged job listed; the index holds no id without a job, and says
  //    each job's real status (a stale one is repaired by the sweep, so it is only reported).
  const listedIds = new Set(Object.values(listed).flat());
  const ackedNotListed = [...ackedIds].filter((id) => records.has(id) && !listedIds.has(id));
  const jobsNotIndexed = [];
  const ghosts = [];
  const stale = [];
  for (const [tenant, rows] of Object.entries(state.index)) {
    const ids = new Set(rows.map((row) => row.id));
    for (const row of rows) {
      const entry = records.get(row.id);
      if (!entry || entry.job.tenant !== tenant) ghosts.push({ tenant, id: row.id });
      else if (entry.job.status !== row.status) stale.push({ id: row.id, listed: row.status, actual: entry.job.status });
    }
    for (const { job } of state.jobs) if (job.tenant === tenant && !ids.has(job.id)) jobsNotIndexed.push(job.id);
  }

  // 7. R2: nothing under outputs/ that no job references (a copy cut by a kill must not leak).
  // An output's thumbnail and poster are the job's too (made after it completed).
  const referenced = new Set(state.jobs.flatMap(({ job }) => [...job.outputs, ...(job.copy?.done ?? [])].flatMap((output) => [output.key, output.thumbnail_key, output.poster_key].filter(Boolean))));
  const unreferenced = state.objects.filter((object) => object.key.startsWith("outputs/") && !referenced.has(object.key)).map((object) => object.key);

  // Acknowledged work a crash made fail: every create's answer lost, the attempts spent. Worst
  // when the job knows of a task its provider completed (paid for, not delivered).
  const failedByLostCreates = state.jobs.filter(({ job }) => job.status === "failed" && job.error?.message?.includes("answer never arrived")).map(({ job }) => job.id);
  const failedHoldingResult = state.jobs.filter(({ job }) => job.status === "failed" && job.attempts.some((attempt) => attempt.billed)).map(({ job }) => job.id);

  const statuses = {};
  const failures = {};
  for (const { job } of state.jobs) {
    statuses[job.status] = (statuses[job.status] ?? 0) + 1;
    if (job.status === "failed") failures[job.error?.code ?? "?"] = (failures[job.error?.code ?? "?"] ?? 0) + 1;
  }
  const recoverableTasks = tasks.filter(hasWayBack);
  const recoverableOrphans = orphans.filter((orphan) => orphan.way_back);
  const orphanShare = share(recoverableOrphans.length, recoverableTasks.length);
  const allOrphans = share(orphans.length, tasks.length);
  const multiShare = share(multiSameKey.length, state.jobs.length);
  const goals = [
    { name: "acknowledged jobs lost", value: share(lost.length, ackedIds.size), ok: lost.length === 0, ids: lost },
    { name: "requests that made more than one job", value: share(duplicateRequests.length, byRequest.size), ok: duplicateRequests.length === 0, ids: duplicateRequests.flatMap((entry) => entry.ids) },
    { name: "jobs not settled at the end", value: share(unsettled.length, state.jobs.length), ok: unsettled.length === 0, ids: unsettled },
    { name: "outputs that differ from the provider's", value: share(differing.length, outputsChecked), ok: differing.length === 0, ids: differing.map((entry) => entry.job) },
    { name: "orphan tasks no job accounts for", value: share(unaccounted.length, tasks.length), ok: unaccounted.length === 0, ids: unaccounted.map((task) => task.job ?? `${task.provider}:${task.id}`) },
    { name: "acknowledged jobs missing from the listing", value: share(ackedNotListed.length, ackedIds.size), ok: ackedNotListed.length === 0, ids: ackedNotListed },
    { name: "index entries without a job (after repair)", value: share(ghosts.length, Object.values(state.index).flat().length), ok: ghosts.length === 0, ids: ghosts.map((ghost) => ghost.id) },
    { name: "R2 objects no job references", value: share(unreferenced.length, state.objects.length), ok: unreferenced.length === 0, ids: unreferenced.map((objectKey) => objectKey.split("/")[1]) },
    // Rates: reported against the threshold (orphans of providers with neither an idempotency
    // key nor callbacks cannot all be avoided: a create whose answer died with the gateway).
    { name: "orphan upstream tasks at providers with a way back (key or callback)", value: orphanShare, ok: orphanShare.percent <= threshold * 100, threshold, ids: recoverableOrphans.map((task) => task.job).filter(Boolean) },
    { name: "jobs with >1 task for one key", value: multiShare, ok: multiShare.percent <= threshold * 100, threshold, ids: multiSameKey },
  ];
  const notes = [
    { name: "jobs with >1 upstream task (any key)", value: share(multiAny.length, state.jobs.length), ids: multiAny },
    { name: "orphan upstream tasks, every provider (poll-only ones each an outcome_unknown attempt)", value: allOrphans, ids: orphans.map((task) => task.job).filter(Boolean) },
    { name: `orphans by provider: ${Object.entries(orphansByProvider).map(([provider, count]) => `${provider} ${count}`).join(", ") || "none"}`, value: null },
    { name: "jobs whose provider made 2 tasks for 1 key it received", value: share(keyIgnored.length, state.jobs.length), ids: keyIgnored },
    { name: "jobs failed because every create's answer was lost", value: share(failedByLostCreates.length, state.jobs.length), ids: failedByLostCreates },
    { name: "failed jobs holding a task their provider completed", value: share(failedHoldingResult.length, state.jobs.length), ids: failedHoldingResult },
    { name: "completed upstream tasks no output came from", value: share(billedUnused, tasks.filter((task) => task.status === "completed").length) },
    { name: "jobs missing from their tenant index", value: share(jobsNotIndexed.length, state.jobs.length), ids: jobsNotIndexed },
    { name: "index entries with a stale status (the sweep repairs)", value: share(stale.length, Object.values(state.index).flat().length), ids: stale.map((entry) => entry.id) },
    { name: "multipart uploads left open in R2", value: state.openUploads === null ? null : share(state.openUploads.length, state.uploads), ids: (state.openUploads ?? []).map((upload) => upload.key.split("/")[1]) },
  ];
  return {
    ok: goals.every((goal) => goal.ok),
    goals,
    notes,
    counts: {
      requests: outcomes.length,
      acknowledged: ackedIds.size,
      acknowledged_keyed: acknowledged.filter((outcome) => outcome.keyed).length,
      keyed_replays: acknowledged.filter((outcome) => outcome.replayed).length,
      unacknowledged: outcomes.filter((outcome) => outcome.id === null).length,
      refused: outcomes.filter((outcome) => outcome.id === null && outcome.httpStatus !== null).length,
      jobs: state.jobs.length,
      statuses,
      failures,
      tasks: tasks.length,
      // How much of the crash path the run exercised: create answers lost (to a kill, or to
      // the recovery of one), creates re-sent with their key, tasks adopted from a callback.
      creates_answer_lost: state.jobs.reduce((sum, { events }) => sum + events.filter((event) => event.type === "create_lost").length, 0),
      // Create calls beyond one per attempt the job started: re-sent (with the same key).
      creates_resent: state.jobs.reduce((sum, { job, events }) => {
        const sent = creates.filter((create) => create.request !== null && create.request === job.metadata?.chaos).length;
        return sum + Math.max(0, sent - events.filter((event) => event.type === "create_started").length);
      }, 0),
      tasks_adopted: state.jobs.reduce((sum, { job, events }) => {
        const created = new Set(events.filter((event) => event.type === "created").map((event) => JSON.parse(event.detail ?? "{}").index));
        return sum + job.attempts.filter((attempt, index) => attempt.upstream_id && !created.has(index)).length;
      }, 0),
      outputs_checked: outputsChecked,
      outputs_unchecked: outputsUnchecked,
    },
    details: { lost, duplicateRequests, unsettled, differing, failedByLostCreates, failedHoldingResult, orphans, unaccounted, orphansByProvider, multiAny, multiSameKey, keyIgnored, tasksOfMultiTaskJobs: Object.fromEntries(multiAny.map((id) => [id, tasksOfJob.get(id).map((task) => ({ provider: task.provider, id: task.id, status: task.status, created_at: new Date(task.created_at).toISOString(), key: task.idempotency_key ?? keyOfTask.get(key(task)) ?? null, owned: owner.has(key(task)) }))])), ackedNotListed, ghosts, stale, unreferenced, openUploads: state.openUploads },
  };
}
