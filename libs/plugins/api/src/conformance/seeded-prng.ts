import type { PluginPrng } from '../context';

/**
 * A small deterministic PRNG (mulberry32) for the conformance kit and for
 * plugin authors' tests. Not cryptographic. Same seed, same sequence.
 */
export function createSeededPrng(seed: number): PluginPrng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, intBetween: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

/** Helpers the generators share: pick, chance, bytes. */
export class Gen {
  private readonly prng: PluginPrng;

  constructor(seed: number) {
    this.prng = createSeededPrng(seed);
  }

  float(): number {
    return this.prng.next();
  }

  int(min: number, max: number): number {
    return this.prng.intBetween(min, max);
  }

  chance(probability: number): boolean {
    return this.prng.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  bytes(maxLength: number): Uint8Array {
    const out = new Uint8Array(this.int(0, maxLength));
    for (let i = 0; i < out.length; i++) out[i] = this.int(0, 255);
    return out;
  }

  /** A random subset of `items`, in their original order. */
  subset<T>(items: readonly T[], probability = 0.5): T[] {
    return items.filter(() => this.chance(probability));
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}
