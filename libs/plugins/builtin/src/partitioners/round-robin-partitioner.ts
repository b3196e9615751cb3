import { type Partitioner, definePlugin } from '@tributary/plugins-api';
import { BUILTIN_API_VERSION, BUILTIN_PLUGIN_VERSION } from '../version';
import { toPositive } from './murmur2';

/**
 * Kafka's RoundRobinPartitioner: a per-topic counter walks the available
 * partitions (all partitions when none is available), keys ignored. Because
 * the producer calls `partition` again for the record that triggered
 * `onNewBatch`, the partition that record was first given is queued and
 * handed back on that second call, so no partition is skipped (KAFKA-9965).
 */
export function createRoundRobinPartitioner(): Partitioner {
  const counters = new Map<string, number>();
  const requeued = new Map<string, number[]>();
  return {
    partition(record, cluster) {
      const queue = requeued.get(record.topic);
      const again = queue?.shift();
      if (again !== undefined && again < cluster.partitionCount) return again;
      const next = counters.get(record.topic) ?? 0;
      counters.set(record.topic, (next + 1) | 0);
      const available = cluster.availablePartitions;
      if (available.length > 0) return available[toPositive(next) % available.length];
      return toPositive(next) % cluster.partitionCount;
    },
    onNewBatch(topic, _cluster, prevPartition) {
      const queue = requeued.get(topic) ?? [];
      queue.push(prevPartition);
      requeued.set(topic, queue);
    },
  };
}

export const roundRobinPartitionerPlugin = definePlugin({
  kind: 'partitioner',
  name: 'round-robin',
  version: BUILTIN_PLUGIN_VERSION,
  apiVersion: BUILTIN_API_VERSION,
  description: "Kafka's RoundRobinPartitioner: cycles through the available partitions, keys ignored.",
  create: () => createRoundRobinPartitioner(),
});
