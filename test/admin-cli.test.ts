/**
 * `wan-edge admin …` (sdk/admin), inside workerd: the command function and the typed client,
 * with the gateway's own fetch injected — the requests are the ones a terminal would send.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAdminClient } from "../sdk/admin/admin-client";
import { parseArgs, runAdminCommand, settingsFrom } from "../sdk/admin/admin-command";
import { gateway } from "./helpers";
import { adminSecret } from "./tenant-helpers";

function cli(secret = adminSecret) {
  const out: string[] = [];
  const err: string[] = [];
  const client = createAdminClient({ baseUrl: "http://gateway.test", adminSecret: secret, fetch: (input, init) => exports.default.fetch(new Request(input as string, init)) });
  const run = (...argv: string[]) => runAdminCommand(argv, { client, out: (line) => out.push(line), err: (line) => err.push(line) });
  return { run, out, err, last: () => JSON.parse(out[out.length - 1]!) as Record<string, unknown> };
}

describe("wan-edge admin", () => {
  it("makes a tenant with its settings, a key (printed once) that works, then revokes it", async () => {
    const { run, err, last } = cli();
    const tenant = `cli-${crypto.randomUUID().slice(0, 8)}`;
    expect(await run("tenants", "create", tenant, "--name", "Acme", "--budget-usd", "25", "--max-running-jobs", "2", "--media-access", "private")).toBe(0);
    expect(last()).toMatchObject({ id: tenant, name: "Acme", settings: { budget: { limit_usd: 25, period: "month" }, limits: { max_running_jobs: 2 }, media_access: "private" } });

    expect(await run("keys", "create", tenant, "--name", "ci")).toBe(0);
    const made = last() as { id: string; key: string };
    expect(err.join("\n")).toContain(made.key);
    expect((await gateway("/v1/jobs", { key: made.key })).status).toBe(200);

    expect(await run("keys", "list", "--tenant", tenant)).toBe(0);
    expect(JSON.stringify(last())).not.toContain(made.key);
    expect(await run("keys", "revoke", made.id)).toBe(0);
    expect((await gateway("/v1/jobs", { key: made.key })).status).toBe(401);

    expect(await run("tenants", "set", tenant, "--no-budget", "--max-running-jobs", "0")).toBe(0);
    expect(last()).toMatchObject({ budget: null, settings: { limits: { max_running_jobs: null } } });
  });

  it("says what is wrong: usage (2) or the gateway's refusal with every field (3)", async () => {
    const { run, err } = cli();
    expect(await run("tenants", "fly")).toBe(2);
    expect(err.pop()).toContain("unknown command: tenants fly");
    expect(await run("keys", "create")).toBe(2);
    expect(await run("tenants", "create", "x", "--budget-usd", "lots")).toBe(2);
    expect(await run("tenants", "create", "Not Valid", "--media-access", "hidden")).toBe(3);
    const message = err.pop()!;
    expect(message).toContain("400 invalid_request");
    expect(message).toContain("id:");
    expect(message).toContain("settings.media_access:");
    const wrongSecret = cli("wrong-secret");
    expect(await wrongSecret.run("tenants", "list")).toBe(3);
    expect(wrongSecret.err.pop()).toContain("401 unauthorized");
  });

  it("parses --flag value, --flag=value and the settings they name", () => {
    const { positional, options } = parseArgs(["keys", "rotate", "key_1", "--overlap=60"]);
    expect(positional).toEqual(["keys", "rotate", "key_1"]);
    expect(options.get("overlap")).toBe("60");
    expect(settingsFrom(parseArgs(["--budget-usd", "12.5", "--budget-period", "total", "--retention-days", "0", "--submits-per-minute", "30"]).options)).toEqual({
      budget: { limit_usd: 12.5, period: "total" },
      limits: { submits_per_minute: 30 },
      retention_days: null,
    });
  });
});
