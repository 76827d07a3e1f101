/**
 * `POST /v1/jobs` names every bad field in one 400: input-URL rules too when another part
 * fails, and reserved metadata keys (which used to vanish silently).
 */
import { describe, expect, it } from "vitest";
import { gateway } from "./helpers";

async function post(body: string) {
  const response = await gateway("/v1/jobs", { method: "POST", body });
  return { status: response.status, type: response.headers.get("content-type"), problem: (await response.json()) as { code: string; errors: Array<{ path: string; message: string }> } };
}

describe("POST /v1/jobs validation", () => {
  it("reports an input URL that breaks the URL rules together with a schema error", async () => {
    const { status, problem } = await post(JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: "https://169.254.169.254/latest/a.png", duration: 20 }, extra: 1 }));
    expect(status).toBe(400);
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { path: "input.duration", message: "at most 15" },
        { path: "input.first_frame", message: "must name a host, not an IP address" },
        { path: "extra", message: "unknown field" },
      ]),
    );
  });

  it("refuses a metadata key __proto__ with a problem naming it, instead of dropping it", async () => {
    const { status, type, problem } = await post('{"model":"wan2.7-i2v","input":{"first_frame":"https://cdn.example.com/a.png"},"metadata":{"order":"A-17","__proto__":"x"}}');
    expect(status).toBe(400);
    expect(type).toBe("application/problem+json");
    expect(problem).toMatchObject({ code: "invalid_request", errors: [{ path: "metadata.__proto__", message: expect.stringMatching(/reserved name/) }] });
  });
});
