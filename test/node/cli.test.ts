/**
 * The `wan-edge` CLI as a user runs it (`bin/wan-edge.mjs`, and once through `npx`), against
 * the local stack: a video from a local PNG downloaded to the file the job reports, an image
 * set into a folder, the listing, get, cancel and wait, `--json`, the argument errors and the
 * gateway's field errors, exit codes, and Ctrl+C leaving the job running. Also that the
 * package's `wan-edge/client` export resolves and runs in plain Node. (dist/sdk/ is built by
 * the project's global setup, ./prepare-node-tests.ts.)
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePorts, startTestStack, type TestStack } from "../browser/local-stack-fixture";

const tinyPng = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
let stack: TestStack;
let folder: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `onStderr` sees its error stream as it arrives (and may signal the process). */
function cli(args: string[], options: { command?: string[]; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const [command, ...prefix] = options.command ?? [process.execPath, "bin/wan-edge.mjs"];
    const child = spawn(command!, [...prefix, ...args], { env: { ...process.env, WAN_EDGE_URL: stack.gatewayUrl, WAN_EDGE_API_KEY: "wan-edge-dev-key" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk) => (stdout += chunk));
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
      options.onStderr?.(stderr, child);
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const slowJobs = (on: boolean) => fetch(`${stack.emulatorUrl}/__control/faults`, on ? { method: "PUT", body: JSON.stringify({ duration_ms: 20_000 }) } : { method: "DELETE" });

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "wan-edge-cli-"));
  await writeFile(join(folder, "cat.png"), tinyPng);
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
  await rm(folder, { recursive: true, force: true });
});

afterEach(async () => {
  await slowJobs(false);
});

