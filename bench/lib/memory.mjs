/**
 * @module bench/lib/memory — resident memory of the workerd processes (Linux /proc).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** PIDs of every running workerd process. */
export function workerdPids() {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (command.split("\0")[0]?.endsWith("/workerd") || command.includes("/workerd\0serve")) pids.push(Number(entry));
    } catch {
      // the process went away
    }
  }
  return pids;
}

/** Resident set size of `pid` in bytes (0 if it is gone). */
export function rssBytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples `pid`'s RSS every `everyMs` until `stop()`; returns the peak. */
export function sampleRss(pid, everyMs = 20) {
  let peak = rssBytes(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssBytes(pid));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssBytes(pid));
    },
  };
}

/** Whether process `pid` has a file or folder under `path` open. */
export function holdsPath(pid, path) {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(path);
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}
