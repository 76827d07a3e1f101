import { describe, expect, it } from "vitest";
import { fieldErrors } from "../http/validation";
import { imageProInputSchema, imageProMediaUrls, isFourKTier, sizePixels } from "./image-pro";

const image = "https://cdn.example.com/cat.png";
const prompt = "a red fox in the snow";
const palette = (...ratios: string[]) => ratios.map((ratio, index) => ({ hex: `#0000${index.toString(16).padStart(2, "0")}`, ratio }));
const validPalette = palette("50.00%", "25.00%", "25.00%");

function errorsOf(input: unknown) {
  const parsed = imageProInputSchema.safeParse(input);
  return parsed.success ? [] : fieldErrors(parsed.error, ["input"]);
}
const pathsOf = (input: unknown) => errorsOf(input).map((error) => error.path).sort();

describe("wan2.7-image-pro input", () => {
  it("fills the documented defaults", () => {
    expect(imageProInputSchema.parse({ prompt })).toEqual({
      prompt,
      images: [],
      size: "2K",
      n: 1,
      enable_sequential: false,
      thinking_mode: false,
      watermark: false,
    });
  });

  it("accepts every option at once where they combine", () => {
    const input = { prompt, images: [image, image], size: "1280*720", n: 4, thinking_mode: true, color_palette: validPalette, seed: 42, watermark: true };
    expect(imageProInputSchema.parse(input)).toEqual({ ...input, enable_sequential: false });
  });

  it.each([
    ["prompt", "x", ""],
    ["prompt", "x".repeat(5000), "x".repeat(5001)],
    ["images", Array.from({ length: 9 }, () => image), Array.from({ length: 10 }, () => image)],
    ["n", 4, 0],
    ["n", 3, 2.5],
    ["seed", 0, -1],
    ["seed", 2147483647, 2147483648],
    ["enable_sequential", true, "yes"],
    ["thinking_mode", true, 1],
    ["watermark", true, "false"],
    ["size", "1K", "3K"],
    ["size", "2K", "2k"],
    ["size", "768*768", "767*768"],
    ["size", "4096*4096", "4096*4097"],
    ["size", "2176*272", "2184*272"],
    ["size", "272*2176", "272*2184"],
    ["size", "288*2304", "287*2304"],
    ["size", "1280*720", "1280x720"],
    ["size", "1280*720", "1280.5*720"],
    ["size", "1280*720", "01280*720"],
    ["size", "1280*720", 1280],
    ["color_palette", validPalette, palette("50.00%", "50.00%")],
    ["color_palette", palette(...Array.from({ length: 10 }, () => "10.00%")), palette("10.00%", ...Array.from({ length: 10 }, () => "9.00%"))],
    ["color_palette", palette("33.34%", "33.33%", "33.33%"), palette("33.33%", "33.33%", "33.33%")],
    ["color_palette", palette("0.01%", "49.99%", "50.00%"), palette("0.01%", "49.99%", "50.01%")],
  ])("enforces the limit of %s (%j ok, %j rejected)", (field, good, bad) => {
    expect(errorsOf({ prompt, [field]: good })).toEqual([]);
    expect(pathsOf({ prompt, [field]: bad })).toEqual([`input.${field}`]);
  });

  it("names a malformed palette entry by its index, without a misleading sum error", () => {
    expect(pathsOf({ prompt, color_palette: [{ hex: "red", ratio: "50%" }, ...palette("25.00%", "25.00%")] })).toEqual([
      "input.color_palette[0].hex",
      "input.color_palette[0].ratio",
    ]);
    expect(pathsOf({ prompt, color_palette: [{ hex: "#FFFFFF", ratio: "50.00%", name: "white" }, ...palette("25.00%", "25.00%")] })).toEqual([
      "input.color_palette[0].name",
    ]);
  });

  it("requires a prompt and names bad input images by index", () => {
    expect(errorsOf({})).toEqual([{ path: "input.prompt", message: "required" }]);
    expect(pathsOf({ prompt, images: [image, "ftp://e.com/a.png"] })).toEqual(["input.images[1]"]);
  });

  it("sums palette ratios in hundredths, so float rounding cannot break an exact 100.00%", () => {
    // Summed as floats these come to 100.00000000000001.
    const ratios = ["0.01%", "65.40%", "34.59%"];
    expect(ratios.reduce((sum, ratio) => sum + Number.parseFloat(ratio), 0)).not.toBe(100);
    expect(errorsOf({ prompt, color_palette: palette(...ratios) })).toEqual([]);
  });
});

