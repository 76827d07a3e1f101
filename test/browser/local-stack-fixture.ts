/**
 * A fresh local stack (gateway + emulator, `scripts/local-stack.mjs`) on free ports with
 * its own temporary state — for Node tests that talk to it as a client would (the OpenAI
 * SDK test) — and with Chromium (`./chromium-path.ts`: the system's, or the packaged one),
 * for tests that drive the pages.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";
import { startLocalStack } from "../../scripts/local-stack.mjs";
import { resolveChromium } from "./chromium-path";

/**
 * Flags for a closed network (see the machine notes): without the background-networking
 * ones Chromium keeps trying to reach Google's hosts. `--no-sandbox` because CI runs as root.
 */
const chromiumFlags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** `count` distinct free TCP ports on loopback (held open together, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export interface TestStack {
  gatewayUrl: string;
  emulatorUrl: string;
  stop(): Promise<void>;
}

export interface BrowserStack extends TestStack {
  browser: Browser;
}

/**
 * Starts the stack on free ports with a fresh state; `stop()` ends it and deletes the state.
 * `realProviders` send those providers to another upstream instead of the emulator.
 */
export async function startTestStack(options: { realProviders?: Array<{ id: string; baseUrl: string; apiKey: string }> } = {}): Promise<TestStack> {
  const persist = await mkdtemp(join(tmpdir(), "wan-edge-test-"));
  const [gatewayPort, emulatorPort] = await freePorts(2);
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  try {
    stack = await startLocalStack({ gatewayPort, emulatorPort, persist, ...options });
  } catch (error) {
    await rm(persist, { recursive: true, force: true });
    throw error;
  }
  return {
    gatewayUrl: stack.gatewayUrl,
    emulatorUrl: stack.emulatorUrl,
    async stop() {
      await stack.stop();
      await rm(persist, { recursive: true, force: true });
    },
  };
}

/** Starts the stack and the browser; `stop()` ends both and deletes the state. */
export async function startBrowserStack(): Promise<BrowserStack> {
  const binary = await resolveChromium();
  console.info(`Chromium: ${binary.path} (${binary.source})`);
  const stack = await startTestStack();
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: binary.path, headless: true, args: chromiumFlags });
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return {
    gatewayUrl: stack.gatewayUrl,
    emulatorUrl: stack.emulatorUrl,
    browser,
    async stop() {
      await browser.close().catch(() => {});
      await stack.stop();
    },
  };
}
