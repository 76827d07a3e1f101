/**
 * @module sdk/cli/main — `wan-edge`: generate videos and images from a terminal.
 *
 * Configured by WAN_EDGE_URL and WAN_EDGE_API_KEY (defaults: the local stack and its dev
 * key). Arguments are parsed by commander (subcommands, typed options, help and "unknown
 * option" errors — `util.parseArgs` has no subcommands or help, which this CLI is mostly
 * made of); calls go through the package's own client. Further command groups (`wan-edge
 * admin …`) register beside the ones here, in `buildProgram`.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { createClient, defaultBaseUrl, WanEdgeError } from "../client/index";
import { cancelCommand, type Context, getCommand, imageCommand, jobsCommand, videoCommand, waitCommand } from "./commands";
import { ExitCode, exitCodeHelp } from "./exit-codes";
import { UsageError } from "./usage-error";

const jobStatuses = ["queued", "running", "completed", "failed", "canceled"] as const;

/** The option a field of the request came from, so a field error names what to change. */
const flagOfField: Record<string, string> = {
  "input.first_frame": "--image",
  "input.last_frame": "--last-frame",
  "input.driving_audio": "--audio",
  "input.first_clip": "--clip",
  "input.prompt": "--prompt",
  "input.negative_prompt": "--negative-prompt",
  "input.duration": "--duration",
  "input.resolution": "--resolution",
  "input.seed": "--seed",
  "input.n": "--n",
  "input.size": "--size",
  "input.images": "--image",
  "input.enable_sequential": "--sequential",
  provider: "--provider",
};

function integer(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError("not an integer.");
  return Number(value);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const providers = (value: string) => value.split(",").map((item) => item.trim()).filter(Boolean);

/** The command tree; `run` receives each command's action. */
export function buildProgram(run: (action: (context: Context) => Promise<number>) => Promise<void>): Command {
  const program = new Command("wan-edge")
    .description("Generate Wan 2.7 videos and images through a wan-edge gateway.")
    .option("--json", "print one JSON document on stdout (the job, the page or the error), no progress")
    .addHelpText("after", exitCodeHelp)
    .showHelpAfterError("(wan-edge --help lists the commands and options)")
    .exitOverride();

  program
    .command("video")
    .description("image-to-video (wan2.7-i2v): upload local files, submit, follow, download")
    .option("--image <file|url>", "first frame (PNG, JPEG, WEBP, BMP)")
    .option("--last-frame <file|url>", "last frame")
    .option("--audio <file|url>", "driving audio (MP3, WAV; 2-30 s)")
    .option("--clip <file|url>", "video to continue (MP4, MOV; 2-10 s)")
    .option("--prompt <text>", "what happens")
    .option("--negative-prompt <text>", "what must not")
    .option("--duration <seconds>", "2-15 (default 5)", integer)
    .addOption(new Option("--resolution <resolution>", "default 720p").choices(["720p", "1080p"]))
    .option("--seed <number>", "for a repeatable result", integer)
    .option("--provider <ids>", "auto (default), a provider, or an ordered list: evolink,dashscope", providers)
    .option("--out <file>", "save the video here")
    .option("--no-wait", "submit, print the job and exit")
    .action((options) => run((context) => videoCommand(context, options)));

  program
    .command("image")
    .description("text-to-image and image editing (wan2.7-image-pro)")
    .requiredOption("--prompt <text>", "what to draw")
    .option("--n <count>", "how many images (1-4; up to 12 with --sequential)", integer)
    .option("--size <size>", "1K, 2K, 4K or W*H, e.g. 1024*1536")
    .option("--image <file|url>", "an input image to edit (repeat for several, up to 9)", collect)
    .option("--sequential", "a coherent image set")
    .option("--seed <number>", "for a repeatable result", integer)
    .option("--provider <ids>", "auto (default), a provider, or an ordered list", providers)
    .option("--out <folder>", "save the images in this folder")
    .option("--no-wait", "submit, print the job and exit")
    .action((options) => run((context) => imageCommand(context, options)));

  program
    .command("jobs")
    .description("your jobs, newest first")
    .addOption(new Option("--status <status>", "only jobs in this state").choices(jobStatuses))
    .option("--limit <count>", "page size (default 20)", integer)
    .option("--cursor <cursor>", "the next page (printed after a full page)")
    .action((options) => run((context) => jobsCommand(context, options)));

  program.command("get").description("one job").argument("<id>").action((id: string) => run((context) => getCommand(context, id)));
  program.command("cancel").description("cancel a job that is not finished").argument("<id>").action((id: string) => run((context) => cancelCommand(context, id)));
  program
    .command("wait")
    .description("follow a job to its end; download its outputs with --out")
    .argument("<id>")
    .option("--out <file|folder>", "save the outputs here")
    .action((id: string, options) => run((context) => waitCommand(context, id, options)));

  for (const command of program.commands) command.exitOverride().showHelpAfterError("(add --help for this command's options)");
  return program;
}

/**
 * Runs `wan-edge` with `argv` (the arguments after the command name) and returns the exit code.
 * @example process.exitCode = await main(process.argv.slice(2))
 */
export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let current: { id: string; out?: string } | null = null;
  let json = false;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  let exitCode: number = ExitCode.ok;

  const program = buildProgram(async (action) => {
    json = Boolean(program.opts().json);
    const client = createClient({ baseUrl: process.env.WAN_EDGE_URL || defaultBaseUrl, apiKey: process.env.WAN_EDGE_API_KEY || "wan-edge-dev-key" });
    exitCode = await action({ client, json, signal: controller.signal, out, err, onJob: (job) => (current = job) });
  });

  const interrupt = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", interrupt);
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (controller.signal.aborted) {
      const job = current as { id: string; out?: string } | null;
      if (job) {
        err(`\nStopped following ${job.id}; the job keeps running on the gateway.`);
        err(`  follow it:  npx wan-edge wait ${job.id}${job.out ? ` --out ${job.out}` : ""}`);
        err(`  or cancel:  npx wan-edge cancel ${job.id}`);
      } else {
        err("\nInterrupted before a job was submitted (if the submit had reached the gateway, `npx wan-edge jobs` lists it).");
      }
      return ExitCode.interrupted;
    }
    return report(error, json, out, err);
  } finally {
    process.removeListener("SIGINT", interrupt);
  }
}

