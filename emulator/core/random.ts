/**
 * @module random
 * Seedable randomness for fault decisions, so a failing chaos run can be replayed with the
 * same `seed`, plus unseeded tokens for ids (ids must stay unique across resets that reuse a
 * seed, or a gateway could confuse a new task with an old one).
 */

/** A mulberry32 generator: a 32-bit state, good enough for rate decisions and fill bytes. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** The emulator's one source of fault randomness. */
export interface FaultRandom {
  /** A float in [0, 1). */
  next(): number;
  /** True with probability `rate`; 0 and 1 are exact and consume no draw. */
  chance(rate: number | undefined): boolean;
  /** An integer in [0, 2^32). */
  uint32(): number;
  /** Restart the sequence: from `seed` when given, else from an unpredictable seed. */
  reseed(seed?: number): void;
}

/**
 * Creates the fault PRNG.
 * @example
 * const random = createFaultRandom(42);
 * if (random.chance(plan.fail_rate)) failTask();
 */
export function createFaultRandom(seed?: number): FaultRandom {
  let generator = mulberry32(seed ?? unpredictableSeed());
  return {
    next: () => generator(),
    chance(rate) {
      if (rate === undefined || rate <= 0) return false;
      if (rate >= 1) return true;
      return generator() < rate;
    },
    uint32: () => Math.floor(generator() * 4294967296) >>> 0,
    reseed(next) {
      generator = mulberry32(next ?? unpredictableSeed());
    },
  };
}

function unpredictableSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}

const LOWER_ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * An unseeded random token (crypto quality), e.g. the 8-character tail of an EvoLink task id.
 * @example randomToken(8) // "7cvnl5zw"
 */
export function randomToken(length: number, alphabet: string = LOWER_ALPHANUMERIC): string {
  const values = crypto.getRandomValues(new Uint8Array(length));
  let token = "";
  for (const value of values) token += alphabet[value % alphabet.length];
  return token;
}
