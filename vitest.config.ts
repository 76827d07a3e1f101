import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { kCurrentWorker } from "miniflare";
import { configDefaults, defineConfig } from "vitest/config";
import { developmentSecrets } from "./scripts/development-secrets.mjs";

/** Tests that need Node rather than workerd: a JSON Schema compiler (code generation) and a browser. */
const nodeTests = ["test/node/**/*.test.ts", "test/browser/**/*.test.ts"];

/**
 * Two projects, one `npm test`:
 *
 * `workerd` — tests run inside workerd with real Durable Objects, alarms and R2 from
 * Miniflare. The Worker under test is `test/worker.ts`: the production entry plus the
 * emulator as a second entrypoint. Every upstream request of the gateway goes to the
 * emulator through the `UPSTREAM` service binding, and the emulator's callbacks come back
 * through `GATEWAY` — both are loopback bindings to this same Worker, so no port is opened.
 *
 * `node` — runs after the workerd project (its own group, so the two never share the
 * cores): the OpenAPI document checked by an OpenAPI validator and ajv, and the playground
 * driven in Chromium against the local stack (`scripts/local-stack.mjs`).
 */
export default defineConfig({
  test: {
    // Runtime messages that tests provoke on purpose are hidden and counted: the filter is
    // test/expected-logs.ts, which each project's global setup installs in this process.
    onConsoleLog: (log) => ((globalThis as { wanEdgeIsExpectedLog?: (text: string) => boolean }).wanEdgeIsExpectedLog?.(log) ? false : undefined),
    projects: [
      {
        plugins: [
          cloudflareTest({
            main: "./test/worker.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ...developmentSecrets,
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
          name: "workerd",
          include: ["test/**/*.test.ts", "src/**/*.test.ts", "emulator/**/*.test.ts", "sdk/client/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...nodeTests],
          globalSetup: ["./test/expected-logs.ts"],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: nodeTests,
          globalSetup: ["./test/expected-logs.ts", "./test/node/prepare-node-tests.ts"],
          // One test file at a time: each starts a local stack, and a stack being stopped while
          // another starts beside it can catch wrangler's bundler mid-rebuild (it then prints a
          // failed build of a folder it just removed). Sequential costs no time on two cores.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
