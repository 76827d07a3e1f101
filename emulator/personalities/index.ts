/**
 * @module personalities
 * The emulated providers, each mounted at `/<name>`. To add one, write
 * `personalities/<name>.ts` exporting a `Personality` and list it here.
 */
import type { Personality } from "../core/personality";
import { evolink } from "./evolink";

export const personalities: readonly Personality[] = [evolink];