describe("wan2.7-image-pro cross-field rules", () => {
  it.each([
    [{ size: "4K" }],
    [{ size: "3840*2160" }],
    [{ size: "4K", n: 4, thinking_mode: true, color_palette: validPalette }],
    [{ size: "2K", images: [image], enable_sequential: true, n: 12 }],
    [{ size: "2048*2048", images: [image] }],
    [{ enable_sequential: true, n: 5 }],
    [{ enable_sequential: true, thinking_mode: false }],
  ])("accepts %j", (input) => {
    expect(errorsOf({ prompt, ...input })).toEqual([]);
  });

  it.each([
    [{ size: "4K", images: [image] }, ["input.size"]],
    [{ size: "3840*2160", images: [image] }, ["input.size"]],
    [{ size: "4K", enable_sequential: true }, ["input.size"]],
    [{ size: "2049*2048", enable_sequential: true }, ["input.size"]],
    [{ size: "4K", images: [image], enable_sequential: true }, ["input.size", "input.size"]],
    [{ enable_sequential: true, thinking_mode: true }, ["input.thinking_mode"]],
    [{ enable_sequential: true, color_palette: validPalette }, ["input.color_palette"]],
    [{ n: 5 }, ["input.n"]],
    [{ n: 12 }, ["input.n"]],
    [{ n: 13, enable_sequential: true }, ["input.n"]],
    [{ size: "4K", enable_sequential: true, thinking_mode: true, color_palette: validPalette }, ["input.color_palette", "input.size", "input.thinking_mode"]],
  ])("rejects %j naming %j", (input, paths) => {
    expect(pathsOf({ prompt, ...input })).toEqual(paths);
  });

  it("explains the rule it applied", () => {
    expect(errorsOf({ prompt, size: "4K", images: [image] })[0]!.message).toMatch(/text-to-image/);
    expect(errorsOf({ prompt, n: 6 })[0]!.message).toMatch(/at most 4 without enable_sequential/);
    expect(errorsOf({ prompt, enable_sequential: true, thinking_mode: true })[0]!.message).toMatch(/enable_sequential/);
  });

  it("names unknown fields", () => {
    expect(pathsOf({ prompt, aspect_ratio: "16:9", negative_prompt: "blur" })).toEqual(["input.aspect_ratio", "input.negative_prompt"]);
  });

  it("names every bad field at once", () => {
    expect(pathsOf({ prompt: 7, n: 0, seed: -1, size: "huge" })).toEqual(["input.n", "input.prompt", "input.seed", "input.size"]);
  });
});

describe("image-pro helpers", () => {
  it.each([
    ["1K", { width: 1024, height: 1024 }, false],
    ["2K", { width: 2048, height: 2048 }, false],
    ["4K", { width: 4096, height: 4096 }, true],
    ["2048*2048", { width: 2048, height: 2048 }, false],
    ["2049*2048", { width: 2049, height: 2048 }, true],
    ["3840*2160", { width: 3840, height: 2160 }, true],
    ["1280*720", { width: 1280, height: 720 }, false],
    ["1280x720", null, false],
    ["8K", null, false],
  ] as const)("reads %s as %j (4K-tier: %s)", (size, pixels, fourK) => {
    expect(sizePixels(size)).toEqual(pixels);
    expect(isFourKTier(size)).toBe(fourK);
  });

  it("lists input image URLs by JSON path", () => {
    const input = imageProInputSchema.parse({ prompt, images: [image, "https://cdn.example.com/dog.png"] });
    expect(imageProMediaUrls(input)).toEqual([
      ["images[0]", image],
      ["images[1]", "https://cdn.example.com/dog.png"],
    ]);
    expect(imageProMediaUrls(imageProInputSchema.parse({ prompt }))).toEqual([]);
  });
});
