/**
 * @module sdk/admin/admin-command — `wan-edge admin tenants|keys …`, as one function the CLI
 * hooks in (sdk/cli/main.ts): `runAdminCommand(argv, context)` takes the arguments after
 * `admin` and returns the CLI's exit code (0 done, 2 usage, 3 refused by the gateway). Every
 * answer is printed as JSON on `out`; messages go to `err`.
 *
 * It parses its own arguments (no dependency, no Node API), so it runs anywhere the client
 * does and its tests run inside workerd against the gateway itself.
 */
import type { AdminClient } from "./admin-client";
import { ExitCode } from "../cli/exit-codes";
import { AdminApiError } from "./admin-client";

export interface AdminContext {
  client: AdminClient;
  out: (line: string) => void;
  err: (line: string) => void;
}

export const adminUsage = `usage: wan-edge admin <command>
  tenants list
  tenants get <id>
  tenants create <id> [--name N] [settings]
  tenants set <id> [--name N] [settings]
  tenants rotate-webhook-secret <id> [--overlap SECONDS]
  keys list [--tenant ID]
  keys get <key-id>
  keys create <tenant> [--name N] [--expires-at ISO]
  keys revoke <key-id>
  keys rotate <key-id> [--overlap SECONDS]
settings: --budget-usd USD [--budget-period month|total] | --no-budget
          --max-running-jobs N  --submits-per-minute N  --max-queued-jobs N  (0: no limit of its own)
          --retention-days N (0: keep forever)  --media-access public|private
The admin secret comes from ADMIN_SECRET; keys are printed once, when made.`;

class UsageError extends Error {}

/** `--name x`, `--name=x` and `--no-budget` into a map; the rest are positional. */
export function parseArgs(argv: readonly string[]): { positional: string[]; options: Map<string, string | true> } {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (name === "no-budget" || name === "help") options.set(name, true);
    else if (inline !== undefined) options.set(name, inline);
    else if (index + 1 < argv.length && !argv[index + 1]!.startsWith("--")) options.set(name, argv[++index]!);
    else throw new UsageError(`--${name} needs a value`);
  }
  return { positional, options };
}

function integer(options: Map<string, string | true>, name: string): number | undefined {
  const value = options.get(name);
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
  return Number(value);
}

/** The settings change the options describe (only what they name). */
export function settingsFrom(options: Map<string, string | true>): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  const limits: Record<string, number | null> = {};
  if (options.has("no-budget")) settings.budget = null;
  const budget = options.get("budget-usd");
  if (budget !== undefined) {
    if (typeof budget !== "string" || !/^\d+(\.\d+)?$/.test(budget)) throw new UsageError("--budget-usd must be an amount in USD, e.g. 25 or 12.50");
    settings.budget = { limit_usd: Number(budget), period: options.get("budget-period") ?? "month" };
  }
  for (const name of ["max-running-jobs", "submits-per-minute", "max-queued-jobs"]) {
    const value = integer(options, name);
    if (value !== undefined) limits[name.replace(/-/g, "_")] = value === 0 ? null : value;
  }
  if (Object.keys(limits).length > 0) settings.limits = limits;
  const retention = integer(options, "retention-days");
  if (retention !== undefined) settings.retention_days = retention === 0 ? null : retention;
  const access = options.get("media-access");
  if (access !== undefined) settings.media_access = access;
  return settings;
}

const known = new Set(["help", "name", "tenant", "overlap", "expires-at", "no-budget", "budget-usd", "budget-period", "max-running-jobs", "submits-per-minute", "max-queued-jobs", "retention-days", "media-access"]);

/**
 * Runs `wan-edge admin …` with the arguments after `admin`; returns the exit code.
 * @example process.exitCode = await runAdminCommand(["keys", "revoke", "key_…"], { client, out, err })
 */
export async function runAdminCommand(argv: readonly string[], context: AdminContext): Promise<number> {
  const print = (value: unknown) => context.out(JSON.stringify(value, null, 2));
  try {
    const { positional, options } = parseArgs(argv);
    for (const name of options.keys()) if (!known.has(name)) throw new UsageError(`unknown option --${name}`);
    const [group, action, target] = positional;
    if (group === undefined || group === "help" || options.has("help")) {
      context.out(adminUsage);
      return ExitCode.ok;
    }
    const need = (what: string) => {
      if (target === undefined) throw new UsageError(`${group} ${action} needs ${what}`);
      return target;
    };
    const name = options.get("name");
    const text = (value: string | true | undefined) => (typeof value === "string" ? value : undefined);
    const client = context.client;
    switch (`${group} ${action}`) {
      case "tenants list":
        print(await client.tenants.list());
        return ExitCode.ok;
      case "tenants get":
        print(await client.tenants.get(need("a tenant id")));
        return ExitCode.ok;
      case "tenants create":
        print(await client.tenants.create({ id: need("a tenant id"), ...(text(name) ? { name: text(name) } : {}), settings: settingsFrom(options) }));
        return ExitCode.ok;
      case "tenants set":
        print(await client.tenants.update(need("a tenant id"), { ...(text(name) ? { name: text(name) } : {}), settings: settingsFrom(options) }));
        return ExitCode.ok;
      case "tenants rotate-webhook-secret":
        print(await client.tenants.rotateWebhookSecret(need("a tenant id"), integer(options, "overlap")));
        return ExitCode.ok;
      case "keys list":
        print(await client.keys.list(text(options.get("tenant"))));
        return ExitCode.ok;
      case "keys get":
        print(await client.keys.get(need("a key id")));
        return ExitCode.ok;
      case "keys create": {
        const made = await client.keys.create({ tenant: need("a tenant id"), ...(text(name) ? { name: text(name) } : {}), ...(text(options.get("expires-at")) ? { expires_at: text(options.get("expires-at")) } : {}) });
        print(made);
        context.err(`The key is shown only now: ${made.key}`);
        return ExitCode.ok;
      }
      case "keys revoke":
        print(await client.keys.revoke(need("a key id")));
        return ExitCode.ok;
      case "keys rotate": {
        const made = await client.keys.rotate(need("a key id"), integer(options, "overlap"));
        print(made);
        context.err(`The new key is shown only now: ${made.key} (the old one works until ${made.previous?.expires_at ?? "now"})`);
        return ExitCode.ok;
      }
      default:
        throw new UsageError(`unknown command: ${positional.slice(0, 2).join(" ")}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      context.err(`wan-edge admin: ${error.message}\n${adminUsage}`);
      return ExitCode.usage;
    }
    if (error instanceof AdminApiError) {
      context.err(`wan-edge admin: ${error.message}`);
      return ExitCode.refused;
    }
    throw error;
  }
}
