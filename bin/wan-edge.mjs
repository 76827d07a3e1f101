#!/usr/bin/env node
/**
 * @module bin/wan-edge — the `wan-edge` command (`npx wan-edge …` in this repository).
 *
 * Runs the CLI built from `sdk/cli` (TypeScript) into dist/sdk/cli.js; `npm install`
 * builds it (`prepare`), and it is rebuilt here first when a source is newer — so a fresh
 * clone, an edited source and a plain `npx wan-edge` all run the current code.
 */
import { buildSdk, sdkIsFresh, sdkOutputs } from "../scripts/build-sdk.mjs";

if (!sdkIsFresh()) await buildSdk();
const { main } = await import(new URL(`../${sdkOutputs.cli}`, import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
