/**
 * @module sdk/cli/commands — what each `wan-edge` command does, on top of the client.
 *
 * Every command ends in one of the exit codes of `./exit-codes`; with `--json` stdout is
 * one JSON document (the job, the page, the error), with nothing else on it.
 */
import type { I2vJobRequest, ImageProJobRequest, Job, JobRequest, JobStatus, WanEdgeClient } from "../client/index";
import { ExitCode } from "./exit-codes";
import { follow } from "./follow";
import { download, inputUrl, outputPath } from "./media-files";

export interface Context {
  client: WanEdgeClient;
  json: boolean;
  signal: AbortSignal;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Set once a job exists, so Ctrl+C can say how to follow it. */
  onJob: (job: { id: string; out?: string }) => void;
}

export interface VideoOptions {
  image?: string;
  lastFrame?: string;
  audio?: string;
  clip?: string;
  prompt?: string;
  negativePrompt?: string;
  duration?: number;
  resolution?: "720p" | "1080p";
  seed?: number;
  provider?: string[];
  out?: string;
  wait: boolean;
}

export interface ImageOptions {
  prompt: string;
  n?: number;
  size?: string;
  image?: string[];
  sequential?: boolean;
  seed?: number;
  provider?: string[];
  out?: string;
  wait: boolean;
}

/** `--provider evolink,dashscope` → the request's provider preference. */
function providerPreference(providers: string[] | undefined): JobRequest["provider"] {
  if (!providers || providers.length === 0) return undefined;
  if (providers.length === 1) return providers[0] as JobRequest["provider"];
  return providers as JobRequest["provider"];
}

export async function videoCommand(context: Context, options: VideoOptions): Promise<number> {
  const log = (line: string) => !context.json && context.err(line);
  const url = (flag: string, value: string | undefined) => (value === undefined ? undefined : inputUrl(context.client, flag, value, context.signal, log));
  const input: I2vJobRequest["input"] = {
    prompt: options.prompt,
    negative_prompt: options.negativePrompt,
    first_frame: await url("--image", options.image),
    last_frame: await url("--last-frame", options.lastFrame),
    driving_audio: await url("--audio", options.audio),
    first_clip: await url("--clip", options.clip),
    duration: options.duration,
    resolution: options.resolution,
    seed: options.seed,
  };
  const request: I2vJobRequest = { model: "wan2.7-i2v", input: withoutUndefined(input), provider: providerPreference(options.provider) };
  return submitAndFollow(context, request, options);
}

export async function imageCommand(context: Context, options: ImageOptions): Promise<number> {
  const log = (line: string) => !context.json && context.err(line);
  const images: string[] = [];
  for (const image of options.image ?? []) images.push(await inputUrl(context.client, "--image", image, context.signal, log));
  const input: ImageProJobRequest["input"] = {
    prompt: options.prompt,
    n: options.n,
    size: options.size,
    images: images.length > 0 ? images : undefined,
    enable_sequential: options.sequential,
    seed: options.seed,
  };
  const request: ImageProJobRequest = { model: "wan2.7-image-pro", input: withoutUndefined(input), provider: providerPreference(options.provider) };
  return submitAndFollow(context, request, options);
}

async function submitAndFollow(context: Context, request: JobRequest, options: { out?: string; wait: boolean }): Promise<number> {
  const created = await context.client.jobs.create(request, { signal: context.signal });
  context.onJob({ id: created.id, out: options.out });
  if (!context.json) context.err(`job ${created.id} ${created.status}${created.provider ? ` on ${created.provider}` : ""}`);
  if (!options.wait) {
    printJob(context, created);
    return ExitCode.ok;
  }
  return finish(context, await follow(context.client, created.id, { quiet: context.json, signal: context.signal }), options.out);
}

/** Downloads a completed job's outputs to `out`, prints the job, and returns its exit code. */
async function finish(context: Context, job: Job, out: string | undefined): Promise<number> {
  if (job.status === "completed" && out) {
    for (const output of job.outputs) {
      if (!output.url) continue; // its media were deleted or expired
      const path = await outputPath(out, job.id, output, job.outputs.length);
      const bytes = await download(output.url, path, context.signal);
      if (!context.json) context.err(`saved ${path} (${bytes} bytes)`);
    }
  }
  printJob(context, job);
  return job.status === "completed" ? ExitCode.ok : job.status === "queued" || job.status === "running" ? ExitCode.ok : ExitCode.jobFailed;
}

/** The job for people (its links are what matters) or as JSON. */
export function printJob(context: Context, job: Job): void {
  if (context.json) return context.out(JSON.stringify(job, null, 2));
  if (job.status === "completed") {
    for (const output of job.outputs) context.out(output.url ?? `(output ${output.index}: media deleted)`);
    return;
  }
  if (job.status === "failed" || job.status === "canceled") {
    context.err(`job ${job.id} ${job.status}${job.error ? `: ${job.error.code}: ${job.error.message}` : ""}`);
    return;
  }
  context.out(`${job.id} ${job.status}${job.provider ? ` on ${job.provider}` : ""} ${job.progress ?? 0}%`);
  context.out(`  follow: npx wan-edge wait ${job.id}`);
}

export async function jobsCommand(context: Context, options: { status?: JobStatus; limit?: number; cursor?: string }): Promise<number> {
  const page = await context.client.jobs.list({ ...options, signal: context.signal });
  if (context.json) {
    context.out(JSON.stringify(page, null, 2));
    return ExitCode.ok;
  }
  if (page.data.length === 0) context.err("no jobs");
  for (const job of page.data) {
    context.out([job.id, job.model.padEnd(16), job.status.padEnd(9), (job.provider ?? "-").padEnd(9), job.created_at].join("  "));
  }
  if (page.next_cursor) context.err(`more: npx wan-edge jobs --cursor ${page.next_cursor}${options.status ? ` --status ${options.status}` : ""}`);
  return ExitCode.ok;
}

export async function getCommand(context: Context, id: string): Promise<number> {
  const job = await context.client.jobs.get(id, { signal: context.signal });
  printJob(context, job);
  return job.status === "failed" || job.status === "canceled" ? ExitCode.jobFailed : ExitCode.ok;
}

export async function cancelCommand(context: Context, id: string): Promise<number> {
  const job = await context.client.jobs.cancel(id, { signal: context.signal });
  if (context.json) context.out(JSON.stringify(job, null, 2));
  else context.out(`${job.id} ${job.status}`);
  return ExitCode.ok;
}

export async function waitCommand(context: Context, id: string, options: { out?: string }): Promise<number> {
  context.onJob({ id, out: options.out });
  return finish(context, await follow(context.client, id, { quiet: context.json, signal: context.signal }), options.out);
}

/** Drops undefined fields, so the request says only what the user said (defaults stay the gateway's). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
