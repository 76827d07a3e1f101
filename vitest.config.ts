import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { kCurrentWorker } from "miniflare";
import { defineConfig } from "vitest/config";

/**
 * Tests run inside workerd with real Durable Objects, alarms and R2 from Miniflare.
 * The Worker under test is `test/worker.ts`: the production entry plus the emulator as a
 * second entrypoint. Every upstream request of the gateway goes to the emulator through
 * the `UPSTREAM` service binding, and the emulator's callbacks come back through `GATEWAY`
 * — both are loopback bindings to this same Worker, so no port is opened.
 */
export default defineConfig({
  plugins: [
    cloudflareTest({
      main: "./test/worker.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          PUBLIC_BASE_URL: "http://gateway.test",
          EMULATOR_URL: "http://emulator.test",
          ...Object.fromEntries(
            ["dashscope", "evolink", "pixeldojo", "aimlapi", "shortapi"].map((id) => [`${id.toUpperCase()}_BASE_URL`, `http://emulator.test/${id}`]),
          ),
        },
        serviceBindings: {
          UPSTREAM: { name: kCurrentWorker, entrypoint: "Emulator" },
          GATEWAY: { name: kCurrentWorker },
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts", "emulator/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
