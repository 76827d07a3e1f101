/**
 * @module scripts/local-stack — starts the gateway and the provider emulator locally.
 *
 * Both run in workerd, started from code rather than with the `wrangler dev` CLI: the CLI
 * of the Node-20 line (4.86) always attaches its inspector proxy, which relays every
 * subrequest body in ~4 KiB messages and cannot stream large files into local R2. The
 * gateway runs through wrangler's `unstable_startWorker` (its wrangler.toml: Durable
 * Objects, R2, static assets), with the inspector off, storage persisted on disk and
 * logging at warn. The emulator — a plain Worker with no bindings, standing in for remote
 * providers — is bundled with esbuild and served by Miniflare directly on its port, without
 * the dev proxy wrangler puts in front of a worker (one process and one hop fewer on every
 * upstream call). Used by `npm start`, the Node tests and the benchmarks.
 *
 * Both ports are tried before anything starts: a taken one is a `PortInUseError` at once —
 * wrangler would otherwise wait forever for a gateway port, and workerd die with a raw
 * stack on an emulator port.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { unstable_startWorker } from "wrangler";
import { developmentSecrets } from "./development-secrets.mjs";
import { vendorDocsUi } from "./vendor-docs-ui.mjs";

// There is no network here to fetch the real `request.cf` object from; use the placeholder
// quietly instead of printing a DNS error on every start.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

const providers = ["dashscope", "evolink", "pixeldojo", "aimlapi", "shortapi"];

/** A port of the stack is taken (or not ours to take); `role` says which one. */
export class PortInUseError extends Error {
  /** @param {number} port @param {"gateway" | "emulator"} role @param {string} code */
  constructor(port, role, code) {
    super(code === "EACCES" ? `port ${port} (${role}) is not allowed for this user` : `port ${port} (${role}) is already in use`);
    this.name = "PortInUseError";
    this.port = port;
    this.role = role;
    this.code = code;
  }
}

/** Listens on `host:port` and lets go again: null when free, else the error code. */
function probePort(host, port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error) => resolve(error.code ?? "EADDRINUSE"));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/**
 * @param {{ gatewayPort?: number, emulatorPort?: number, emulatorUrl?: string, persist?: string | false, logLevel?: string,
 *   vars?: Record<string,string>, entrypoint?: string, bindings?: Record<string, unknown>, migrations?: unknown[],
 *   realProviders?: Array<{ id: string, baseUrl: string, apiKey: string }> }} options
 *   `entrypoint`, `bindings` and `migrations` let the benchmarks run their own Worker around the gateway.
 *   `realProviders` replace the emulator for those providers (`scripts/dev-providers.mjs`).
 *   `emulatorUrl`: use an emulator that is already running there and start only the gateway (the
 *   chaos run kills and restarts the gateway while its emulator — the "providers" — lives on).
 * @returns {Promise<{ gatewayUrl: string, emulatorUrl: string, stop: () => Promise<void> }>}
 */
export async function startLocalStack(options = {}) {
  vendorDocsUi(); // /docs serves Swagger UI from public/static/vendor (copied, not committed)
  const gatewayPort = options.gatewayPort ?? 8787;
  const emulatorPort = options.emulatorPort ?? 8788;
  const host = "127.0.0.1";
  const gatewayUrl = `http://${host}:${gatewayPort}`;
  const emulatorUrl = options.emulatorUrl ?? `http://${host}:${emulatorPort}`;
  const logLevel = options.logLevel ?? "warn";
  const text = (value) => ({ type: "plain_text", value });
  const secret = (value) => ({ type: "secret_text", value });

  for (const [port, role] of [[gatewayPort, "gateway"], ...(options.emulatorUrl ? [] : [[emulatorPort, "emulator"]])]) {
    const code = await probePort(host, port);
    if (code) throw new PortInUseError(port, role, code);
  }
  const emulator = options.emulatorUrl ? null : await startEmulator({ host, port: emulatorPort, publicUrl: emulatorUrl });

  // Every provider points at its emulator personality; the key is a placeholder the
  // emulator accepts. Ports can move, so the URL-valued vars are set here, not in the file.
  // A real provider's pair replaces its emulator personality (its key as a secret). Every
  // other provider keeps wrangler.toml's placeholder key even when .dev.vars (which wrangler
  // also reads) holds half a pair: a real key is never sent to the emulator.
  const real = options.realProviders ?? [];
  const realIds = new Set(real.map(({ id }) => id));
  const realKeys = new Set([...realIds].map((id) => `${id.toUpperCase()}_API_KEY`));
  const placeholderKeys = Object.entries(developmentSecrets).filter(([name]) => !realKeys.has(name));
  const bindings = {
    PUBLIC_BASE_URL: text(gatewayUrl),
    EMULATOR_URL: text(emulatorUrl),
    ...Object.fromEntries(providers.map((id) => [`${id.toUpperCase()}_BASE_URL`, text(`${emulatorUrl}/${id}`)])),
    ...Object.fromEntries(placeholderKeys.map(([name, value]) => [name, secret(value)])),
    ...Object.fromEntries(real.flatMap(({ id, baseUrl, apiKey }) => [[`${id.toUpperCase()}_BASE_URL`, text(baseUrl)], [`${id.toUpperCase()}_API_KEY`, secret(apiKey)]])),
    ...Object.fromEntries(Object.entries(options.vars ?? {}).map(([name, value]) => [name, text(value)])),
    ...options.bindings,
  };
  let gateway;
  try {
    gateway = await unstable_startWorker({
      config: "wrangler.toml",
      ...(options.entrypoint ? { entrypoint: options.entrypoint } : {}),
      ...(options.migrations ? { migrations: options.migrations } : {}),
      bindings,
      dev: {
        server: { hostname: host, port: gatewayPort },
        inspector: false,
        persist: options.persist ?? ".wrangler/state",
        logLevel,
        watch: false,
      },
    });
    await gateway.ready;
  } catch (error) {
    await emulator?.dispose();
    throw error;
  }
  return {
    gatewayUrl,
    emulatorUrl,
    async stop() {
      await gateway.dispose();
      await emulator?.dispose();
    },
  };
}

/** The emulator Worker (emulator/index.ts) on `host:port`, in memory, through Miniflare. */
export async function startEmulator({ host, port, publicUrl }) {
  const bundle = await build({
    entryPoints: ["emulator/index.ts"],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    write: false,
    logLevel: "warning",
  });
  const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync("emulator/wrangler.toml", "utf8"))?.[1];
  const emulator = new Miniflare({
    modules: [{ type: "ESModule", path: "index.js", contents: bundle.outputFiles[0].text }],
    compatibilityDate,
    bindings: { EMULATOR_PUBLIC_URL: publicUrl },
    host,
    port,
  });
  await emulator.ready;
  return emulator;
}
