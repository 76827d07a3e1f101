/**
 * @module scripts/local-stack — starts the gateway and the provider emulator locally.
 *
 * Both run in workerd through wrangler's `unstable_startWorker`, started from code rather
 * than the `wrangler dev` CLI: the CLI of the Node-20 line (4.86) always attaches its
 * inspector proxy, which relays every subrequest body in ~4 KiB messages and cannot stream
 * large files into local R2. Here the inspector is off, storage persists on disk, and
 * logging is at warn. Used by `npm start` and by the benchmarks.
 */
import { unstable_startWorker } from "wrangler";
import { vendorDocsUi } from "./vendor-docs-ui.mjs";

// There is no network here to fetch the real `request.cf` object from; use the placeholder
// quietly instead of printing a DNS error on every start.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

const providers = ["dashscope", "evolink", "pixeldojo", "aimlapi", "shortapi"];

/**
 * @param {{ gatewayPort?: number, emulatorPort?: number, persist?: string | false, logLevel?: string,
 *   vars?: Record<string,string>, entrypoint?: string, bindings?: Record<string, unknown>, migrations?: unknown[] }} options
 *   `entrypoint`, `bindings` and `migrations` let the benchmarks run their own Worker around the gateway.
 * @returns {Promise<{ gatewayUrl: string, emulatorUrl: string, stop: () => Promise<void> }>}
 */
export async function startLocalStack(options = {}) {
  vendorDocsUi(); // /docs serves Swagger UI from public/static/vendor (copied, not committed)
  const gatewayPort = options.gatewayPort ?? 8787;
  const emulatorPort = options.emulatorPort ?? 8788;
  const host = "127.0.0.1";
  const gatewayUrl = `http://${host}:${gatewayPort}`;
  const emulatorUrl = `http://${host}:${emulatorPort}`;
  const logLevel = options.logLevel ?? "warn";
  const text = (value) => ({ type: "plain_text", value });

  const emulator = await unstable_startWorker({
    config: "emulator/wrangler.toml",
    bindings: { EMULATOR_PUBLIC_URL: text(emulatorUrl) },
    dev: { server: { hostname: host, port: emulatorPort }, inspector: false, persist: false, logLevel, watch: false },
  });
  await emulator.ready;

  // Every provider points at its emulator personality; the key is a placeholder the
  // emulator accepts. Ports can move, so the URL-valued vars are set here, not in the file.
  const bindings = {
    PUBLIC_BASE_URL: text(gatewayUrl),
    EMULATOR_URL: text(emulatorUrl),
    ...Object.fromEntries(providers.map((id) => [`${id.toUpperCase()}_BASE_URL`, text(`${emulatorUrl}/${id}`)])),
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
    await emulator.dispose();
    throw error;
  }
  return {
    gatewayUrl,
    emulatorUrl,
    async stop() {
      await gateway.dispose();
      await emulator.dispose();
    },
  };
}
