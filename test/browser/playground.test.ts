/**
 * The pages in a real browser (Chromium, driven by playwright-core) against the local stack —
 * gateway and emulator in workerd, as `npm start` runs them. The playground uploads its
 * materials, submits with the prefilled dev key through the bundled typed client, follows
 * each job live to its end and shows its outputs at their natural aspect ratio: a first-frame
 * and a first+last-frame video, an image set as a grid. The jobs panel lists them with
 * status, provider, cost and outputs, the selected job shows its webhook deliveries, and a
 * running job is canceled from the panel. Errors name the fields, beside them. /docs lists
 * every operation and "try it out" reaches the gateway with the key. What the pages receive
 * is checked against the served OpenAPI document as well.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import type { ConsoleMessage, Locator, Page } from "playwright-core";
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
  page = await stack.browser.newPage({ viewport: { width: 1400, height: 1000 } });
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

/** Opens the playground and waits for the dev key (so the client, the models and the jobs panel are ready). */
async function openPlayground(): Promise<Page> {
  await openPage("/");
  await expect.poll(() => page.getByLabel("API key").inputValue(), { message: "the dev key is prefilled in development" }).toBe(devKey);
  return page;
}

/** Labels are matched whole: "Prompt" is also part of "Negative prompt". */
const field = (label: string) => page.getByLabel(label, { exact: true });

async function uploadPng(label: string, name: string): Promise<string> {
  await field(label).setInputFiles({ name, mimeType: "image/png", buffer: tinyPng });
  const urlField = field(label.replace(/^Or upload an? /, "").replace(/^./, (first) => first.toUpperCase()) + " URL");
  await expect.poll(() => urlField.inputValue()).toMatch(/\/media\/uploads\/.+\.png$/);
  return urlField.inputValue();
}

/** Submits the form and waits for the job it shows to reach `status`; returns its id. */
async function generate(status: "completed" | "running"): Promise<string> {
  await page.getByRole("button", { name: "Generate" }).click();
  await page.locator("#job-status").filter({ hasText: new RegExp(`^${status}$`) }).waitFor({ timeout: 30_000 });
  return (await page.locator("#job-id").textContent()) ?? "";
}

async function jobFromApi(id: string) {
  const job = await (await api(`/v1/jobs/${id}`)).json();
  expect(spec.errorsFor("Job", job)).toEqual([]);
  return job;
}

/** Width ÷ height of the box the page gives an element. */
async function boxRatio(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  if (!box) throw new Error("the element has no box (hidden?)");
  return box.width / box.height;
}

/** The panel's row of a job, once it shows `status`. */
async function panelRow(id: string, status: string): Promise<Locator> {
  const row = page.locator(`#jobs-list [data-job-id="${id}"]`);
  await row.locator(".job-status").filter({ hasText: new RegExp(`^${status}$`) }).waitFor({ timeout: 15_000 });
  return row;
}

