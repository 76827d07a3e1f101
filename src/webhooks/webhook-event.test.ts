import { describe, expect, it } from "vitest";
import { fieldErrors } from "../http/validation";
import type { JobStatus } from "../jobs/job-types";
import { buildWebhookEvent, isSubscribed, webhookEventBody, webhookEventTypeFor, webhookRequestSchema } from "./webhook-event";

describe("webhookEventTypeFor", () => {
  it.each([
    ["queued", null],
    ["running", "job.running"],
    ["completed", "job.completed"],
    ["failed", "job.failed"],
    ["canceled", "job.canceled"],
  ] as const)("%s → %s", (status: JobStatus, type) => {
    expect(webhookEventTypeFor(status)).toBe(type);
  });
});

describe("buildWebhookEvent", () => {
  it("wraps the job object in the Standard Webhooks envelope", () => {
    const job = { id: "job_1", object: "job", status: "completed" };
    const event = buildWebhookEvent("job.completed", job, Date.parse("2026-11-24T12:00:00Z"), 7);
    expect(event).toEqual({ type: "job.completed", timestamp: "2026-11-24T12:00:00.000Z", sequence: 7, data: job });
    expect(JSON.parse(webhookEventBody(event))).toEqual(event);
    expect(Object.keys(JSON.parse(webhookEventBody(event)))).toEqual(["type", "timestamp", "sequence", "data"]);
  });
});

describe("isSubscribed", () => {
  it.each([
    [{}, "job.completed", true],
    [{}, "job.canceled", true],
    [{}, "job.running", false],
    [{ events: ["job.running"] as const }, "job.running", true],
    [{ events: ["job.running"] as const }, "job.completed", false],
  ] as const)("%j wants %s: %s", (subscription, type, expected) => {
    expect(isSubscribed(subscription, type)).toBe(expected);
  });
});

describe("webhookRequestSchema", () => {
  const parse = (value: unknown) => {
    const result = webhookRequestSchema.safeParse(value);
    return result.success ? { ok: true as const, value: result.data } : { ok: false as const, errors: fieldErrors(result.error, ["webhook"]) };
  };

  it("fills the terminal events by default", () => {
    expect(parse({ url: "https://app.example/h" })).toEqual({ ok: true, value: { url: "https://app.example/h", events: ["job.completed", "job.failed", "job.canceled"] } });
  });

  it("keeps an explicit list", () => {
    expect(parse({ url: "https://app.example/h", events: ["job.running"] })).toEqual({ ok: true, value: { url: "https://app.example/h", events: ["job.running"] } });
  });

  it.each([
    [{}, "webhook.url", "required"],
    [{ url: "" }, "webhook.url", "required"],
    [{ url: `https://app.example/${"a".repeat(2030)}` }, "webhook.url", "at most 2048 characters"],
    [{ url: "https://app.example/h", events: [] }, "webhook.events", "name at least one event type, or omit the field for the default"],
    [{ url: "https://app.example/h", events: ["job.completed", "job.completed"] }, "webhook.events", "each event type at most once"],
    [{ url: "https://app.example/h", events: ["job.created"] }, "webhook.events[0]", undefined],
    [{ url: "https://app.example/h", secret: "x" }, "webhook.secret", "unknown field"],
  ])("refuses %j at %s", (value, path, message) => {
    const result = parse(value);
    expect(result.ok).toBe(false);
    const error = result.ok ? undefined : result.errors.find((candidate) => candidate.path === path);
    expect(error, JSON.stringify(result)).toBeDefined();
    if (message) expect(error!.message).toBe(message);
  });
});
