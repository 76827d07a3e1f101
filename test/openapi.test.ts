/**
 * GET /openapi.json and the pages, inside workerd: the document is served, names every
 * route the app registers (and no route it does not), and its model inputs are the very
 * schemas `GET /v1/models` shows. Its validity as OpenAPI 3.1, and agreement with the
 * gateway's validation, are checked in Node (test/node/openapi-schema.test.ts).
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { gateway } from "./helpers";

type Document = {
  openapi: string;
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, { operationId: string }>>;
  components: { schemas: Record<string, unknown> };
};

/** `/v1/jobs/:id` and `/v1/jobs/{id}` → `/v1/jobs/{}`; `/media/*` → `/media/{}`. */
function shape(path: string): string {
  return path.replace(/\/:[^/]+/g, "/{}").replace(/\{[^}]+\}/g, "{}").replace(/\/\*$/, "/{}");
}

async function document(): Promise<Document> {
  const response = await gateway("/openapi.json", { key: null });
  expect(response.status).toBe(200);
  return (await response.json()) as Document;
}

describe("GET /openapi.json", () => {
  it("serves an OpenAPI 3.1 document without a key, naming this origin as the server", async () => {
    const response = await gateway("/openapi.json", { key: null, headers: { "x-request-id": "spec-1" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("x-request-id")).toBe("spec-1");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const served = (await response.json()) as Document;
    expect(served.openapi).toBe("3.1.0");
    expect(served.servers).toEqual([{ url: "http://gateway.test" }]);
  });

  it("documents every route the app registers, and only those", async () => {
    const served = await document();
    const documented = new Set(Object.entries(served.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${shape(path)}`)));
    const registered = new Set(
      createApp()
        .routes.filter((route) => route.method !== "ALL" && !route.path.startsWith("/static/"))
        .map((route) => `${route.method} ${shape(route.path)}`),
    );
    const undocumented = [...registered].filter((route) => !documented.has(route));
    expect(undocumented, "registered but missing from src/openapi/api-sections.ts").toEqual([]);
    expect([...documented].filter((route) => !registered.has(route)), "documented but not registered").toEqual([]);
  });

  it("describes each model's input with the schema GET /v1/models shows (one conversion of the validating schema)", async () => {
    const served = await document();
    const models = (await (await gateway("/v1/models")).json()) as { data: Array<{ id: string; input_schema: Record<string, unknown> }> };
    const componentOf: Record<string, string> = { "wan2.7-i2v": "I2vInput", "wan2.7-image-pro": "ImageProInput" };
    for (const model of models.data) {
      const { $schema: _dialect, ...inputSchema } = model.input_schema;
      expect(served.components.schemas[componentOf[model.id]!], model.id).toEqual(inputSchema);
    }
  });
});

describe("the pages", () => {
  it.each([
    ["/", /<title>wan-edge playground<\/title>/],
    ["/docs", /<title>wan-edge API reference<\/title>/],
  ])("serves %s from the static assets, with a request id and a script policy", async (path, title) => {
    const response = await gateway(path, { key: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await response.text()).toMatch(title);
  });

  it("serves the playground's script, and an unknown static file is a problem+json 404", async () => {
    const script = await gateway("/static/playground.js", { key: null });
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    await script.body?.cancel();
    const missing = await gateway("/static/missing.js", { key: null });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
  });
});
