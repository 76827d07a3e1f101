/**
 * The OpenAPI document, in Node: valid OpenAPI 3.1 (an OpenAPI schema validator), every
 * component a valid strict JSON Schema 2020-12 (ajv), every example fits its schema, and
 * the spec agrees with the gateway's own validation — whatever the gateway accepts, the
 * spec accepts; whatever the spec rejects, the gateway rejects. Cross-field rules JSON
 * Schema cannot express (i2v's material combinations, image-pro's 4K and `n` rules) are
 * where the gateway is stricter, by design, and said so in the descriptions.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeAll, describe, expect, it } from "vitest";
import { validateJobRequest } from "../../src/models/job-request";
import { imageFieldOf, imageJobRequest } from "../../src/openai/openai-image";
import { openAiRequestErrors } from "../../src/openai/openai-validation";
import { videoFieldOf, videoJobRequest } from "../../src/openai/openai-video";
import { openApiDocument } from "../../src/openapi/openapi-document";
import { jobRequestExamples } from "../../src/openapi/sections/jobs-section";
import { imageRequestExamples, videoRequestExamples } from "../../src/openapi/sections/openai-section";
import { webhookUrlProblem } from "../../src/webhooks/webhook-url";
import type { OpenApiDocument, SpecValidator } from "../spec-validator";
import { specValidator } from "../spec-validator";

const document = openApiDocument(["http://127.0.0.1:8787"]) as OpenApiDocument;
const urlConfig = { environment: "development" as const, emulatorOrigin: null, publicBaseUrl: "http://127.0.0.1:8787" };
const image = "https://cdn.example.com/cat.png";
const clip = "https://cdn.example.com/clip.mp4";
const audio = "https://cdn.example.com/voice.mp3";

let spec: SpecValidator;
beforeAll(() => {
  spec = specValidator(document);
});

/** The gateway's verdict on a `POST /v1/jobs` body (the same function the route calls). */
function gatewayAccepts(body: Record<string, unknown>): boolean {
  return validateJobRequest(body, urlConfig, (url) => webhookUrlProblem(url, urlConfig)).ok;
}

/**
 * The gateway's verdict on an OpenAI JSON body: what `POST /openai/v1/videos` and
 * `POST /openai/v1/images/generations` run before anything is created or stored.
 */
function gatewayAcceptsVideo(fields: Record<string, unknown>): boolean {
  const { body, errors } = videoJobRequest(fields, false);
  return openAiRequestErrors(errors, body, videoFieldOf, urlConfig).length === 0;
}

function gatewayAcceptsImages(fields: Record<string, unknown>): boolean {
  const { body, errors } = imageJobRequest(fields);
  return openAiRequestErrors(errors, body, imageFieldOf, urlConfig).length === 0;
}

/** Every media type object with a schema and example(s), wherever it is in the document. */
function documentedExamples(): Array<{ where: string; schema: object; value: unknown }> {
  const found: Array<{ where: string; schema: object; value: unknown }> = [];
  const visit = (node: unknown, where: string) => {
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (record.schema && typeof record.schema === "object" && ("example" in record || "examples" in record) && where.includes("/content/")) {
      if ("example" in record) found.push({ where, schema: record.schema, value: record.example });
      for (const [name, example] of Object.entries((record.examples ?? {}) as Record<string, { value: unknown }>)) {
        found.push({ where: `${where} (${name})`, schema: record.schema, value: example.value });
      }
    }
    for (const [key, child] of Object.entries(record)) visit(child, `${where}/${key}`);
  };
  visit({ paths: document.paths, webhooks: document.webhooks, responses: document.components.responses }, "");
  return found;
}

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1", async () => {
    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("has no $ref that points nowhere", () => {
    const refs = new Set<string>();
    const visit = (node: unknown) => {
      if (!node || typeof node !== "object") return;
      for (const [key, child] of Object.entries(node)) {
        if (key === "$ref" && typeof child === "string") refs.add(child);
        else visit(child);
      }
    };
    visit(document);
    const resolves = (pointer: string) =>
      pointer
        .slice(2)
        .split("/")
        .reduce<unknown>((node, segment) => (node && typeof node === "object" ? (node as Record<string, unknown>)[segment.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined), document) !== undefined;
    expect([...refs].filter((ref) => !ref.startsWith("#/") || !resolves(ref))).toEqual([]);
  });

  it("has components that compile as strict JSON Schema 2020-12", () => {
    for (const name of Object.keys(document.components.schemas)) {
      expect(() => spec.errorsFor(name, null), name).not.toThrow();
    }
  });

  it("has examples that fit their schemas (text/event-stream aside)", () => {
    const examples = documentedExamples().filter((example) => !example.where.includes("text~1event-stream") && !example.where.includes("text/event-stream"));
    expect(examples.length).toBeGreaterThan(10);
    for (const example of examples) expect(spec.errors(example.schema, example.value), example.where).toEqual([]);
  });
});

