/**
 * @module bench/lib/client — the benchmark's side of the API: requests to the gateway and
 * the emulator of one stack, and the small helpers every phase uses.
 */
export const MiB = 1024 * 1024;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const progress = (text) => process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${text}\n`);
/** The median of numbers (the lower middle for an even count). */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
export const ratio = (a, b) => Math.round((a / b) * 1000) / 1000;

/** The JSON of a response, or an error that says which request failed and how. */
export async function json(response, what) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what}: HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
}

export const apiHeaders = { authorization: "Bearer wan-edge-dev-key", "content-type": "application/json" };

/** An i2v request for `provider` (a seed makes each one a distinct request). */
export const i2vBody = (seed, { provider = "evolink", firstFrame = "https://example.com/cat.png", webhook } = {}) =>
  JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: firstFrame, seed }, provider, ...(webhook ? { webhook: { url: webhook } } : {}) });

/** EvoLink's create body as the adapter sends it, for the direct and the ceiling rows. */
export const evolinkCreateBody = JSON.stringify({ model: "wan2.7-image-to-video", generation_mode: "first_frame", image_start: "https://example.com/cat.png", quality: "720p", duration: 5, prompt_extend: false });

/** The client of one stack. */
export function client({ gatewayUrl, emulatorUrl }) {
  // A read is retried when its connection fails: local workerd resets a keep-alive connection
  // now and then when it evicts objects while serving (bench/README.md).
  const getJob = async (id) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await json(await fetch(`${gatewayUrl}/v1/jobs/${id}`, { headers: apiHeaders }), `GET job ${id}`);
      } catch (error) {
        if (attempt >= 3 || !(error instanceof TypeError)) throw error;
        await sleep(100 * attempt);
      }
    }
  };
  const api = {
    /** An i2v request whose first frame the gateway can fetch (so its poster is made). */
    i2v: (seed, options = {}) => i2vBody(seed, { firstFrame: `${gatewayUrl}/__bench/frame.png`, ...options }),
    faults: (plan) => fetch(`${emulatorUrl}/__control/faults`, { method: "PUT", body: JSON.stringify(plan) }).then((response) => response.arrayBuffer()),
    clearFaults: () => fetch(`${emulatorUrl}/__control/faults`, { method: "DELETE" }).then((response) => response.arrayBuffer()),
    /** Forgets the emulator's tasks and log (keeps `/__control/tasks` cheap). */
    forget: () => fetch(`${emulatorUrl}/__control/state`, { method: "DELETE" }).then((response) => response.arrayBuffer()),
    // Local R2 gets slower as it fills (a second 500 MB copy into a bucket holding 2.5 GB took
    // twice as long), so every copy measurement starts from an empty bucket.
    clearMedia: async () => json(await fetch(`${gatewayUrl}/__bench/clear-media`, { method: "POST" }), "clear media"),
    postJob: (body) => fetch(`${gatewayUrl}/v1/jobs`, { method: "POST", headers: apiHeaders, body }),
    getJob,
    async untilTerminal(id, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = await getJob(id);
        if (["completed", "failed", "canceled"].includes(job.status)) return job;
        if (Date.now() > deadline) throw new Error(`job ${id} not terminal in time`);
        await sleep(25);
      }
    },
    /**
     * The job once an upstream has accepted it. A POST answers with the accepted attempt
     * unless the create took longer than the answer budget; then the job is read until it has one.
     */
    async accepted(job) {
      for (let tries = 0; !job.attempts.some((attempt) => attempt.upstream_id); tries++) {
        if (tries > 400) throw new Error(`job ${job.id} was never accepted upstream`);
        await sleep(25);
        job = await getJob(job.id);
      }
      return job;
    },
    async tasks() {
      return json(await fetch(`${emulatorUrl}/__control/tasks`), "emulator tasks");
    },
    /** When the emulator's task turned completed (and sent its callback). */
    async upstreamCompletedAt(upstreamId) {
      const task = (await api.tasks()).find((candidate) => candidate.id === upstreamId);
      return task.created_at + task.duration_ms;
    },
  };
  return api;
}

/** The most timestamps in any window of `ms` (sorted input). */
export function busiestWindow(times, ms = 1000) {
  let most = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end] - times[start] >= ms) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** DashScope's task reads as the emulator received them (its log keeps the last 10,000 requests). */
export async function dashscopeReadsAtEmulator(emulatorUrl) {
  const entries = await json(await fetch(`${emulatorUrl}/__control/log`), "emulator log");
  return entries.filter((entry) => entry.provider === "dashscope" && entry.method === "GET").map((entry) => ({ key: `${entry.at} ${entry.path}`, at: entry.at }));
}