/** Prints what went wrong and returns its exit code. */
function report(error: unknown, json: boolean, out: (line: string) => void, err: (line: string) => void): number {
  if (error instanceof CommanderError) {
    const quiet = ["commander.helpDisplayed", "commander.help", "commander.version"].includes(error.code);
    return quiet ? ExitCode.ok : ExitCode.usage; // commander printed the message and the hint already
  }
  if (error instanceof UsageError) {
    if (json) out(JSON.stringify({ error: { code: "usage", message: error.message } }));
    else err(`wan-edge: ${error.message}`);
    return ExitCode.usage;
  }
  if (error instanceof WanEdgeError) {
    if (json) out(JSON.stringify({ error: error.problem ?? { status: error.status, detail: error.message } }, null, 2));
    else {
      const problem = error.problem;
      err(`wan-edge: ${problem ? `${problem.status} ${problem.code}: ${problem.detail}` : error.message}`);
      for (const field of error.errors) {
        const flag = flagOfField[field.path];
        err(`  ${field.path}${flag ? ` (${flag})` : ""}: ${field.message}`);
      }
    }
    return ExitCode.refused;
  }
  // fetch's own failure: refused, reset, a name that does not resolve, a port fetch forbids.
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (error instanceof TypeError && cause) {
    const url = process.env.WAN_EDGE_URL || defaultBaseUrl;
    const message = `cannot reach the gateway at ${url} (${cause.code ?? cause.message}): start it with \`npm start\`, or set WAN_EDGE_URL`;
    if (json) out(JSON.stringify({ error: { code: "unreachable", message } }));
    else err(`wan-edge: ${message}`);
    return ExitCode.refused;
  }
  throw error; // a bug: let Node print it
}
