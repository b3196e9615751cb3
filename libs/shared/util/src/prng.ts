/** A seeded pseudo-random source. Pure cores receive one instead of calling Math.random. */
export interface Prng {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] inclusive. */
  intBetween(min: number, max: number): number;
}

/** Creates a deterministic PRNG (mulberry32) from a 32-bit seed. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    intBetween: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}
