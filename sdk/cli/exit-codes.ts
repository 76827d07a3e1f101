/**
 * @module sdk/cli/exit-codes — what `wan-edge`'s exit status means (also in `--help`).
 */
export const ExitCode = {
  /** Done: the job completed (or was submitted, with --no-wait), the listing printed. */
  ok: 0,
  /** The job ended failed or canceled. */
  jobFailed: 1,
  /** The command line is wrong (unknown option, bad number, unreadable file). */
  usage: 2,
  /** The gateway refused the request (its problem is printed) or could not be reached. */
  refused: 3,
  /** Interrupted (Ctrl+C): a submitted job keeps running. */
  interrupted: 130,
} as const;

export const exitCodeHelp = `
Exit codes:
  0    done (the job completed, or was submitted with --no-wait)
  1    the job failed or was canceled
  2    usage error (options, files)
  3    the gateway refused the request (its problem and field errors are printed) or was unreachable
  130  interrupted with Ctrl+C (a submitted job keeps running)

Environment:
  WAN_EDGE_URL      the gateway (default http://127.0.0.1:8787, the local stack of npm start)
  WAN_EDGE_API_KEY  your API key (default wan-edge-dev-key, the local stack's dev key)`;
