/**
 * `POST /openai/v1/videos` with a URL `input_reference`, byte for byte as OpenAI's Python
 * SDK sends it. The bodies below were captured from `openai` 3.22.1 for Python (httpx) on
 * 2026-11-30 — PyPI is not reachable from CI, so the test replays the bytes instead of
 * running Python. That SDK refuses a string or `{"image_url": …}` in `input_reference`
 * itself (`extract_files` wants bytes, a file or a tuple, though its types allow the dict),
 * so a Python caller passes the URL through `extra_body`, which the SDK still encodes as
 * multipart: `input_reference` or `input_reference[image_url]` as a text part, no part
 * headers but Content-Disposition, CRLF lines, a 32-hex-digit boundary. The SDK's generic
 * `client.post("/videos", body=…)` sends compact JSON.
 */
import { describe, expect, it } from "vitest";
import { gateway, getJob } from "./helpers";

const url = "https://cdn.example.com/cat.png";
const boundary = "dca00acc5e15e181081f9dad06a9634d";

/** A multipart body as httpx writes it for the Python SDK's `videos.create(…, extra_body=…)`. */
function pythonMultipart(referenceField: string): string {
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  return `${part("prompt", "a cat")}${part("model", "wan2.7-i2v")}${part("seconds", "4")}${part("size", "1280x720")}${part(referenceField, url)}--${boundary}--\r\n`;
}

function post(body: string, contentType: string) {
  return gateway("/openai/v1/videos", { method: "POST", body, headers: { "content-type": contentType, "user-agent": "OpenAI/Python 3.22.1" } });
}

describe("OpenAI's Python SDK sending a URL input_reference", () => {
  it.each([
    ["extra_body={'input_reference': {'image_url': url}} (multipart)", () => post(pythonMultipart("input_reference[image_url]"), `multipart/form-data; boundary=${boundary}`)],
    ["extra_body={'input_reference': url} (multipart)", () => post(pythonMultipart("input_reference"), `multipart/form-data; boundary=${boundary}`)],
    [
      "client.post('/videos', body={… 'input_reference': {'image_url': url}}) (JSON)",
      () => post(`{"model":"wan2.7-i2v","prompt":"a cat","seconds":"4","input_reference":{"image_url":"${url}"}}`, "application/json"),
    ],
    ["client.post('/videos', body={… 'input_reference': url}) (JSON)", () => post(`{"model":"wan2.7-i2v","prompt":"a cat","seconds":"4","input_reference":"${url}"}`, "application/json")],
  ])("%s creates a video whose first frame is the URL", async (_form, send) => {
    const response = await send();
    expect(response.status).toBe(200);
    const video = (await response.json()) as { id: string; object: string; seconds: string };
    expect([video.object, video.seconds]).toEqual(["video", "4"]);
    const job = await getJob(video.id);
    expect(job.input).toMatchObject({ first_frame: url, duration: 4 });
  });
});
