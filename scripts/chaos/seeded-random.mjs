/**
 * @module scripts/chaos/seeded-random — the chaos run's one source of randomness (mulberry32),
 * so a run's plan — which requests, which faults, when each kill lands — follows from its seed.
 * (What the processes do in between is up to the machine: a replay is the same plan, not the
 * same interleaving.)
 */

/**
 * @param {number} seed
 * @example const random = seededRandom(42); random.between(1000, 7000)
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** A float in [low, high). */
    between: (low, high) => low + (high - low) * next(),
    /** An integer in [low, high]. */
    integer: (low, high) => low + Math.floor(next() * (high - low + 1)),
    chance: (probability) => next() < probability,
    /** @template T @param {readonly T[]} items @returns {T} */
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}