describe("POST /v1/jobs: the spec and the gateway's validation agree", () => {
  it("accepts each request example of the document, and so does the gateway", () => {
    for (const [name, { value }] of Object.entries(jobRequestExamples)) {
      expect(gatewayAccepts(value), name).toBe(true);
      expect(spec.errorsFor("JobRequest", value), name).toEqual([]);
    }
  });

  const accepted: Array<[string, Record<string, unknown>]> = [
    ["first_frame", { first_frame: image }],
    ["first_frame + driving_audio", { first_frame: image, driving_audio: audio }],
    ["first_frame + last_frame", { first_frame: image, last_frame: image }],
    ["first_frame + last_frame + driving_audio", { first_frame: image, last_frame: image, driving_audio: audio }],
    ["first_clip", { first_clip: clip }],
    ["first_clip + last_frame", { first_clip: clip, last_frame: image }],
    ["every scalar field", { first_frame: image, prompt: "p", negative_prompt: "n", mode: "first_frame", resolution: "1080p", duration: 15, prompt_extend: true, seed: 0, watermark: true }],
  ];
  it.each(accepted)("i2v %s: both accept", (_name, input) => {
    const body = { model: "wan2.7-i2v", input, provider: "auto", metadata: { order: "A-17" } };
    expect(gatewayAccepts(body)).toBe(true);
    expect(spec.errorsFor("JobRequest", body)).toEqual([]);
  });

  it.each([
    ["text-to-image, defaults", { prompt: "a lighthouse" }],
    ["4K", { prompt: "a lighthouse", size: "4K" }],
    ["W*H", { prompt: "a lighthouse", size: "1280*720", n: 4, seed: 7, thinking_mode: true }],
    ["a set of 12", { prompt: "a storyboard", enable_sequential: true, n: 12 }],
    ["editing 9 images", { prompt: "edit", images: Array.from({ length: 9 }, () => image) }],
  ])("image-pro %s: both accept", (_name, input) => {
    const body = { model: "wan2.7-image-pro", input, provider: ["pixeldojo", "dashscope"], webhook: { url: "https://app.example/hooks" } };
    expect(gatewayAccepts(body)).toBe(true);
    expect(spec.errorsFor("JobRequest", body)).toEqual([]);
  });

  const shapeErrors: Array<[string, Record<string, unknown>]> = [
    ["an unknown model", { model: "wan2.6-i2v", input: { first_frame: image } }],
    ["no input", { model: "wan2.7-i2v" }],
    ["an unknown top-level field", { model: "wan2.7-i2v", input: { first_frame: image }, priority: 1 }],
    ["an unknown input field", { model: "wan2.7-i2v", input: { first_frame: image, fps: 24 } }],
    ["duration 20", { model: "wan2.7-i2v", input: { first_frame: image, duration: 20 } }],
    ["duration 2.5", { model: "wan2.7-i2v", input: { first_frame: image, duration: 2.5 } }],
    ["duration as a string", { model: "wan2.7-i2v", input: { first_frame: image, duration: "5" } }],
    ["resolution 4k", { model: "wan2.7-i2v", input: { first_frame: image, resolution: "4k" } }],
    ["seed -1", { model: "wan2.7-i2v", input: { first_frame: image, seed: -1 } }],
    ["a prompt of 5001 characters", { model: "wan2.7-i2v", input: { first_frame: image, prompt: "x".repeat(5001) } }],
    ["a URL of 2049 characters", { model: "wan2.7-i2v", input: { first_frame: `https://e.com/${"a".repeat(2035)}` } }],
    ["an unknown provider", { model: "wan2.7-i2v", input: { first_frame: image }, provider: "replicate" }],
    ["an empty provider list", { model: "wan2.7-i2v", input: { first_frame: image }, provider: [] }],
    ["a number in metadata", { model: "wan2.7-i2v", input: { first_frame: image }, metadata: { order: 17 } }],
    ["no webhook events", { model: "wan2.7-i2v", input: { first_frame: image }, webhook: { url: "https://app.example/h", events: [] } }],
    ["an unknown webhook event", { model: "wan2.7-i2v", input: { first_frame: image }, webhook: { url: "https://app.example/h", events: ["job.queued"] } }],
    ["image-pro without a prompt", { model: "wan2.7-image-pro", input: { size: "2K" } }],
    ["image-pro n 13", { model: "wan2.7-image-pro", input: { prompt: "p", n: 13, enable_sequential: true } }],
    ["image-pro 10 images", { model: "wan2.7-image-pro", input: { prompt: "p", images: Array.from({ length: 10 }, () => image) } }],
    ["a palette colour that is not #RRGGBB", { model: "wan2.7-image-pro", input: { prompt: "p", color_palette: [{ hex: "red", ratio: "50.00%" }, { hex: "#000000", ratio: "25.00%" }, { hex: "#FFFFFF", ratio: "25.00%" }] } }],
    ["i2v input under image-pro", { model: "wan2.7-image-pro", input: { prompt: "p", first_frame: image } }],
  ];
  it.each(shapeErrors)("%s: both reject", (_name, body) => {
    expect(gatewayAccepts(body)).toBe(false);
    expect(spec.errorsFor("JobRequest", body)).not.toEqual([]);
  });

  it.each([
    ["first_frame + first_clip", { model: "wan2.7-i2v", input: { first_frame: image, first_clip: clip } }],
    ["a mode that disagrees with the materials", { model: "wan2.7-i2v", input: { mode: "first_last_frame", first_frame: image } }],
    ["4K with input images", { model: "wan2.7-image-pro", input: { prompt: "p", size: "4K", images: [image] } }],
    ["n 5 without enable_sequential", { model: "wan2.7-image-pro", input: { prompt: "p", n: 5 } }],
    ["palette ratios summing to 90%", { model: "wan2.7-image-pro", input: { prompt: "p", color_palette: [{ hex: "#000000", ratio: "30.00%" }, { hex: "#111111", ratio: "30.00%" }, { hex: "#222222", ratio: "30.00%" }] } }],
    ["a non-URL", { model: "wan2.7-i2v", input: { first_frame: "cat.png" } }],
  ])("%s: only the gateway rejects (a cross-field rule, described in the spec)", (_name, body) => {
    expect(gatewayAccepts(body)).toBe(false);
    expect(spec.errorsFor("JobRequest", body)).toEqual([]);
  });
});

