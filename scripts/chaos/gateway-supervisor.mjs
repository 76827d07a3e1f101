/**
 * @module scripts/chaos/gateway-supervisor — starts the gateway (gateway-process.mjs) as a
 * process group of its own and SIGKILLs that whole group: the node process, the workerd
 * processes wrangler starts (its proxy and the gateway's own) and esbuild's service, all at
 * once, as a machine losing power would. Linux only (it reads /proc to see the group gone).
 */
import { spawn } from "node:child_process";
import { openSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const runner = fileURLToPath(new URL("./gateway-process.mjs", import.meta.url));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pids of the live (not zombie) processes in process group `group`. */
export function groupMembers(group) {
  const members = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command (which may hold spaces, inside parentheses): state, ppid, pgrp.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === group && state !== "Z" && state !== "X") members.push(Number(entry));
    } catch {
      // gone between the listing and the read
    }
  }
  return members;
}

/**
 * @param {{ port: number, emulatorUrl: string, persist: string, vars?: Record<string,string>, logFile: string, cwd: string }} options
 * @example
 * const gateway = new GatewaySupervisor({ port: 9500, emulatorUrl, persist, logFile, cwd });
 * await gateway.start(); await gateway.kill(); await gateway.start();
 */
export class GatewaySupervisor {
  constructor(options) {
    this.options = options;
    this.url = `http://127.0.0.1:${options.port}`;
    /** @type {import("node:child_process").ChildProcess | null} */
    this.child = null;
    this.starts = 0;
  }

  /** Spawns the gateway; resolves with the ms it took to serve. Rejects if it exits first or takes over `timeoutMs`. */
  start(timeoutMs = 90_000) {
    const { port, emulatorUrl, persist, vars = {}, logFile, cwd } = this.options;
    const log = openSync(logFile, "a");
    const began = Date.now();
    const child = spawn(process.execPath, [runner, "--port", String(port), "--emulator-url", emulatorUrl, "--persist", persist, "--vars", JSON.stringify(vars)], {
      cwd,
      detached: true, // a new process group (setsid): its pid is the group's id
      stdio: ["ignore", "pipe", log],
    });
    this.child = child;
    this.starts++;
    // The group outlives this process unless killed: if the run itself dies, take it along.
    const orphaned = () => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    process.once("exit", orphaned);
    child.once("exit", () => process.removeListener("exit", orphaned));
    return new Promise((resolve, reject) => {
      let output = "";
      const timer = setTimeout(() => reject(new Error(`gateway did not start within ${timeoutMs} ms (see ${logFile})`)), timeoutMs);
      child.stdout.on("data", (chunk) => {
        output += chunk;
        if (output.includes('"ready"')) {
          clearTimeout(timer);
          resolve(Date.now() - began);
        }
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`gateway exited before serving (code ${code}, signal ${signal}; see ${logFile})`));
      });
    });
  }

  /** SIGKILL to the whole group; resolves once no process of it is left. */
  async kill() {
    const child = this.child;
    if (!child) return;
    this.child = null;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await this.untilGone(child.pid);
  }

  /** A clean stop (SIGTERM: wrangler disposes workerd), then SIGKILL for whatever is left. */
  async stop() {
    const child = this.child;
    if (!child) return;
    this.child = null;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.race([exited, sleep(15_000)]);
    if (groupMembers(child.pid).length > 0) process.kill(-child.pid, "SIGKILL");
    await this.untilGone(child.pid);
  }

  async untilGone(group, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    while (groupMembers(group).length > 0) {
      if (Date.now() > deadline) throw new Error(`process group ${group} still alive ${timeoutMs} ms after SIGKILL: ${groupMembers(group).join(", ")}`);
      await sleep(50);
    }
  }
}
