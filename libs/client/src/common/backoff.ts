import type { Prng } from '@tributary/util';

/** Jitter of every client backoff, as Kafka's ExponentialBackoff (±20%). */
export const BACKOFF_JITTER = 0.2;

/**
 * Kafka's exponential backoff (KIP-580): `baseMs * 2^attempt` capped at
 * `maxMs`, times a random factor in [1 - jitter, 1 + jitter). `attempt` counts
 * from 0 for the first retry.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, prng: Prng, jitter = BACKOFF_JITTER): number {
  const cap = Math.max(baseMs, maxMs);
  const term = Math.min(cap, baseMs * 2 ** Math.min(attempt, 52));
  const factor = jitter > 0 ? 1 - jitter + prng.next() * 2 * jitter : 1;
  return Math.round(term * factor);
}
