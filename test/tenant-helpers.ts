/**
 * Helpers for the service tests: the admin API (tenants with settings, keys), a tenant's
 * usage, and a strict RFC 4180 reader that owes nothing to the gateway's CSV writer.
 */
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { gateway, image } from "./helpers";

export const adminSecret = env.ADMIN_SECRET as string;

/** A request to /admin/v1 with the admin secret. */
export function admin(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("authorization")) headers.set("authorization", `Bearer ${adminSecret}`);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  return exports.default.fetch(new Request(`http://gateway.test${path}`, { ...init, headers }));
}

let counter = 0;

/** A new tenant (unique per call) with `settings`, and a key made for it. */
export async function newTenant(settings: Record<string, unknown> = {}): Promise<{ tenant: string; key: string; keyId: string }> {
  const tenant = `t${Date.now().toString(36)}-${(counter++).toString(36)}-${crypto.randomUUID().slice(0, 6)}`;
  const created = await admin("/admin/v1/tenants", { method: "POST", body: JSON.stringify({ id: tenant, settings }) });
  expect(created.status, await created.clone().text()).toBe(201);
  const made = await admin("/admin/v1/keys", { method: "POST", body: JSON.stringify({ tenant, name: "test" }) });
  expect(made.status, await made.clone().text()).toBe(201);
  const { key, id } = (await made.json()) as { key: string; id: string };
  return { tenant, key, keyId: id };
}

/** A 5 s 720p video request pinned to `provider` (ShortAPI: $0.085/s → $0.425). */
export function videoBody(provider: string | string[] = "shortapi", input: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: image, duration: 5, prompt: "p", ...input }, provider });
}

export function postJob(key: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return gateway("/v1/jobs", { method: "POST", body, key, headers });
}

export interface UsageJson {
  totals: { cost_usd: number; lines: number; jobs: number; seconds: number; images: number; unpriced_lines: number; provider_reported_usd: number | null };
  groups: Array<{ key: string; cost_usd: number; lines: number }>;
  budget: { limit_usd: number; spent_usd: number; reserved_usd: number; remaining_usd: number } | null;
  storage: { bytes: number; objects: number; by_kind: Record<string, { bytes: number; objects: number }> };
  jobs_open: { running: number; waiting: number };
  price_versions: string[];
}

export async function usage(key: string, query = ""): Promise<UsageJson> {
  const response = await gateway(`/v1/usage${query}`, { key });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as UsageJson;
}

/** Polls until `done` holds (or fails after `timeoutMs`). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Reads CSV strictly by RFC 4180 (§2): records end in CRLF, fields are separated by commas,
 * a field with a comma, quote, CR or LF is quoted, and a quote inside is doubled. Throws on
 * anything else (a bare quote, text after a closing quote, a record without its CRLF).
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let index = 0;
  let quoted = false;
  let fieldStart = true;
  while (index < text.length) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 2;
      } else if (char === '"') {
        quoted = false;
        index++;
        if (index < text.length && text[index] !== "," && text[index] !== "\r") throw new Error(`text after a closing quote at ${index}`);
      } else {
        field += char;
        index++;
      }
      continue;
    }
    if (char === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
      index++;
    } else if (char === '"') {
      throw new Error(`a quote inside an unquoted field at ${index}`);
    } else if (char === ",") {
      record.push(field);
      field = "";
      fieldStart = true;
      index++;
    } else if (char === "\r") {
      if (text[index + 1] !== "\n") throw new Error(`CR without LF at ${index}`);
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      fieldStart = true;
      index += 2;
    } else if (char === "\n") {
      throw new Error(`LF without CR at ${index}`);
    } else {
      field += char;
      fieldStart = false;
      index++;
    }
  }
  if (quoted) throw new Error("an unterminated quoted field");
  if (field !== "" || record.length > 0) throw new Error("the last record has no CRLF");
  return records;
}
