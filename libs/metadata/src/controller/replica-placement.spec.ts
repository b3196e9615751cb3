import { AssertionError, createPrng } from '@tributary/util';
import fc from 'fast-check';
import { placeReplicas } from './replica-placement';

const placementCase = fc
  .integer({ min: 1, max: 12 })
  .chain((n) =>
    fc.record({
      brokers: fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: n, maxLength: n }).map((ids) => ids.sort((a, b) => a - b)),
      replicationFactor: fc.integer({ min: 1, max: n }),
      numPartitions: fc.integer({ min: 1, max: 60 }),
      startPartitionId: fc.integer({ min: 0, max: 30 }),
      seed: fc.integer(),
    }),
  );

describe('placeReplicas', () => {
  it('gives every partition replicationFactor distinct live brokers (property)', () => {
    fc.assert(
      fc.property(placementCase, ({ brokers, replicationFactor, numPartitions, startPartitionId, seed }) => {
        const placements = placeReplicas(brokers, startPartitionId, numPartitions, replicationFactor, createPrng(seed));
        expect(placements).toHaveLength(numPartitions);
        for (const replicas of placements) {
          expect(replicas).toHaveLength(replicationFactor);
          expect(new Set(replicas).size).toBe(replicationFactor);
          for (const id of replicas) expect(brokers).toContain(id);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('spreads leaders evenly: leader counts differ by at most one (property)', () => {
    fc.assert(
      fc.property(placementCase, ({ brokers, replicationFactor, numPartitions, startPartitionId, seed }) => {
        const leaders = new Map<number, number>(brokers.map((b) => [b, 0]));
        for (const [leader] of placeReplicas(brokers, startPartitionId, numPartitions, replicationFactor, createPrng(seed))) {
          leaders.set(leader, (leaders.get(leader) ?? 0) + 1);
        }
        const counts = [...leaders.values()];
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 150 },
    );
  });

  it('spreads all replicas evenly over whole rounds of brokers (property)', () => {
    fc.assert(
      fc.property(placementCase, fc.integer({ min: 1, max: 5 }), ({ brokers, replicationFactor, seed }, rounds) => {
        const numPartitions = rounds * brokers.length;
        const load = new Map<number, number>();
        for (const replicas of placeReplicas(brokers, 0, numPartitions, replicationFactor, createPrng(seed))) {
          for (const id of replicas) load.set(id, (load.get(id) ?? 0) + 1);
        }
        for (const id of brokers) expect(load.get(id)).toBe(rounds * replicationFactor);
      }),
      { numRuns: 100 },
    );
  });

  it('is deterministic for a seed, and the random start moves with the seed', () => {
    const brokers = [1, 2, 3, 4, 5];
    expect(placeReplicas(brokers, 0, 10, 3, createPrng(9))).toEqual(placeReplicas(brokers, 0, 10, 3, createPrng(9)));
    const firstLeaders = new Set(Array.from({ length: 50 }, (_, seed) => placeReplicas(brokers, 0, 1, 1, createPrng(seed))[0][0]));
    expect(firstLeaders.size).toBe(brokers.length);
  });

  it('asserts on a replication factor the brokers cannot hold', () => {
    expect(() => placeReplicas([1, 2], 0, 1, 3, createPrng(1))).toThrow(AssertionError);
    expect(() => placeReplicas([1, 2], 0, 1, 0, createPrng(1))).toThrow(AssertionError);
  });
});
