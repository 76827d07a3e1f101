/**
 * @module providers/provider-fetch-stub — an injected `fetch` for adapter tests (test-only).
 *
 * Answers each request with the next recorded response and keeps every request it saw, so
 * a test can assert method, URL, headers and body without global mocks (STYLE.md §6).
 */
import type { AdapterContext } from "./provider-adapter";

export interface RecordedAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * A context whose fetch answers with `answers` in order (the last one repeats).
 * @example const seen: Request[] = []; const context = stubContext([{ status: 200, body: {} }], seen);
 */
export function stubContext(answers: RecordedAnswer[], seen: Request[] = [], baseUrl = "https://provider.test"): AdapterContext {
  let next = 0;
  return {
    baseUrl,
    apiKey: "test-key",
    now: () => Date.parse("2026-11-24T12:00:00Z"),
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new Request(input as RequestInfo, init));
      const answer = answers[Math.min(next++, answers.length - 1)]!;
      const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      return new Response(text, { status: answer.status, headers: { "content-type": "application/json", ...answer.headers } });
    }) as typeof fetch,
  };
}
