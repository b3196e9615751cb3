import { checkPartitioner, createSeededPrng, createTestContext, type PartitionerCluster } from '@tributary/plugins-api';
import { createDefaultPartitioner, defaultPartitionerPlugin, uniformStickyPartitionerPlugin } from './default-partitioner';
import { partitionForKey } from './murmur2';
import { createRoundRobinPartitioner, roundRobinPartitionerPlugin } from './round-robin-partitioner';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const all = (n: number): PartitionerCluster => ({ partitionCount: n, availablePartitions: Array.from({ length: n }, (_, p) => p) });
const keyless = (topic = 't') => ({ topic, key: null, value: utf8('v'), headers: [] });

describe('default partitioner', () => {
  it('puts keyed records where the Java client does, over all partitions even if some are unavailable', () => {
    const partitioner = createDefaultPartitioner({ prng: createSeededPrng(1) });
    const cluster = { partitionCount: 10, availablePartitions: [1, 2] };
    expect(partitioner.partition({ topic: 't', key: utf8('foobar'), value: null, headers: [] }, cluster)).toBe(6);
    expect(partitioner.partition({ topic: 't', key: utf8('21'), value: null, headers: [] }, cluster)).toBe(0);
    expect(partitioner.partition({ topic: 't', key: new Uint8Array(0), value: null, headers: [] }, cluster)).toBe(partitionForKey(new Uint8Array(0), 10));
  });

  it('sticks keyless records to one partition until a new batch on that partition', () => {
    const partitioner = createDefaultPartitioner({ prng: createSeededPrng(7) });
    const cluster = all(6);
    const first = partitioner.partition(keyless(), cluster);
    for (let i = 0; i < 20; i++) expect(partitioner.partition(keyless(), cluster)).toBe(first);
    // A new batch signal for another partition (a stale one) changes nothing.
    partitioner.onNewBatch?.('t', cluster, (first + 1) % 6);
    expect(partitioner.partition(keyless(), cluster)).toBe(first);
    // A new batch on the sticky partition moves to a different available one.
    partitioner.onNewBatch?.('t', cluster, first);
    const second = partitioner.partition(keyless(), cluster);
    expect(second).not.toBe(first);
    // Topics are independent.
    expect(partitioner.partition(keyless('other'), cluster)).toBeGreaterThanOrEqual(0);
    expect(partitioner.partition(keyless(), cluster)).toBe(second);
  });

  it('chooses among available partitions, or any partition when none is available', () => {
    const partitioner = createDefaultPartitioner({ prng: createSeededPrng(3) });
    const cluster = { partitionCount: 8, availablePartitions: [2, 5] };
    let current = partitioner.partition(keyless(), cluster);
    for (let i = 0; i < 50; i++) {
      expect([2, 5]).toContain(current);
      partitioner.onNewBatch?.('t', cluster, current);
      const next = partitioner.partition(keyless(), cluster);
      expect(next).not.toBe(current);
      current = next;
    }
    partitioner.onNewBatch?.('t', { partitionCount: 8, availablePartitions: [4] }, current);
    expect(partitioner.partition(keyless(), cluster)).toBe(4);
    const none = { partitionCount: 3, availablePartitions: [] };
    partitioner.onNewBatch?.('t', none, 4);
    expect(partitioner.partition(keyless(), none)).toBeLessThan(3);
  });

  it('spreads batches uniformly over time and is reproducible from the seed', () => {
    const run = (seed: number): number[] => {
      const partitioner = createDefaultPartitioner({ prng: createSeededPrng(seed) });
      const counts = new Array(4).fill(0);
      for (let batch = 0; batch < 4000; batch++) {
        const p = partitioner.partition(keyless(), all(4));
        counts[p]++;
        partitioner.onNewBatch?.('t', all(4), p);
      }
      return counts;
    };
    const counts = run(11);
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect(run(11)).toEqual(counts);
  });

  it('ignores keys with partitioner.ignore.keys=true and as uniform-sticky', () => {
    const ignoring = defaultPartitionerPlugin.create(createTestContext({ config: { 'partitioner.ignore.keys': 'true' } }));
    const keyed = (k: string) => ({ topic: 't', key: utf8(k), value: null, headers: [] });
    const p = ignoring.partition(keyed('a'), all(50));
    expect(ignoring.partition(keyed('b'), all(50))).toBe(p);
    const sticky = uniformStickyPartitionerPlugin.create(createTestContext());
    expect(sticky.partition(keyed('x'), all(50))).toBe(sticky.partition(keyed('y'), all(50)));
  });

  it.each([1, 2, 3, 99])('passes the conformance kit with key affinity (seed %i)', (seed) => {
    expect(checkPartitioner(defaultPartitionerPlugin, { seed, keyAffinity: true })).toEqual([]);
    expect(checkPartitioner(uniformStickyPartitionerPlugin, { seed })).toEqual([]);
  });
});

describe('round-robin partitioner', () => {
  it('cycles through the available partitions, keys ignored', () => {
    const partitioner = createRoundRobinPartitioner();
    const cluster = { partitionCount: 6, availablePartitions: [1, 3, 4] };
    const seen = Array.from({ length: 7 }, (_, i) => partitioner.partition({ topic: 't', key: utf8(`k${i}`), value: null, headers: [] }, cluster));
    expect(seen).toEqual([1, 3, 4, 1, 3, 4, 1]);
    expect(partitioner.partition(keyless('other'), { partitionCount: 2, availablePartitions: [] })).toBe(0);
    expect(partitioner.partition(keyless('other'), { partitionCount: 2, availablePartitions: [] })).toBe(1);
  });

  it('hands the re-partitioned record of a new batch its first choice again, so no partition is skipped (KAFKA-9965)', () => {
    const partitioner = createRoundRobinPartitioner();
    const cluster = all(3);
    const sent: number[] = [];
    for (let i = 0; i < 6; i++) {
      const p = partitioner.partition(keyless(), cluster);
      if (i % 2 === 0) {
        // The producer's new-batch path: onNewBatch, then partition() again for the same record.
        partitioner.onNewBatch?.('t', cluster, p);
        sent.push(partitioner.partition(keyless(), cluster));
      } else {
        sent.push(p);
      }
    }
    expect(sent).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it.each([1, 2, 3])('passes the conformance kit (seed %i)', (seed) => {
    expect(checkPartitioner(roundRobinPartitionerPlugin, { seed })).toEqual([]);
  });
});
