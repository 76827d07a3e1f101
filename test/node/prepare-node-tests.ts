/**
 * @module test/node/prepare-node-tests — global setup of the `node` project, before any test file.
 *
 * Writes, once, the files the local stacks and the CLI read: Swagger UI into
 * public/static/vendor/ (a fresh clone has none) and the SDK build into dist/sdk/. Left to
 * each test file, the first stack to start would copy Swagger UI into `public/` while the
 * stacks of the test files running beside it already watch that folder as their static
 * assets — they then rebuild mid-test and, stopped during that rebuild, print a failed
 * build.
 */
import { buildSdk } from "../../scripts/build-sdk.mjs";
import { vendorDocsUi } from "../../scripts/vendor-docs-ui.mjs";

export default async function prepareNodeTests(): Promise<void> {
  vendorDocsUi();
  await buildSdk();
}
