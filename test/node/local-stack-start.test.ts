/**
 * `npm start` as a developer meets it: a taken port is one line naming the port and the
 * variable that moves it (exit 1, within 5 s); `{ID}_BASE_URL`/`{ID}_API_KEY` pairs from
 * the environment or `.dev.vars` send that provider to a real upstream — here a stand-in,
 * a second emulator on a port of its own — while the others stay on the emulator; the
 * banner says where each goes and never prints a key.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeProviders, realProviders } from "../../scripts/dev-providers.mjs";
import { startEmulator } from "../../scripts/local-stack.mjs";
import { freePorts, startTestStack, type TestStack } from "../browser/local-stack-fixture";

/** Runs `npm start`'s script with `env`; resolves with its exit code, output and time. */
function runStart(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["scripts/start.mjs"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const guard = setTimeout(() => child.kill("SIGINT"), 15_000); // a stack that started after all is stopped
    child.on("exit", (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

describe("npm start with a taken port", () => {
  it.each([
    ["gateway", "PORT"],
    ["emulator", "EMULATOR_PORT"],
  ])("names the %s port and %s in one line, exit code 1, within 5 s", async (role, variable) => {
    const [taken, free] = await freePorts(2);
    const holder = await occupy(taken!);
    try {
      const env = variable === "PORT" ? { PORT: String(taken), EMULATOR_PORT: String(free) } : { PORT: String(free), EMULATOR_PORT: String(taken) };
      const result = await runStart(env);
      expect(result.code).toBe(1);
      expect(result.ms).toBeLessThan(5_000);
      expect(result.stdout).toBe("");
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`port ${taken} (${role}) is already in use`);
      expect(lines[0]).toContain(`${variable}=`);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it("refuses a port that is not a number, in one line", async () => {
    const result = await runStart({ PORT: "eighty" });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("wan-edge: PORT=eighty is not a port number (1-65535)\n");
  });
});

describe("real providers from the environment and .dev.vars", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "wan-edge-devvars-"));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("takes each complete pair, the environment before the file, and reports half pairs", async () => {
    const devVarsPath = join(folder, ".dev.vars");
    await writeFile(
      devVarsPath,
      ["# real keys stay on this laptop", "EVOLINK_BASE_URL=https://api.evolink.ai/", 'EVOLINK_API_KEY="sk-from-file"', "SHORTAPI_API_KEY=sk-half", "DASHSCOPE_API_KEY=sk-file-dashscope"].join("\n"),
    );
    const result = realProviders({ devVarsPath, env: { DASHSCOPE_BASE_URL: "https://dashscope-intl.aliyuncs.com", DASHSCOPE_API_KEY: "sk-env-dashscope" } });
    expect(result.real).toEqual([
      { id: "dashscope", baseUrl: "https://dashscope-intl.aliyuncs.com", apiKey: "sk-env-dashscope", from: "environment" },
      { id: "evolink", baseUrl: "https://api.evolink.ai", apiKey: "sk-from-file", from: devVarsPath },
    ]);
    expect(result.warnings).toEqual(["SHORTAPI_BASE_URL is not set (only SHORTAPI_API_KEY is): shortapi stays on the emulator"]);
  });

  it("shows where each provider goes without printing a key", () => {
    const lines = describeProviders(
      { real: [{ id: "evolink", baseUrl: "https://api.evolink.ai", apiKey: "sk-secret-1234", from: ".dev.vars" }], warnings: [] },
      "http://127.0.0.1:8788",
    ).join("\n");
    expect(lines).toContain("evolink   https://api.evolink.ai   (real provider, key from .dev.vars; polled)");
    expect(lines).toContain("dashscope http://127.0.0.1:8788/dashscope   (emulator)");
    expect(lines).toContain("no provider callbacks");
    expect(lines).not.toContain("sk-secret-1234");
  });
});

describe("a job on a real provider", () => {
  let standIn: { url: string; dispose(): Promise<void> };
  let stack: TestStack;
  const key = "sk-stand-in-real-key";

  beforeAll(async () => {
    const [port] = await freePorts(1);
    const url = `http://127.0.0.1:${port}`;
    const emulator = await startEmulator({ host: "127.0.0.1", port, publicUrl: url });
    standIn = { url, dispose: () => emulator.dispose() };
    stack = await startTestStack({ realProviders: [{ id: "dashscope", baseUrl: `${url}/dashscope`, apiKey: key }] });
  });
  afterAll(async () => {
    await stack?.stop();
    await standIn?.dispose();
  });

  it("goes to that upstream with its key, and the other providers stay on the emulator", async () => {
    const headers = { authorization: "Bearer wan-edge-dev-key", "content-type": "application/json" };
    const body = (provider: string) => JSON.stringify({ model: "wan2.7-i2v", provider, input: { prompt: "a cat", first_frame: "https://example.com/cat.png", duration: 2 } });
    const real = await (await fetch(`${stack.gatewayUrl}/v1/jobs`, { method: "POST", headers: { ...headers, prefer: "wait=30" }, body: body("dashscope") })).json();
    const emulated = await (await fetch(`${stack.gatewayUrl}/v1/jobs`, { method: "POST", headers: { ...headers, prefer: "wait=30" }, body: body("evolink") })).json();
    expect([real.status, real.provider]).toEqual(["completed", "dashscope"]);
    expect([emulated.status, emulated.provider]).toEqual(["completed", "evolink"]);

    type Entry = { provider: string; method: string; headers: Record<string, string> };
    const standInLog: Entry[] = await (await fetch(`${standIn.url}/__control/log`)).json();
    const emulatorLog: Entry[] = await (await fetch(`${stack.emulatorUrl}/__control/log`)).json();
    const creates = standInLog.filter((entry) => entry.method === "POST");
    expect(creates.map((entry) => entry.provider)).toEqual(["dashscope"]);
    expect(creates[0]!.headers.authorization).toBe(`Bearer ${key}`);
    expect(emulatorLog.some((entry) => entry.provider === "dashscope")).toBe(false);
    expect(emulatorLog.some((entry) => entry.provider === "evolink" && entry.method === "POST")).toBe(true);
  });
});
