import { assert, type Prng } from '@tributary/util';

/**
 * Kafka's rack-unaware replica assignment (AdminUtils.assignReplicasToBrokers):
 * the first replica of partition p goes to broker (p + start) mod n, so
 * leaders go round-robin from a random start; each further replica is shifted
 * from the first by 1 + (shift + j) mod (n - 1), and the shift moves on every n
 * partitions so followers spread too. Every partition gets `replicationFactor`
 * distinct brokers; within one call leader counts differ by at most one.
 *
 * @param brokerIds the live brokers, ascending (the order is part of the placement)
 * @param startPartitionId id of the first new partition (0 for a new topic)
 * @param prng where the random start and shift come from
 * @returns the replica lists, the leader first, for partitions startPartitionId..+numPartitions-1
 */
export function placeReplicas(
  brokerIds: readonly number[],
  startPartitionId: number,
  numPartitions: number,
  replicationFactor: number,
  prng: Prng,
): number[][] {
  const n = brokerIds.length;
  assert(replicationFactor >= 1 && replicationFactor <= n, () => `replication factor ${replicationFactor} with ${n} live brokers`);
  assert(Number.isInteger(numPartitions) && numPartitions >= 0 && Number.isInteger(startPartitionId) && startPartitionId >= 0, 'bad partition range');
  const startIndex = prng.intBetween(0, n - 1);
  let replicaShift = prng.intBetween(0, n - 1);
  const placements: number[][] = [];
  for (let partitionId = startPartitionId; partitionId < startPartitionId + numPartitions; partitionId++) {
    if (partitionId > 0 && partitionId % n === 0) replicaShift++;
    const first = (partitionId + startIndex) % n;
    const replicas = [brokerIds[first]];
    for (let j = 0; j < replicationFactor - 1; j++) {
      const shift = 1 + ((replicaShift + j) % (n - 1));
      replicas.push(brokerIds[(first + shift) % n]);
    }
    placements.push(replicas);
  }
  return placements;
}