describe("wan-edge video", () => {
  it("uploads the local frame, follows the job, saves the MP4 and prints its permanent link", async () => {
    const out = join(folder, "cat.mp4");
    const run = await cli(["video", "--image", join(folder, "cat.png"), "--last-frame", "https://cdn.example.com/end.png", "--prompt", "a cat plays piano", "--duration", "2", "--out", out]);
    expect(run.code).toBe(0);
    const link = run.stdout.trim();
    expect(link).toMatch(new RegExp(`^${stack.gatewayUrl}/media/outputs/job_`));
    expect(run.stderr).toMatch(/uploaded .*cat\.png \(\d+ bytes\) → http/);
    expect(run.stderr).toMatch(/completed on \w+ 100%/);

    const jobId = /job_[0-9a-z]+/.exec(link)![0];
    const job = JSON.parse((await cli(["get", jobId, "--json"])).stdout);
    expect(job.input.first_frame).toMatch(/\/media\/uploads\//);
    expect(job.input.last_frame).toBe("https://cdn.example.com/end.png");
    const saved = await readFile(out);
    expect(createHash("sha256").update(saved).digest("hex")).toBe(job.outputs[0].sha256);
  });

  it("prints every field error of the gateway's problem with the option it came from, exit 3", async () => {
    const run = await cli(["video", "--image", "https://cdn.example.com/a.png", "--clip", "https://cdn.example.com/c.mp4", "--duration", "20"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("wan-edge: 400 invalid_request");
    expect(run.stderr).toContain("  input.duration (--duration): at most 15");
    expect(run.stderr).toMatch(/ {2}input\.first_frame \(--image\): cannot be combined with first_clip/);
  });

  it.each([
    [["video", "--durration", "3"], "unknown option '--durration'"],
    [["video", "--duration", "five"], "argument 'five' is invalid"],
    [["video", "--resolution", "4k"], "Allowed choices are 720p, 1080p"],
    [["video", "--image", "missing.png"], "--image missing.png: cannot read it (ENOENT)"],
    [["video", "--image", "notes.txt"], "--image notes.txt: not a URL, and not a file type"],
    [["image"], "required option '--prompt <text>' not specified"],
    [["frobnicate"], "unknown command 'frobnicate'"],
  ])("refuses %j with exit 2", async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe("");
  });

  it("on Ctrl+C stops following, says how to follow the job, and leaves it running (exit 130)", async () => {
    await slowJobs(true);
    const run = await cli(["video", "--image", "https://cdn.example.com/a.png", "--out", join(folder, "later.mp4")], {
      onStderr: (text, child) => {
        if (/running on \w+ \d+%/.test(text) && !child.killed) child.kill("SIGINT");
      },
    });
    expect(run.code).toBe(130);
    const jobId = /Stopped following (job_[0-9a-z]+); the job keeps running/.exec(run.stderr)?.[1];
    expect(jobId).toBeDefined();
    expect(run.stderr).toContain(`npx wan-edge wait ${jobId} --out ${join(folder, "later.mp4")}`);
    const job = JSON.parse((await cli(["get", jobId!, "--json"])).stdout);
    expect(job.status).toBe("running");

    const canceled = await cli(["cancel", jobId!]);
    expect([canceled.code, canceled.stdout.trim()]).toEqual([0, `${jobId} canceled`]);
    const again = await cli(["cancel", jobId!, "--json"]);
    expect(again.code).toBe(3);
    expect(JSON.parse(again.stdout).error.status).toBe(409);
    const waited = await cli(["wait", jobId!]);
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain(`job ${jobId} canceled`);
  });
});

describe("wan-edge image and jobs", () => {
  it("saves an image set into a folder and lists it as JSON", async () => {
    const out = join(folder, "images/");
    const run = await cli(["image", "--prompt", "a red fox in snow", "--n", "2", "--size", "1K", "--out", out, "--json"]);
    expect(run.code).toBe(0);
    const job = JSON.parse(run.stdout);
    expect(job.status).toBe("completed");
    expect(run.stderr).toBe(""); // --json: nothing but the document
    expect((await readdir(out)).sort()).toEqual([`${job.id}-0.png`, `${job.id}-1.png`]);

    const page = JSON.parse((await cli(["jobs", "--status", "completed", "--limit", "50", "--json"])).stdout);
    expect(page.data.map((item: { id: string }) => item.id)).toContain(job.id);
    const table = await cli(["jobs", "--limit", "1"]);
    expect(table.stdout).toContain(job.id);
    expect(table.stderr).toMatch(/more: npx wan-edge jobs --cursor \S+/);
  });

  it("runs through npx from the repository, and prints the exit codes in --help", async () => {
    const run = await cli(["--help"], { command: ["npx", "--no-install", "wan-edge"] });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: wan-edge");
    expect(run.stdout).toContain("130  interrupted");
  });

  it("cannot reach a gateway that is not there: exit 3, one line", async () => {
    const [unused] = await freePorts(1);
    const run = await new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, ["bin/wan-edge.mjs", "jobs"], { env: { ...process.env, WAN_EDGE_URL: `http://127.0.0.1:${unused}` } });
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("exit", (code) => resolve({ code, stdout: "", stderr }));
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(new RegExp(`^wan-edge: cannot reach the gateway at http://127\\.0\\.0\\.1:${unused} \\(ECONNREFUSED\\)`));
  });
});

describe("the package's exports", () => {
  it("verifies a webhook the gateway really delivered, and refuses it altered", async () => {
    const script = `import { createClient, WebhookVerificationError } from "wan-edge/client";
      const client = createClient({ baseUrl: process.env.WAN_EDGE_URL, apiKey: "wan-edge-dev-key" });
      const sink = process.env.SINK;
      const job = await client.jobs.create({ model: "wan2.7-i2v", input: { first_frame: "https://cdn.example.com/a.png", duration: 2 }, webhook: { url: sink } });
      await client.jobs.wait(job.id);
      const secret = await client.webhooks.secret();
      let delivery;
      for (let tries = 0; !delivery && tries < 50; tries++) {
        delivery = (await (await fetch(sink)).json()).find((item) => item.body.includes(job.id));
        if (!delivery) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const event = await client.webhooks.verify(delivery.body, delivery.headers, secret);
      const altered = await client.webhooks.verify(delivery.body.replace("completed", "failed"), delivery.headers, secret).catch((error) => error);
      console.log(JSON.stringify([event.type, event.data.id === job.id, altered instanceof WebhookVerificationError]));`;
    const run = await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, WAN_EDGE_URL: stack.gatewayUrl, SINK: `${stack.emulatorUrl}/__control/webhooks/cli-test` } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("error", reject);
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual(["job.completed", true, true]);
  });

  it("resolves wan-edge/client to the built module in plain Node", async () => {
    const script = `import { createClient } from "wan-edge/client";
      const client = createClient({ baseUrl: process.env.WAN_EDGE_URL, apiKey: "wan-edge-dev-key" });
      const page = await client.jobs.list({ limit: 1 });
      console.log(page.object);`;
    const run = await cli(["--input-type=module", "-e", script], { command: [process.execPath] });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("list");
  });
});
