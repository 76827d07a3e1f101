/**
 * @module test/expected-logs — runtime messages that tests provoke on purpose.
 *
 * Some tests cut connections mid-body (the emulator's `media_abort_rate`, a cancel during
 * an R2 copy, the CLI's Ctrl+C dropping its event stream) or send a bad value to prove it
 * is refused; workerd then logs the broken stream with a native stack. Those lines are the
 * test working, not failing, so `npm test` hides exactly these (each pattern below, nothing
 * broader) and says once at the end how many it hid. `WAN_EDGE_TEST_LOGS=all` shows them.
 *
 * Installed by each project's global setup (once per process). Two ways in: workerd's
 * structured logs are written to the runner's own stdout/stderr by the Workers pool
 * (filtered where they are written), and the local stack's logs reach vitest as a test's
 * console output (`isExpectedLog`, called from vitest.config.ts's `onConsoleLog`).
 */
const expectedLogs: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /^uncaught exception; source = Uncaught \(in promise\); stack = Error: Network connection lost\./, why: "a download cut mid-body" },
  { pattern: /^uncaught exception; exception = workerd\/jsg\/value\.h:\d+: failed: jsg\.Error: emulated connection cut mid-body/, why: "the emulator's media_abort fault" },
  { pattern: /^exception = kj\/async-io\.c\+\+:\d+: disconnected: fixed-length pipe ended prematurely/, why: "a copy whose source was cut" },
  { pattern: /^uncaught exception; source = Uncaught \(in promise\); stack = TypeError: TenantIndex\.upsert: status must be a job status/, why: "a bad status sent on purpose" },
  { pattern: /kj::getCaughtExceptionAsKj\(\) = kj\/async-io-unix\.c\+\+:\d+: disconnected: ::write\(fd, buffer\.begin\(\), buffer\.size\(\)\): Connection reset by peer/, why: "a client that went away mid-stream" },
];

const ansi = /\x1b\[[0-9;]*m/g;
const showAll = () => process.env.WAN_EDGE_TEST_LOGS === "all";
const hidden = ((globalThis as { __wanEdgeHiddenLogs?: { count: number; reported: boolean; why: Set<string> } }).__wanEdgeHiddenLogs ??= {
  count: 0,
  reported: false,
  why: new Set(),
});

/** True (and counted) when `text` is one of the expected messages. */
export function isExpectedLog(text: string): boolean {
  if (showAll()) return false;
  const plain = text.replace(ansi, "").replace(/^[✘\s]*\[ERROR\]\s*/, "");
  const expected = expectedLogs.find(({ pattern }) => pattern.test(plain));
  if (!expected) return false;
  hidden.why.add(expected.why);
  if (hidden.count++ === 0) process.once("exit", reportOnce);
  return true;
}

function reportOnce(): void {
  if (hidden.reported || hidden.count === 0) return;
  hidden.reported = true;
  process.stderr.write(
    `\n(${hidden.count} runtime log message(s) that tests provoke on purpose hidden — ${[...hidden.why].join("; ")}; see test/expected-logs.ts, or run with WAN_EDGE_TEST_LOGS=all)\n`,
  );
}

/**
 * Global setup (both projects): filters what the Workers pool writes for workerd's logs (to
 * stdout or stderr, by the log's level) in this, the runner's, process.
 */
export default function installExpectedLogFilter(): () => void {
  (globalThis as { wanEdgeIsExpectedLog?: typeof isExpectedLog }).wanEdgeIsExpectedLog = isExpectedLog; // for vitest's onConsoleLog
  if ((globalThis as { wanEdgeLogFilter?: boolean }).wanEdgeLogFilter) return () => {}; // once per process, whichever project comes first
  (globalThis as { wanEdgeLogFilter?: boolean }).wanEdgeLogFilter = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if ((typeof chunk === "string" || chunk instanceof Uint8Array) && isExpectedLog(String(chunk))) return true;
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
  return () => {};
}