const longUrl = `https://e.com/${"a".repeat(2035)}`;

describe("POST /openai/v1/videos (JSON): the spec and the gateway's validation agree", () => {
  it("accepts each request example of the document, and so does the gateway", () => {
    for (const [name, { value }] of Object.entries(videoRequestExamples)) {
      expect(gatewayAcceptsVideo(value), name).toBe(true);
      expect(spec.errorsFor("OpenAiVideoRequest", value), name).toEqual([]);
    }
  });

  it.each<[string, Record<string, unknown>]>([
    ["only input_reference", {}],
    ["seconds as OpenAI's strings", { seconds: "4" }],
    ["seconds 12", { seconds: "12" }],
    ["seconds as a number", { seconds: 15 }],
    ["the shortest seconds", { seconds: "2" }],
    ["seconds with spaces", { seconds: " 8 " }],
    ["portrait 720p", { size: "720x1280" }],
    ["portrait 1080p", { size: "1080x1920" }],
    ["a resolution as size", { size: "1080p" }],
    ["model null (the default)", { model: null }],
    ["the reference object", { input_reference: { image_url: image } }],
    ["every extension", { prompt: "p", negative_prompt: "n", prompt_extend: true, seed: 0, watermark: true, provider: "auto" }],
    ["a provider list", { provider: ["evolink", "dashscope"] }],
  ])("%s: both accept", (_name, fields) => {
    const body = { input_reference: image, ...fields };
    expect(gatewayAcceptsVideo(body)).toBe(true);
    expect(spec.errorsFor("OpenAiVideoRequest", body)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>]>([
    ["no input_reference", { input_reference: undefined }],
    ["input_reference null", { input_reference: null }],
    ["input_reference a number", { input_reference: 5 }],
    ["input_reference a file id", { input_reference: { file_id: "file_123" } }],
    ["input_reference a URL of 2049 characters", { input_reference: longUrl }],
    ["seconds 20", { seconds: "20" }],
    ["seconds 1", { seconds: "1" }],
    ["seconds 16 as a number", { seconds: 16 }],
    ["seconds 4.5", { seconds: 4.5 }],
    ["seconds \"4.5\"", { seconds: "4.5" }],
    ["seconds in words", { seconds: "eight" }],
    ["seconds null", { seconds: null }],
    ["a size Wan does not make", { size: "1024x1792" }],
    ["size 640x480", { size: "640x480" }],
    ["another model", { model: "sora-2" }],
    ["an unknown field", { quality: "high" }],
    ["a prompt of 5001 characters", { prompt: "x".repeat(5001) }],
    ["seed -1", { seed: -1 }],
    ["watermark as a word", { watermark: "yes" }],
    ["an unknown provider", { provider: "replicate" }],
  ])("%s: both reject", (_name, fields) => {
    const body = { input_reference: image, ...fields };
    expect(gatewayAcceptsVideo(body)).toBe(false);
    expect(spec.errorsFor("OpenAiVideoRequest", JSON.parse(JSON.stringify(body)))).not.toEqual([]);
  });

  it.each<[string, Record<string, unknown>]>([
    ["a reference that is not a URL", { input_reference: "cat.png" }],
    ["a reference object whose URL is not one", { input_reference: { image_url: "ftp://example.com/cat.png" } }],
    ["plain http to a public host", { input_reference: "http://example.com/cat.png" }],
  ])("%s: only the gateway rejects (where a URL may point, described in the spec)", (_name, fields) => {
    expect(gatewayAcceptsVideo(fields)).toBe(false);
    expect(spec.errorsFor("OpenAiVideoRequest", fields)).toEqual([]);
  });
});

describe("POST /openai/v1/images/generations: the spec and the gateway's validation agree", () => {
  it("accepts each request example of the document, and so does the gateway", () => {
    for (const [name, { value }] of Object.entries(imageRequestExamples)) {
      expect(gatewayAcceptsImages(value), name).toBe(true);
      expect(spec.errorsFor("OpenAiImageRequest", value), name).toEqual([]);
    }
  });

  it.each<[string, Record<string, unknown>]>([
    ["only a prompt", {}],
    ["OpenAI's landscape size", { size: "1536x1024" }],
    ["size auto", { size: "auto" }],
    ["a tier", { size: "2K" }],
    ["the model's W*H", { size: "1280*720" }],
    ["null for OpenAI's optional fields", { model: null, n: null, size: null, response_format: null }],
    ["b64_json", { response_format: "b64_json", n: 4 }],
    ["user (ignored)", { user: "user-17" }],
    ["a set of 12", { enable_sequential: true, n: 12 }],
    ["editing 9 images", { images: Array.from({ length: 9 }, () => image) }],
    ["a palette and a provider", { color_palette: [{ hex: "#1B2A41", ratio: "50.00%" }, { hex: "#F2C14E", ratio: "30.00%" }, { hex: "#F78154", ratio: "20.00%" }], provider: "dashscope" }],
  ])("%s: both accept", (_name, fields) => {
    const body = { prompt: "a red fox in snow", ...fields };
    expect(gatewayAcceptsImages(body)).toBe(true);
    expect(spec.errorsFor("OpenAiImageRequest", body)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>]>([
    ["no prompt", { prompt: undefined }],
    ["an empty prompt", { prompt: "" }],
    ["a size that is not one", { size: "banana" }],
    ["an unknown response_format", { response_format: "xml" }],
    ["another model", { model: "dall-e-3" }],
    ["n 13", { n: 13, enable_sequential: true }],
    ["n 0", { n: 0 }],
    ["OpenAI's fields Wan has no use for", { style: "vivid", quality: "hd" }],
    ["seed as a string", { seed: "7" }],
    ["10 input images", { images: Array.from({ length: 10 }, () => image) }],
    ["an unknown provider", { provider: "replicate" }],
  ])("%s: both reject", (_name, fields) => {
    const body = JSON.parse(JSON.stringify({ prompt: "a red fox in snow", ...fields })) as Record<string, unknown>;
    expect(gatewayAcceptsImages(body)).toBe(false);
    expect(spec.errorsFor("OpenAiImageRequest", body)).not.toEqual([]);
  });

  it.each<[string, Record<string, unknown>]>([
    ["a size below 768*768 pixels", { size: "256x256" }],
    ["n 5 without enable_sequential", { n: 5 }],
    ["4K with input images", { size: "4K", images: [image] }],
    ["thinking_mode with enable_sequential", { thinking_mode: true, enable_sequential: true }],
    ["palette ratios summing to 90%", { color_palette: [{ hex: "#000000", ratio: "30.00%" }, { hex: "#111111", ratio: "30.00%" }, { hex: "#222222", ratio: "30.00%" }] }],
  ])("%s: only the gateway rejects (a cross-field rule, described in the spec)", (_name, fields) => {
    const body = { prompt: "a red fox in snow", ...fields };
    expect(gatewayAcceptsImages(body)).toBe(false);
    expect(spec.errorsFor("OpenAiImageRequest", body)).toEqual([]);
  });
});
