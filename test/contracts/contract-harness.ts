/**
 * @module test/contracts/contract-harness — one table test per provider over every body its
 * documents show (test/fixtures/providers/*.json).
 *
 * Every example gets its own test, named with its provenance (`[DOC]`, `[3P, inferred]`, …),
 * and a provider's table must name every example of its file and no other: a body added to
 * the fixtures without a stated meaning fails the table. Bodies go through the real adapter
 * via an injected `fetch` that answers with the fixture (no global mocks).
 */
import { describe, expect, it } from "vitest";
import type { AdapterContext, ModelAdapter, ModelId, ModelInputs, Result, SubmitOptions, Submitted, UpstreamTask } from "../../src/providers/provider-adapter";
import { stubContext } from "../../src/providers/provider-fetch-stub";

export interface FixtureExample {
  name: string;
  kind: string;
  method?: string;
  path?: string;
  http_status?: number;
  headers?: Record<string, string>;
  source: string;
  provenance: "DOC" | "3P" | "INF";
  inferred: boolean;
  note?: string;
  body: unknown;
}

export interface FixtureFile {
  provider: string;
  examples: FixtureExample[];
}

/** What one example means, and the check that proves the adapter reads it so. */
export interface Expectation {
  means: string;
  check(example: FixtureExample): Promise<void> | void;
}

/**
 * One test per example of `file`, each checked by its entry in `table`.
 * @example contractTable(fixtures(dashscopeJson), { i2v_create_response: { means: "pending", check: … } })
 */
export function contractTable(file: FixtureFile, table: Record<string, Expectation>): void {
  describe(`${file.provider}: every documented body through its adapter`, () => {
    it("states a meaning for every example of the fixture file, and for no other", () => {
      expect(Object.keys(table).sort()).toEqual(file.examples.map((example) => example.name).sort());
    });
    for (const example of file.examples) {
      const expectation = table[example.name];
      it(`${example.name} (${example.kind}) [${provenanceTag(example)}] → ${expectation?.means ?? "no stated meaning"}`, async () => {
        if (!expectation) throw new Error(`no expectation for ${example.name}`);
        await expectation.check(example);
      });
    }
  });
}

/** `DOC`, `3P, inferred`, …: where the example came from, as the fixture says. */
export function provenanceTag(example: FixtureExample): string {
  return example.inferred ? `${example.provenance}, inferred` : example.provenance;
}

/** The fixture file as typed data (JSON modules are typed structurally; this names the shape). */
export function fixtures(json: unknown): FixtureFile {
  return json as FixtureFile;
}

/** The example named `name` of `file`. */
export function example(file: FixtureFile, name: string): FixtureExample {
  const found = file.examples.find((entry) => entry.name === name);
  if (!found) throw new Error(`${file.provider} has no example ${name}`);
  return found;
}

/** A context whose provider answers once with the example's status, body and (for errors) headers. */
export function answering(example: FixtureExample, seen: Request[] = [], baseUrl?: string): AdapterContext {
  const headers = example.kind === "http_error" ? example.headers : undefined;
  return stubContext([{ status: example.http_status ?? 200, body: example.body, ...(headers ? { headers } : {}) }], seen, baseUrl);
}

export const submitOptions: SubmitOptions = { callbackUrl: null, idempotencyKey: "job_contract.1" };

/** The adapter's reading of a task read (or callback) that answers with the example. */
export async function read<M extends ModelId>(adapter: ModelAdapter<M>, example: FixtureExample): Promise<Result<UpstreamTask>> {
  if (!adapter.getTask) throw new Error("this adapter has no task to read");
  return adapter.getTask("task-under-test", answering(example));
}

/** The task of a successful read, or a failed test. */
export async function readTask<M extends ModelId>(adapter: ModelAdapter<M>, example: FixtureExample): Promise<UpstreamTask> {
  const result = await read(adapter, example);
  if (!result.ok) throw new Error(`expected a task, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** A create answered with the example; `sent` is the request the adapter made. */
export async function create<M extends ModelId>(
  adapter: ModelAdapter<M>,
  input: ModelInputs[M],
  example: FixtureExample,
  options: SubmitOptions = submitOptions,
): Promise<{ result: Result<Submitted>; sent: Request }> {
  const seen: Request[] = [];
  const result = await adapter.submit(input, options, answering(example, seen));
  return { result, sent: seen[0]! };
}

/** The request body the adapter sends for `input` (the provider answers 200 with `answer`). */
export async function sentBody<M extends ModelId>(adapter: ModelAdapter<M>, input: ModelInputs[M], options: SubmitOptions = submitOptions, answer: unknown = {}): Promise<{ body: Record<string, unknown>; request: Request }> {
  const seen: Request[] = [];
  await adapter.submit(input, options, stubContext([{ status: 200, body: answer }], seen));
  const request = seen[0];
  if (!request) throw new Error("the adapter sent nothing");
  return { body: (await request.clone().json()) as Record<string, unknown>, request };
}

/**
 * Every field the documented example carries is in `sent`, with the same value, and every
 * other field `sent` has is one of the provider's `documented` names (no field the provider
 * does not know: several of them reject unknown fields).
 */
export function expectCarries(sent: Record<string, unknown>, documentedExample: Record<string, unknown>, documented: readonly string[]): void {
  expect(sent).toMatchObject(documentedExample);
  const extra = Object.keys(sent).filter((key) => !(key in documentedExample));
  expect(extra.filter((key) => !documented.includes(key))).toEqual([]);
}

/** The keys of the example's body (the documented field names of a request_shape example). */
export function keysOf(example: FixtureExample, ...path: string[]): string[] {
  let value: unknown = example.body;
  for (const key of path) value = (value as Record<string, unknown>)[key];
  return Object.keys(value as Record<string, unknown>);
}
