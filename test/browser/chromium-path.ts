/**
 * @module test/browser/chromium-path — which Chromium the browser tests drive.
 *
 * In order: `CHROMIUM_PATH`; the system's Chromium (`/usr/bin/chromium`, which CI installs
 * from Debian); otherwise the one that arrived with `npm ci` inside the `@sparticuz/chromium`
 * package (a brotli-compressed headless-shell build in its `bin/` folder — nothing is
 * downloaded). That package would inflate it into the shared `/tmp/chromium` and reuse
 * whatever it finds there, whatever version; so the binary is inflated here instead, into
 * this checkout's `node_modules/.cache`, under the package's version, written to a temporary
 * name and renamed so a half-written file is never launched.
 */
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createBrotliDecompress } from "node:zlib";

export const systemChromium = "/usr/bin/chromium";

export interface ChromiumBinary {
  path: string;
  /** Where it came from, for the test's log line. */
  source: "CHROMIUM_PATH" | "system" | "@sparticuz/chromium";
}

/** The Chromium to launch; inflates the packaged one on first use (about a second). */
export async function resolveChromium(): Promise<ChromiumBinary> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist.`);
    return { path: configured, source: "CHROMIUM_PATH" };
  }
  if (existsSync(systemChromium)) return { path: systemChromium, source: "system" };
  return { path: await inflatePackagedChromium(), source: "@sparticuz/chromium" };
}

async function inflatePackagedChromium(): Promise<string> {
  // The package exports no package.json; a devDependency of this project sits at the top of node_modules.
  const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
  const packageDir = join(root, "node_modules", "@sparticuz", "chromium");
  if (!existsSync(join(packageDir, "bin", "chromium.br"))) {
    throw new Error(`No Chromium: ${systemChromium} is absent and @sparticuz/chromium is not installed (run \`npm ci\`, or set CHROMIUM_PATH).`);
  }
  const { version } = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8")) as { version: string };
  const target = join(root, "node_modules", ".cache", "wan-edge", `chromium-${version}`, "chromium");
  if (existsSync(target)) return target;
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  try {
    await pipeline(createReadStream(join(packageDir, "bin", "chromium.br")), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 }));
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
  return target;
}
