import { describe, expect, it } from "vitest";
import { isIpLiteral } from "../media/url-policy";
import { webhookUrlProblem } from "./webhook-url";

const production = { environment: "production" as const, emulatorOrigin: null };
const development = { environment: "development" as const, emulatorOrigin: "http://127.0.0.1:8788" };

describe("webhookUrlProblem", () => {
  it.each([
    ["https://app.example/hooks/wan", production],
    ["https://hooks.example.com:8443/wan?tenant=7#ignored", production],
    ["https://app.example/hooks/wan", development],
    ["http://127.0.0.1:9000/hook", development],
    ["http://localhost:3000/hook", development],
    ["https://localhost:3000/hook", development],
    ["http://[::1]:3000/hook", development],
    ["http://127.0.0.1:8788/__webhooks/sink", development],
  ] as const)("accepts %s", (url, config) => {
    expect(webhookUrlProblem(url, config)).toBeNull();
  });

  it.each([
    ["http://app.example/hooks", production, "must use https"],
    ["http://app.example/hooks", development, "must use https (or http to loopback in local development)"],
    ["ftp://app.example/hooks", production, "must use https"],
    ["http://127.0.0.1:9000/hook", production, "must use https"],
    ["https://127.0.0.1/hook", production, "must name a host, not an IP address"],
    ["https://10.0.0.8/hook", production, "must name a host, not an IP address"],
    ["https://169.254.169.254/latest/meta-data", production, "must name a host, not an IP address"],
    ["https://2130706433/hook", production, "must name a host, not an IP address"],
    ["https://0x7f000001/hook", production, "must name a host, not an IP address"],
    ["https://0177.0.0.1/hook", production, "must name a host, not an IP address"],
    ["https://127.1/hook", production, "must name a host, not an IP address"],
    ["https://[::1]/hook", production, "must name a host, not an IP address"],
    ["https://[::ffff:127.0.0.1]/hook", production, "must name a host, not an IP address"],
    ["https://[fd00::1]/hook", production, "must name a host, not an IP address"],
    ["https://8.8.8.8/hook", production, "must name a host, not an IP address"],
    ["https://10.0.0.8/hook", development, "must name a host, not an IP address"],
    ["https://localhost/hook", production, "must be a public host"],
    ["https://localhost./hook", production, "must be a public host"],
    ["https://api.localhost/hook", production, "must be a public host"],
    ["https://printer.local/hook", production, "must be a public host"],
    ["https://printer.local./hook", production, "must be a public host"],
    ["https://metadata.google.internal/hook", production, "must be a public host"],
    ["https://router.home.arpa/hook", production, "must be a public host"],
    ["https://intranet/hook", production, "must be a public host"],
    ["https://user:secret@app.example/hooks", production, "must not carry credentials"],
    ["http://user:secret@127.0.0.1:9000/hook", development, "must not carry credentials"],
    ["/hooks/wan", production, "not a URL"],
    ["not a url", production, "not a URL"],
  ] as const)("refuses %s (%s)", (url, config, problem) => {
    expect(webhookUrlProblem(url, config as typeof production | typeof development)).toBe(problem);
  });
});

describe("isIpLiteral", () => {
  it.each([
    ["10.0.0.1", true],
    ["2130706433", true],
    ["0x7f.1", true],
    ["0177.0.0.1", true],
    ["127.1", true],
    ["1.2.3.4.", true],
    ["[::1]", true],
    ["::ffff:7f00:1", true],
    ["app.example", false],
    ["1password.com", false],
    ["123.example", false],
  ])("%s → %s", (host, expected) => {
    expect(isIpLiteral(host)).toBe(expected);
  });
});
