/**
 * @module vendor/zod-without-locales — zod's own entry point (zod 4.3.6: `index.js`,
 * `v4/classic/external.js`, `v4/core/index.js`) without `locales`. wrangler's `alias` maps
 * `zod` here for what wrangler bundles (`npm start`, `wrangler deploy`); vitest uses zod itself.
 *
 * Why: `@hono/zod-openapi` imports `{ z }` and hands the namespace to zod-to-openapi, so the
 * bundler must keep every export of it — including ~40 translations of zod's error messages
 * (186 KB minified, ~28 KB gzip: the production bundle is 129 KiB gzip without them, 156 with)
 * that nothing here selects: messages stay English (`config(en())`, as zod does), and
 * wan-edge writes its own problem details. Everything else is zod's files, in zod's order.
 * `test/zod-without-locales.test.ts` checks that this entry exports what zod's does but
 * `locales`, as the same bindings; redo the copy when zod's pinned version moves.
 */
// The paths are zod's files (its exports map names only the entry, so they are relative).
import * as z from "./zod-classic-without-locales";

export * from "./zod-classic-without-locales";
export { z };
export default z;
