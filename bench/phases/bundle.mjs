/**
 * @module bench/phases/bundle — the production bundle as `wrangler deploy --dry-run` builds
 * it: its gzip size, that no emulator code is in it, and what takes the most room (esbuild's
 * metafile, minified bytes by package or source folder).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** `node_modules/zod/v4/…` → `zod`; `src/jobs/…` → `src/jobs`. */
function groupOf(path) {
  const parts = path.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at >= 0) return parts.slice(at + 1, at + (parts[at + 1]?.startsWith("@") ? 3 : 2)).join("/");
  return parts.slice(0, 2).join("/");
}

export function bundlePhase() {
  const outdir = mkdtempSync(join(tmpdir(), "wan-edge-bundle-"));
  try {
    execFileSync("npx", ["wrangler", "deploy", "--env", "production", "--dry-run", "--outdir", outdir, "--metafile", join(outdir, "meta.json")], { stdio: "ignore", env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false" } });
    const bundle = readFileSync(join(outdir, "index.js"));
    const text = bundle.toString("utf8");
    const meta = JSON.parse(readFileSync(join(outdir, "meta.json"), "utf8"));
    const output = Object.values(meta.outputs).find((candidate) => Object.keys(candidate.inputs ?? {}).length > 5);
    const groups = {};
    let zodLocales = 0;
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      groups[groupOf(path)] = (groups[groupOf(path)] ?? 0) + bytesInOutput;
      if (/zod\/v4\/locales\/(?!en\.js)/.test(path)) zodLocales += bytesInOutput;
    }
    return {
      bytes: bundle.length,
      gzip_bytes: gzipSync(bundle, { level: 9 }).length,
      emulator_absent: !["wan-edge provider emulator", "__control", "createEmulator", "task-unified-"].some((marker) => text.includes(marker)),
      largest: Object.fromEntries(Object.entries(groups).sort((a, b) => b[1] - a[1]).slice(0, 8)),
      zod_locales_bytes: zodLocales,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
