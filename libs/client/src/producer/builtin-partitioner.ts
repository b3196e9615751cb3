import type { Prng } from '@tributary/util';

/** Kafka's murmur2 (Utils.murmur2), so keyed records land on the same partitions as with Kafka's clients. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) {
    h ^= data[tail];
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's default for keyed records: `toPositive(murmur2(key)) % partitionCount`. */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

interface StickyState {
  partition: number;
  producedBytes: number;
}

/**
 * Kafka's built-in uniform sticky partitioning (KIP-794) for records without a
 * key: every record of a topic goes to one partition until about batch.size
 * bytes were produced to it, then another partition is drawn at random among
 * those with a leader.
 */
export class UniformStickyPartitioner {
  private readonly sticky = new Map<string, StickyState>();

  constructor(
    private readonly batchSizeBytes: number,
    private readonly prng: Prng,
  ) {}

  /** The current sticky partition of `topic`, drawing one if there is none or it lost its leader. */
  partition(topic: string, partitionCount: number, availablePartitions: readonly number[]): number {
    const state = this.sticky.get(topic);
    const usable = (p: number): boolean => p < partitionCount && (availablePartitions.length === 0 || availablePartitions.includes(p));
    if (state && usable(state.partition)) return state.partition;
    const partition = this.draw(partitionCount, availablePartitions, state?.partition);
    this.sticky.set(topic, { partition, producedBytes: 0 });
    return partition;
  }

  /** Counts `bytes` appended to `partition`; switches partitions once batch.size bytes went to it. */
  recordAppended(topic: string, partition: number, bytes: number, partitionCount: number, availablePartitions: readonly number[]): void {
    const state = this.sticky.get(topic);
    if (!state || state.partition !== partition) return;
    state.producedBytes += bytes;
    if (state.producedBytes >= this.batchSizeBytes) {
      this.sticky.set(topic, { partition: this.draw(partitionCount, availablePartitions, partition), producedBytes: 0 });
    }
  }

  private draw(partitionCount: number, available: readonly number[], previous: number | undefined): number {
    const pool = available.length > 0 ? available : Array.from({ length: partitionCount }, (_, i) => i);
    const candidates = pool.length > 1 && previous !== undefined ? pool.filter((p) => p !== previous) : pool;
    return candidates[this.prng.intBetween(0, candidates.length - 1)];
  }
}
