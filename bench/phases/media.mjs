/**
 * @module bench/phases/media — `GET /media/{key}` against a bare R2 read in the same runtime
 * (bench/worker/media-routes.ts), for 1 MB and 50 MB objects, whole and `Range` reads, at 16
 * connections and 1: cold (the edge cache has no copy: the gateway reads R2 and fills the
 * cache from a second read) and warm (served from the cache).
 *
 * Local workerd's Cache API is real: Miniflare implements `caches.default` (a store on disk
 * beside local R2), and a second read of a link answers `x-cache: HIT` without touching R2
 * (checked here on every warm response). Cold slices start with the keys purged from the
 * cache; each cold slice ends only when the fills it started are done (they are the cold
 * path's own work), so its throughput carries them.
 */
import { runInterleaved } from "../lib/load.mjs";
import { json, MiB, progress, sleep } from "../lib/client.mjs";

const cases = [
  { label: "1 MB", bytes: MiB, rangeBytes: 256 * 1024 },
  { label: "50 MB", bytes: 50 * MiB, rangeBytes: MiB },
];

/** How many requests, in how many slices, for a size and a concurrency (every slice ≥ 2 per connection at 16). */
function plan(bytes, concurrency, quick) {
  if (bytes <= MiB) return concurrency === 1 ? { requests: quick ? 20 : 60, slices: quick ? 2 : 6 } : { requests: quick ? 128 : 320, slices: quick ? 2 : 5 };
  return concurrency === 1 ? { requests: quick ? 4 : 12, slices: quick ? 2 : 4 } : { requests: quick ? 32 : 64, slices: quick ? 1 : 2 };
}

export async function mediaPhase(stack, { quick, sizes = cases.map((size) => size.label) }) {
  const { gatewayUrl } = stack;
  const post = async (path, body) => {
    const started = Date.now();
    const answer = await json(await fetch(`${gatewayUrl}${path}`, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) }), path);
    if (Date.now() - started > 10_000) progress(`media: ${path} took ${Date.now() - started} ms`);
    return answer;
  };
  const rows = [];
  for (const size of cases.filter((candidate) => sizes.includes(candidate.label))) {
    await post("/__bench/clear-media");
    const pool = Math.max(...[16, 1].map((concurrency) => { const { requests, slices } = plan(size.bytes, concurrency, quick); return Math.ceil(requests / slices); }));
    progress(`media ${size.label}: storing ${pool} objects`);
    const keys = [];
    for (let batch = 0; batch < pool; batch += 4) {
      keys.push(...(await post(`/__bench/media-seed?bytes=${size.bytes}&from=${batch}&count=${Math.min(4, pool - batch)}&prefix=${size.bytes}`)).keys);
    }
    const middle = Math.floor(size.bytes / 2);
    const rangeHeader = { range: `bytes=${middle}-${middle + size.rangeBytes - 1}` };
    const keyOf = (index) => keys[((index % keys.length) + keys.length) % keys.length];
    const cacheState = () => (response) => response.headers.get("x-cache") ?? "none";
    /** Every key read since the last purge, filled: waits until the cache holds them all. */
    const settle = async (used) => {
      const wanted = [...used];
      for (let tries = 0; tries < 6000; tries++) {
        if ((await post("/__bench/media-cached", wanted)).cached === wanted.length) return;
        await sleep(20);
      }
      throw new Error(`media ${size.label}: the edge cache never filled`);
    };
    /** Every key in the cache: a HEAD fills a missing one (not timed). */
    const fillAll = async () => {
      for (const key of keys) await (await fetch(`${gatewayUrl}/media/${key}`, { method: "HEAD" })).arrayBuffer();
      await settle(keys);
    };
    for (const concurrency of [16, 1]) {
      const { requests, slices } = plan(size.bytes, concurrency, quick);
      const warmup = size.bytes > MiB ? 1 : 4;
      const routes = [];
      for (const [mode, headers] of [["whole", {}], ["range", rangeHeader]]) {
        const used = new Set();
        routes.push(
          { name: `bare R2 get, ${mode}`, warmup, request: (index) => fetch(`${gatewayUrl}/__bench/r2/${keyOf(index)}`, { headers }) },
          {
            name: `GET /media cold, ${mode}`,
            warmup,
            before: async () => {
              // Fills still running (the warm-up's) would refill a purged key: wait for them first.
              await settle(used);
              await post("/__bench/media-purge", keys);
              used.clear();
            },
            request: (index) => {
              used.add(keyOf(index));
              return fetch(`${gatewayUrl}/media/${keyOf(index)}`, { headers });
            },
            after: () => settle(used),
            observe: cacheState(),
          },
          { name: `GET /media warm, ${mode}`, warmup, before: () => fillAll(), request: (index) => fetch(`${gatewayUrl}/media/${keyOf(index)}`, { headers }), observe: cacheState() },
        );
      }
      progress(`media ${size.label}: ${routes.length} routes side by side at ${concurrency} connection${concurrency === 1 ? "" : "s"}`);
      const measured = await runInterleaved(routes, { concurrency, requests, slices });
      rows.push(...measured.map((row) => ({ ...row, size: size.label, bytes: size.bytes, range_bytes: size.rangeBytes })));
    }
  }
  await post("/__bench/clear-media");
  return rows;
}
