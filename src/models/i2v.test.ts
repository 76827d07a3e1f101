import { describe, expect, it } from "vitest";
import { fieldErrors } from "../http/validation";
import { i2vInputSchema } from "./i2v";

const image = "https://cdn.example.com/cat.png";
const clip = "https://cdn.example.com/clip.mp4";
const audio = "https://cdn.example.com/voice.mp3";

function errorsOf(input: unknown) {
  const parsed = i2vInputSchema.safeParse(input);
  return parsed.success ? [] : fieldErrors(parsed.error, ["input"]);
}

describe("wan2.7-i2v input", () => {
  it.each([
    [{ first_frame: image }, "first_frame"],
    [{ first_frame: image, driving_audio: audio }, "first_frame"],
    [{ first_frame: image, last_frame: image }, "first_last_frame"],
    [{ first_frame: image, last_frame: image, driving_audio: audio }, "first_last_frame"],
    [{ first_clip: clip }, "video_continuation"],
    [{ first_clip: clip, last_frame: image }, "video_continuation"],
  ])("accepts the valid combination %j and infers mode %s", (materials, mode) => {
    const parsed = i2vInputSchema.parse(materials);
    expect(parsed.mode).toBe(mode);
    // the same combination with the mode stated explicitly is valid too
    expect(i2vInputSchema.parse({ ...materials, mode }).mode).toBe(mode);
  });

  it("fills the documented defaults", () => {
    expect(i2vInputSchema.parse({ first_frame: image })).toEqual({
      first_frame: image,
      mode: "first_frame",
      resolution: "720p",
      duration: 5,
      prompt_extend: false,
      watermark: false,
    });
  });

  it.each([
    [{}, ["input.first_frame"]],
    [{ last_frame: image }, ["input.first_frame"]],
    [{ driving_audio: audio }, ["input.first_frame"]],
    [{ last_frame: image, driving_audio: audio }, ["input.first_frame"]],
    [{ first_frame: image, first_clip: clip }, ["input.first_frame"]],
    [{ first_clip: clip, driving_audio: audio }, ["input.driving_audio"]],
    [{ first_clip: clip, last_frame: image, driving_audio: audio }, ["input.driving_audio"]],
    [{ first_frame: image, first_clip: clip, driving_audio: audio }, ["input.first_frame", "input.driving_audio"]],
    [{ first_frame: image, last_frame: image, first_clip: clip }, ["input.first_frame"]],
    [{ first_frame: image, last_frame: image, first_clip: clip, driving_audio: audio }, ["input.first_frame", "input.driving_audio"]],
  ])("rejects the invalid combination %j naming %j", (materials, paths) => {
    const errors = errorsOf(materials);
    expect(errors.map((error) => error.path).sort()).toEqual([...paths].sort());
  });

  it.each([
    [{ mode: "first_frame", first_frame: image, last_frame: image }, ["input.last_frame", "input.mode"]],
    [{ mode: "first_last_frame", first_frame: image }, ["input.last_frame", "input.mode"]],
    [{ mode: "video_continuation", first_frame: image }, ["input.first_clip", "input.first_frame", "input.mode"]],
    [{ mode: "first_frame", first_clip: clip }, ["input.first_frame", "input.first_clip", "input.mode"]],
    [{ mode: "video_continuation", first_clip: clip, driving_audio: audio }, ["input.driving_audio"]],
  ])("rejects a mode that disagrees with the materials: %j", (input, paths) => {
    expect(errorsOf(input).map((error) => error.path).sort()).toEqual([...paths].sort());
  });

  it.each([
    ["prompt", "x".repeat(5000), "x".repeat(5001)],
    ["negative_prompt", "x".repeat(500), "x".repeat(501)],
    ["duration", 2, 1],
    ["duration", 15, 16],
    ["duration", 10, 5.5],
    ["seed", 0, -1],
    ["seed", 2147483647, 2147483648],
    ["resolution", "1080p", "4k"],
    ["prompt_extend", true, "yes"],
    ["watermark", true, 1],
    ["first_frame", `https://e.com/${"a".repeat(2048 - 14)}`, `https://e.com/${"a".repeat(2049 - 14)}`],
    ["first_frame", image, "ftp://e.com/cat.png"],
    ["mode", "first_frame", "text_to_video"],
  ])("enforces the limit of %s (%j ok, %j rejected)", (field, good, bad) => {
    expect(errorsOf({ first_frame: image, [field]: good })).toEqual([]);
    expect(errorsOf({ first_frame: image, [field]: bad }).map((error) => error.path)).toEqual([`input.${field}`]);
  });

  it("names unknown fields", () => {
    expect(errorsOf({ first_frame: image, fps: 24, aspect_ratio: "16:9" }).map((error) => error.path).sort()).toEqual(["input.aspect_ratio", "input.fps"]);
  });

  it("names every bad field at once", () => {
    const paths = errorsOf({ first_frame: image, duration: 99, seed: -5, prompt: 7 }).map((error) => error.path).sort();
    expect(paths).toEqual(["input.duration", "input.prompt", "input.seed"]);
  });
});
