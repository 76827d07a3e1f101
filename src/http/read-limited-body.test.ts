import { describe, expect, it } from "vitest";
import { ProblemError } from "./problem";
import { limitedRequest, readLimitedBody, readLimitedText } from "./read-limited-body";

const limit = { maxBytes: 10, what: "The test body" };

/** A chunked request (no Content-Length) whose body arrives in `chunks`. */
function chunked(chunks: string[], headers: Record<string, string> = {}): Request {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Request("https://gateway.test/", { method: "POST", body, headers });
}

describe("readLimitedBody", () => {
  it("joins the chunks of a body of exactly the limit", async () => {
    expect(await readLimitedText(chunked(["abc", "defg", "hij"]), limit)).toBe("abcdefghij");
  });

  it("reads an empty or absent body as no bytes", async () => {
    expect(await readLimitedBody(new Request("https://gateway.test/", { method: "POST" }), limit)).toEqual(new Uint8Array(0));
    expect(await readLimitedText(chunked([]), limit)).toBe("");
  });

  it("throws a 413 problem naming the limit once the counted bytes pass it", async () => {
    const read = readLimitedBody(chunked(["abcdef", "ghijk"]), limit);
    await expect(read).rejects.toBeInstanceOf(ProblemError);
    await expect(read).rejects.toMatchObject({ status: 413, code: "payload_too_large", detail: "The test body may be at most 10 bytes." });
  });

  it("throws the 413 from a declared length alone, and trusts a low one for nothing", async () => {
    await expect(readLimitedBody(chunked(["a"], { "content-length": "11" }), limit)).rejects.toMatchObject({ status: 413 });
    await expect(readLimitedBody(chunked(["abcdef", "ghijk"], { "content-length": "3" }), limit)).rejects.toMatchObject({ status: 413 });
  });
});

describe("limitedRequest", () => {
  const form = (value: string) => {
    const boundary = "b";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\n${value}\r\n--${boundary}--\r\n`;
    return { chunks: [body.slice(0, 20), body.slice(20)], headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
  };

  it("lets a form under the limit be parsed", async () => {
    const { chunks, headers } = form("a cat");
    const { request, overLimit } = limitedRequest(chunked(chunks, headers), { maxBytes: 1000, what: "A form" });
    expect((await request.formData()).get("prompt")).toBe("a cat");
    expect(overLimit()).toBe(false);
  });

  it("stops a form over the limit and says so", async () => {
    const { chunks, headers } = form("x".repeat(2000));
    const { request, overLimit } = limitedRequest(chunked(chunks, headers), { maxBytes: 1000, what: "A form" });
    await expect(request.formData()).rejects.toThrow();
    expect(overLimit()).toBe(true);
  });
});
