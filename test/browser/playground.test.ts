/**
 * The pages in a real browser (Debian's Chromium, driven by playwright-core) against the
 * local stack — gateway and emulator in workerd, as `npm start` runs them. The playground
 * uploads a first frame, submits with the prefilled dev key, follows the job live to
 * `completed` and plays the permanent `/media/` link; its errors name the fields; /docs
 * lists every operation and "try it out" reaches the gateway with the key. What the pages
 * receive is checked against the served OpenAPI document as well.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import type { ConsoleMessage, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OpenApiDocument, SpecValidator } from "../spec-validator";
import { specValidator } from "../spec-validator";
import type { BrowserStack } from "./local-stack-fixture";
import { startBrowserStack } from "./local-stack-fixture";

const devKey = "wan-edge-dev-key";
/** A 1×1 PNG: real PNG bytes, which the upload's signature check requires. */
const tinyPng = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

let stack: BrowserStack;
let document: OpenApiDocument;
let spec: SpecValidator;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  stack = await startBrowserStack();
  document = (await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json()) as OpenApiDocument;
  spec = specValidator(document);
});

afterAll(async () => {
  await stack?.stop();
});

async function openPage(path: string): Promise<Page> {
  page = await stack.browser.newPage();
  pageErrors = [];
  // Script errors and CSP violations (reported on the console) fail the test.
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.goto(`${stack.gatewayUrl}${path}`);
  return page;
}

afterEach(async () => {
  await page?.close();
});

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${stack.gatewayUrl}${path}`, { ...init, headers: { authorization: `Bearer ${devKey}`, ...init.headers } });
}

describe("the playground (/)", () => {
  it("uploads a first frame, follows an i2v job live to completed and plays its permanent video", async () => {
    await openPage("/");
    await expect.poll(() => page.getByLabel("API key").inputValue(), { message: "the dev key is prefilled in development" }).toBe(devKey);

    await page.getByLabel("Or upload a first frame").setInputFiles({ name: "frame.png", mimeType: "image/png", buffer: tinyPng });
    await expect.poll(() => page.getByLabel("First frame URL").inputValue()).toMatch(/\/media\/uploads\/.+\.png$/);
    await page.getByLabel("Prompt").fill("a cat plays piano");
    await page.getByLabel("Duration (seconds)").fill("5");
    await page.getByLabel("Resolution").selectOption("720p");
    await page.getByRole("button", { name: "Generate" }).click();

    const status = page.locator("#job-status");
    await status.filter({ hasText: /^completed$/ }).waitFor({ timeout: 30_000 });
    const video = page.getByLabel("Generated video");
    const source = (await video.getAttribute("src")) ?? "";
    expect(new URL(source).pathname).toMatch(/^\/media\//);

    const media = await fetch(source);
    expect(media.status).toBe(200);
    expect(media.headers.get("content-type")).toBe("video/mp4");
    await media.body?.cancel();

    // The job the page showed, read from the API, fits the documented Job.
    const job = await (await api(`/v1/jobs/${await page.locator("#job-id").textContent()}`)).json();
    expect(job.status).toBe("completed");
    expect(job.input.first_frame).toMatch(/\/media\/uploads\//);
    expect(spec.errorsFor("Job", job)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("generates images with wan2.7-image-pro", async () => {
    await openPage("/");
    await expect.poll(() => page.getByLabel("API key").inputValue()).toBe(devKey);
    await page.getByLabel("Model").selectOption("wan2.7-image-pro");
    await expect(page.getByLabel("First frame URL").isVisible()).resolves.toBe(false);
    await page.getByLabel("Prompt").fill("a lighthouse at dawn");
    await page.getByLabel("Size").fill("1K");
    await page.getByLabel("Number of images").fill("2");
    await page.getByRole("button", { name: "Generate" }).click();

    await page.locator("#job-status").filter({ hasText: /^completed$/ }).waitFor({ timeout: 30_000 });
    for (const name of ["Generated image 1", "Generated image 2"]) {
      const source = (await page.getByAltText(name).getAttribute("src")) ?? "";
      expect(new URL(source).pathname).toMatch(/^\/media\//);
    }
    expect(pageErrors).toEqual([]);
  });

  it("shows the gateway's problem with each field error next to its field", async () => {
    await openPage("/");
    await expect.poll(() => page.getByLabel("API key").inputValue()).toBe(devKey);
    await page.getByLabel("First frame URL").fill("https://cdn.example.com/cat.png");
    await page.getByLabel("Duration (seconds)").fill("20");
    await page.getByRole("button", { name: "Generate" }).click();

    const alert = page.getByRole("alert");
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain("invalid_request");
    await expect(alert.getByText("input.duration").isVisible()).resolves.toBe(true);
    const duration = page.getByLabel("Duration (seconds)");
    await expect(duration.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(page.locator("#duration-error").textContent()).resolves.toBe("at most 15");

    // The same request from outside the page: a problem document as the spec describes it.
    const response = await api("/v1/jobs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "wan2.7-i2v", input: { first_frame: "https://cdn.example.com/cat.png", duration: 20 } }),
    });
    expect(response.status).toBe(400);
    expect(spec.errorsFor("Problem", await response.json())).toEqual([]);
    expect(pageErrors.filter((text) => !text.includes("400"))).toEqual([]); // the 400 itself is logged by Chromium
  });
});

describe("the API reference (/docs)", () => {
  it("lists every operation of the served document, which is valid OpenAPI 3.1", async () => {
    const validation = await new Validator().validate(structuredClone(document));
    expect(validation.errors ?? []).toEqual([]);

    await openPage("/docs");
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => [method, path] as const));
    await page.locator(".opblock").first().waitFor({ timeout: 20_000 });
    for (const [method, path] of operations) {
      const block = page.locator(`.opblock-${method}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
      expect(await block.count(), `${method.toUpperCase()} ${path}`).toBeGreaterThanOrEqual(1);
    }
    expect(pageErrors).toEqual([]);
  });

  it("tries GET /v1/models out against the gateway with the dev key", async () => {
    await openPage("/docs#/Models/listModels");
    const block = page.locator("#operations-Models-listModels");
    await block.waitFor({ timeout: 20_000 });
    if (!(await block.locator(".try-out__btn").isVisible())) await block.locator(".opblock-summary").click();
    await block.getByRole("button", { name: "Try it out" }).click();
    await block.getByRole("button", { name: "Execute" }).click();
    const code = block.locator(".live-responses-table tbody .response-col_status").first();
    await code.waitFor({ timeout: 20_000 });
    await expect(code.textContent()).resolves.toContain("200");
    await expect(block.locator(".live-responses-table").textContent()).resolves.toContain("wan2.7-i2v");
  });
});