describe("the playground (/)", () => {
  it("uploads a first frame, follows an i2v job live to completed and plays its permanent video at 16:9", async () => {
    await openPlayground();
    await uploadPng("Or upload a first frame", "frame.png");
    await field("Prompt").fill("a cat plays piano");
    await field("Duration (seconds)").fill("5");
    await field("Resolution").selectOption("720p");
    const id = await generate("completed");

    const video = page.getByLabel("Generated video");
    const source = (await video.getAttribute("src")) ?? "";
    expect(new URL(source).pathname).toMatch(/^\/media\//);
    const media = await fetch(source);
    expect(media.status).toBe(200);
    expect(media.headers.get("content-type")).toBe("video/mp4");
    await media.body?.cancel();

    // The job the page showed, read from the API, fits the documented Job; the video keeps its proportions.
    const job = await jobFromApi(id);
    expect(job.status).toBe("completed");
    expect(job.input).toMatchObject({ mode: "first_frame", first_frame: expect.stringMatching(/\/media\/uploads\//) });
    expect(job.input.last_frame).toBeUndefined();
    expect([job.outputs[0].width, job.outputs[0].height]).toEqual([1280, 720]);
    expect(await boxRatio(video)).toBeCloseTo(1280 / 720, 1);
    expect(pageErrors).toEqual([]);
  });

  it("makes a first + last frame video, lists it in the jobs panel and shows its webhook delivery", async () => {
    await openPlayground();
    // Only the chosen combination's materials are offered.
    await expect(field("Last frame URL").isVisible()).resolves.toBe(false);
    await field("First + last frame").check();
    await expect(field("Last frame URL").isVisible()).resolves.toBe(true);
    await expect(field("Driving audio URL").isVisible()).resolves.toBe(false);
    await expect(field("Clip to continue URL").isVisible()).resolves.toBe(false);

    const firstFrame = await uploadPng("Or upload a first frame", "start.png");
    const lastFrame = await uploadPng("Or upload a last frame", "end.png");
    await field("Prompt").fill("a door opens");
    await field("Duration (seconds)").fill("3");
    await field("Resolution").selectOption("1080p");
    // Pinned to one provider (the list comes from GET /v1/models): ShortAPI, which has a 1080p price.
    await field("Provider").selectOption("shortapi");
    await page.getByText("Webhook", { exact: true }).click();
    await field("Webhook URL").fill(`${stack.emulatorUrl}/__control/webhooks/playground`);
    const id = await generate("completed");

    const job = await jobFromApi(id);
    expect(job.input).toMatchObject({ mode: "first_last_frame", first_frame: firstFrame, last_frame: lastFrame, duration: 3, resolution: "1080p" });
    expect(job.provider).toBe("shortapi");
    expect(job.usage).toMatchObject({ billed_attempts: 1, estimated_cost_usd: expect.any(Number) });
    expect([job.outputs[0].width, job.outputs[0].height, job.outputs[0].duration_seconds]).toEqual([1920, 1080, 3]);
    expect(await boxRatio(page.getByLabel("Generated video"))).toBeCloseTo(1920 / 1080, 1);

    // The panel: status, provider, cost (billed attempts), the output.
    const row = await panelRow(id, "completed");
    await expect(row.textContent()).resolves.toContain("via shortapi");
    await expect(row.locator(".job-cost").textContent()).resolves.toContain(`$${job.usage.estimated_cost_usd} estimated · 1 billed attempt`);
    await expect(row.getByRole("link", { name: "video 1920×1080 3 s" }).getAttribute("href")).resolves.toBe(job.outputs[0].url);
    await expect(row.getByRole("button", { name: `Cancel ${id}` }).count()).resolves.toBe(0);

    // The webhook went to the emulator's sink, and the job's deliveries say so.
    await page.locator("#deliveries li[data-state=\"delivered\"]").filter({ hasText: "job.completed" }).waitFor({ timeout: 15_000 });
    const received = (await (await fetch(`${stack.emulatorUrl}/__control/webhooks/playground`)).json()) as unknown;
    expect(JSON.stringify(received)).toContain(id);
    expect(pageErrors).toEqual([]);
  });

  it("makes an image set (enable_sequential, n = 3) and shows it as a grid at the images' own proportions", async () => {
    await openPlayground();
    await field("Model").selectOption("wan2.7-image-pro");
    await expect(field("First frame URL").isVisible()).resolves.toBe(false);
    await field("Prompt").fill("a lighthouse through four seasons");
    await page.getByLabel("Image set").check();
    // An image set excludes thinking mode, a palette and 4K (src/models/image-pro.ts): not offered.
    await expect(page.getByLabel("Thinking mode").isDisabled()).resolves.toBe(true);
    await expect(page.getByLabel("Colour palette").isDisabled()).resolves.toBe(true);
    await expect(page.locator('#size option[value="4K"]').isDisabled()).resolves.toBe(true);
    await field("Number of images").fill("3");
    await field("Size").selectOption("custom");
    await field("Width (pixels)").fill("1280");
    await field("Height (pixels)").fill("720");
    const id = await generate("completed");

    const job = await jobFromApi(id);
    expect(job.input).toMatchObject({ enable_sequential: true, n: 3, size: "1280*720" });
    expect(job.outputs).toHaveLength(3);
    const grid = page.getByRole("group", { name: "Generated images" });
    await expect(grid.evaluate((element) => getComputedStyle(element).display)).resolves.toBe("grid");
    const tops = [];
    for (const [index, output] of job.outputs.entries()) {
      const image = grid.getByAltText(`Generated image ${index + 1}`);
      await expect(image.getAttribute("src")).resolves.toBe(output.url);
      expect(new URL(output.url).pathname).toMatch(/^\/media\//);
      // Loaded, with the size the job reports, and laid out at that ratio — not squared.
      await expect.poll(() => image.evaluate((element: HTMLImageElement) => [element.naturalWidth, element.naturalHeight])).toEqual([output.width, output.height]);
      expect(await boxRatio(image)).toBeCloseTo(1280 / 720, 1);
      tops.push((await image.boundingBox())?.y);
    }
    expect(tops[1], "the images sit side by side, as a grid").toBe(tops[0]);

    const row = await panelRow(id, "completed");
    await expect(row.locator(".job-cost").textContent()).resolves.toMatch(/\$[\d.]+ estimated · 1 billed attempt · 3 images/);
    await expect(row.getByRole("link").count()).resolves.toBe(3);
    expect(pageErrors).toEqual([]);
  });

  it("cancels a running job from the jobs panel", async () => {
    // The emulator's tasks take two minutes now: the job stays running until it is canceled.
    await fetch(`${stack.emulatorUrl}/__control/faults`, { method: "PUT", body: JSON.stringify({ duration_ms: 120_000 }) });
    try {
      await openPlayground();
      await field("First frame URL").fill("https://cdn.example.com/cat.png");
      await field("Prompt").fill("a slow sunset");
      const id = await generate("running");

      const row = await panelRow(id, "running");
      await row.getByRole("button", { name: `Cancel ${id}` }).click();
      await page.locator("#job-status").filter({ hasText: /^canceled$/ }).waitFor({ timeout: 15_000 });
      await panelRow(id, "canceled");
      await expect(row.getByRole("button", { name: `Cancel ${id}` }).count()).resolves.toBe(0);
      await expect(page.locator("#job-cancel").isVisible()).resolves.toBe(false);
      expect((await jobFromApi(id)).status).toBe("canceled");
      expect(pageErrors).toEqual([]);
    } finally {
      await fetch(`${stack.emulatorUrl}/__control/faults`, { method: "DELETE" });
    }
  });

  it("shows the gateway's problem with each field error next to its field", async () => {
    await openPlayground();
    await field("First frame URL").fill("https://cdn.example.com/cat.png");
    await field("Duration (seconds)").fill("20");
    await page.getByRole("button", { name: "Generate" }).click();

    const alert = page.getByRole("alert");
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain("invalid_request");
    await expect(alert.getByText("input.duration").isVisible()).resolves.toBe(true);
    const duration = field("Duration (seconds)");
    await expect(duration.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(page.locator("#duration-error").textContent()).resolves.toBe("at most 15");

    // A first + last frame job without its last frame: the mode the page sends makes it an error there, not another mode.
    await field("Duration (seconds)").fill("5");
    await field("First + last frame").check();
    await page.getByRole("button", { name: "Generate" }).click();
    await expect.poll(() => page.locator("#last-frame-error").textContent().catch(() => null)).toBe("required in mode first_last_frame");
    await expect(field("Last frame URL").getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(page.locator("#duration-error").count()).resolves.toBe(0);

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
