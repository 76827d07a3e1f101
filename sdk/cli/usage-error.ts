/**
 * @module sdk/cli/usage-error — a mistake in the command line (exit code 2), not the gateway's.
 */
export class UsageError extends Error {
  override name = "UsageError";
}
