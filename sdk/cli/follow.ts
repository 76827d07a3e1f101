/**
 * @module sdk/cli/follow — follows a job's event stream with a progress bar.
 *
 * On a terminal the bar (cli-progress) redraws in place on stderr; elsewhere (a pipe, CI)
 * each change of status or progress is one line, so logs stay readable. `--json` shows
 * neither: stdout then carries only the final document.
 */
import cliProgress from "cli-progress";
import type { Job, WanEdgeClient } from "../client/index";

export interface FollowOptions {
  quiet: boolean;
  signal: AbortSignal;
  stream?: NodeJS.WriteStream;
}

function label(job: Job): string {
  return job.provider ? `${job.status} on ${job.provider}` : job.status;
}

/** Follows `jobId` until it is terminal; returns the terminal job. Aborting `signal` rejects. */
export async function follow(client: WanEdgeClient, jobId: string, options: FollowOptions): Promise<Job> {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return client.jobs.wait(jobId, { signal: options.signal });
  if (!stream.isTTY) {
    let last = "";
    return client.jobs.wait(jobId, {
      signal: options.signal,
      onUpdate: (job) => {
        const line = `${jobId} ${label(job)} ${job.progress ?? 0}%`;
        if (line !== last) stream.write(`${line}\n`);
        last = line;
      },
    });
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: `${jobId} [{bar}] {percentage}% | {label}`, hideCursor: true, clearOnComplete: false, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0, { label: "submitted" });
  try {
    return await client.jobs.wait(jobId, { signal: options.signal, onUpdate: (job) => bar.update(job.progress ?? 0, { label: label(job) }) });
  } finally {
    bar.stop();
  }
}
