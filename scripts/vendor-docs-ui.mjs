#!/usr/bin/env node
/**
 * @module scripts/vendor-docs-ui — copies Swagger UI (the pinned `swagger-ui-dist`
 * devDependency) into `public/static/vendor/swagger-ui/`, where Workers Static Assets
 * serve it for `/docs` — no CDN, so the reference works offline and outside the Worker
 * script's size budget.
 *
 * The ~1.9 MB of files are copied rather than committed: one pinned version in
 * package-lock.json, nothing to keep in sync by hand. Idempotent and quiet: it copies only
 * when the folder is missing or holds another version. Run by `startLocalStack` (npm
 * start, the benchmarks, the browser test) and before `npm run deploy` / `check:bundle`.
 *
 * The same run bundles the typed client for the playground (`./bundle-playground-client.mjs`,
 * into the same git-ignored folder), so every path that serves the pages has both.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundlePlaygroundClient } from "./bundle-playground-client.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"];

/**
 * Ensures the vendored Swagger UI matches the installed `swagger-ui-dist`, and the
 * playground's client bundle matches `sdk/client`.
 * @returns {{ copied: boolean, version: string, directory: string, clientWritten: boolean }}
 */
export function vendorDocsUi() {
  const { written: clientWritten } = bundlePlaygroundClient();
  const require = createRequire(join(root, "package.json"));
  const source = dirname(require.resolve("swagger-ui-dist/package.json"));
  const { version } = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
  const directory = join(root, "public", "static", "vendor", "swagger-ui");
  const stamp = join(directory, "VERSION");
  const current = existsSync(stamp) ? readFileSync(stamp, "utf8").trim() : null;
  if (current === version && files.every((file) => existsSync(join(directory, file)))) return { copied: false, version, directory, clientWritten };

  mkdirSync(directory, { recursive: true });
  for (const file of files) {
    if (file.endsWith(".js")) {
      // Drop the source-map comment: the map is not vendored, and a browser with devtools
      // open would otherwise ask for it.
      const code = readFileSync(join(source, file), "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
      writeFileSync(join(directory, file), code);
    } else {
      copyFileSync(join(source, file), join(directory, file));
    }
  }
  writeFileSync(stamp, `${version}\n`);
  return { copied: true, version, directory, clientWritten };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { copied, version, clientWritten } = vendorDocsUi();
  if (copied) console.log(`vendored swagger-ui-dist ${version} into public/static/vendor/swagger-ui/`);
  if (clientWritten) console.log("bundled sdk/client into public/static/vendor/wan-edge-client.js");
}
