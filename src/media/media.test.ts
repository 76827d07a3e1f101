import { describe, expect, it } from "vitest";
import { parseRange } from "./byte-range";
import { sniffContentType } from "./signatures";
import { fetchableUrlProblem, inputUrlProblem } from "./url-policy";

const production = { environment: "production" as const, emulatorOrigin: null, publicBaseUrl: "https://wan.example.com" };
const development = { environment: "development" as const, emulatorOrigin: "http://127.0.0.1:8788", publicBaseUrl: "http://127.0.0.1:8787" };

describe("URLs the gateway fetches", () => {
  it.each([
    "http://cdn.example.com/v.mp4",
    "https://127.0.0.1/v.mp4",
    "https://10.0.0.8/v.mp4",
    "https://[::1]/v.mp4",
    "https://169.254.169.254/latest",
    "https://2130706433/v.mp4",
    "https://localhost/v.mp4",
    "https://printer.local/v.mp4",
    "https://intranet/v.mp4",
    "https://user:pw@cdn.example.com/v.mp4",
    "https://cdn.example.com:8443/v.mp4",
    "file:///etc/passwd",
    "not a url",
  ])("refuses %s in production", (url) => {
    expect(fetchableUrlProblem(url, production)).not.toBeNull();
  });

  it("accepts a public https URL", () => {
    expect(fetchableUrlProblem("https://dashscope-result.oss-accelerate.aliyuncs.com/x.mp4?Expires=1", production)).toBeNull();
  });

  it("trusts the emulator and loopback only in development", () => {
    expect(fetchableUrlProblem("http://127.0.0.1:8788/files/v.mp4", development)).toBeNull();
    expect(fetchableUrlProblem("http://127.0.0.1:8788/files/v.mp4", production)).not.toBeNull();
  });
});

describe("input URLs", () => {
  it("needs https in production, but allows the gateway's own uploads", () => {
    expect(inputUrlProblem("http://cdn.example.com/a.png", production)).toMatch(/https/);
    expect(inputUrlProblem("https://cdn.example.com/a.png", production)).toBeNull();
    expect(inputUrlProblem("http://127.0.0.1:9000/a.png", development)).toBeNull();
    expect(inputUrlProblem("http://127.0.0.1:9000/a.png", production)).not.toBeNull();
  });
});

describe("byte ranges", () => {
  it.each([
    ["bytes=0-99", 1000, { offset: 0, length: 100 }],
    ["bytes=900-", 1000, { offset: 900, length: 100 }],
    ["bytes=-10", 1000, { offset: 990, length: 10 }],
    ["bytes=990-5000", 1000, { offset: 990, length: 10 }],
    ["bytes=1000-", 1000, "unsatisfiable"],
    ["bytes=0-1,5-6", 1000, null],
    ["items=0-1", 1000, null],
    [undefined, 1000, null],
  ] as const)("%s of %d bytes", (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe("file signatures", () => {
  const bytes = (...values: Array<number | string>) =>
    new Uint8Array(values.flatMap((value) => (typeof value === "string" ? [...value].map((char) => char.charCodeAt(0)) : [value])));
  it.each([
    [bytes(0, 0, 0, 0x18, "ftypisom", 0, 0), "video/mp4"],
    [bytes(0, 0, 0, 0x14, "ftypqt  ", 0, 0), "video/quicktime"],
    [bytes(0x89, "PNG\r\n\x1a\n", 0, 0, 0), "image/png"],
    [bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0, 0, 0, 0, 0), "image/jpeg"],
    [bytes("RIFF", 0, 0, 0, 0, "WEBP"), "image/webp"],
    [bytes("RIFF", 0, 0, 0, 0, "WAVE"), "audio/wav"],
    [bytes("ID3", 4, 0, 0, 0, 0, 0, 0, 0, 0), "audio/mpeg"],
    [bytes("<html><body>"), null],
  ])("recognises %#", (head, expected) => {
    expect(sniffContentType(head)).toBe(expected);
  });
});
