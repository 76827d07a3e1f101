/**
 * @module scripts/build-sdk — builds the package's exports and its CLI into dist/sdk/.
 *
 * `wan-edge/client` and `wan-edge/ai` are TypeScript in `sdk/`; Node cannot run it, so
 * esbuild turns each into one ES module (`platform: neutral`: no Node built-ins, it must
 * run in browsers and Workers too). Their types are the TypeScript sources themselves
 * (`types` in package.json's `exports`), so they cannot drift from the code. The CLI
 * (`sdk/cli`) is built for Node, its npm dependencies left as imports. Runs at `npm
 * install`/`npm ci` (`prepare`), and again from `bin/wan-edge.mjs` when a source is newer
 * than its build; a build takes well under a second.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
export const sdkOutputs = { client: "dist/sdk/client.js", ai: "dist/sdk/ai.js", cli: "dist/sdk/cli.js" };

/** Newest modification time (ms) of the sources a build reads (sdk/ and the types it imports from src/). */
export function newestSource() {
  let newest = 0;
  const walk = (folder) => {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(join(root, path)).mtimeMs);
    }
  };
  walk("sdk");
  newest = Math.max(newest, statSync(join(root, "package.json")).mtimeMs);
  return newest;
}

/** True when every output exists and is newer than every source. */
export function sdkIsFresh() {
  const newest = newestSource();
  return Object.values(sdkOutputs).every((output) => {
    try {
      return statSync(join(root, output)).mtimeMs >= newest;
    } catch {
      return false;
    }
  });
}

export async function buildSdk() {
  const common = { absWorkingDir: root, bundle: true, format: "esm", target: "es2022", logLevel: "warning", legalComments: "none" };
  await Promise.all([
    build({ ...common, entryPoints: ["sdk/client/index.ts"], outfile: sdkOutputs.client, platform: "neutral" }),
    // The AI SDK's packages are the caller's (peer dependencies): imported, not bundled.
    build({ ...common, entryPoints: ["sdk/ai/index.ts"], outfile: sdkOutputs.ai, platform: "neutral", external: ["@ai-sdk/*", "ai"] }),
    build({ ...common, entryPoints: ["sdk/cli/main.ts"], outfile: sdkOutputs.cli, platform: "node", packages: "external" }),
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildSdk();
