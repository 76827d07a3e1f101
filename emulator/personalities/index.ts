/**
 * @module personalities
 * The emulated providers, each mounted at `/<name>`. To add one, write
 * `personalities/<name>.ts` exporting a `Personality` and list it here.
 */
import type { Personality } from "../core/personality";
import { aimlapi } from "./aimlapi";
import { dashscope } from "./dashscope";
import { evolink } from "./evolink";
import { pixeldojo } from "./pixeldojo";
import { shortapi } from "./shortapi";

export const personalities: readonly Personality[] = [dashscope, evolink, pixeldojo, aimlapi, shortapi];
