import { type Partitioner, type PluginContext, definePlugin } from '@tributary/plugins-api';
import { BUILTIN_PLUGIN_VERSION, BUILTIN_API_VERSION } from '../version';
import { partitionForKey } from './murmur2';
import { StickyPartitionCache } from './sticky-partition-cache';

/**
 * Kafka's built-in producer partitioning:
 * - a keyed record goes to `toPositive(murmur2(key)) % partitionCount`, over
 *   all partitions, available or not (so a key always lands in the same
 *   place, as in the Java client);
 * - a keyless record (or every record with `partitioner.ignore.keys=true`)
 *   goes to the topic's sticky partition, which changes only at a new batch
 *   (`onNewBatch`), to a random other available partition (KIP-480/794).
 */
export function createDefaultPartitioner(context: Pick<PluginContext, 'prng'>, ignoreKeys = false): Partitioner {
  const sticky = new StickyPartitionCache(context.prng);
  return {
    partition(record, cluster) {
      if (record.key === null || ignoreKeys) return sticky.partition(record.topic, cluster);
      return partitionForKey(record.key, cluster.partitionCount);
    },
    onNewBatch(topic, cluster, prevPartition) {
      sticky.nextPartition(topic, cluster, prevPartition);
    },
  };
}

/** `partitioner.class=default` (or unset): Kafka's DefaultPartitioner / built-in partitioner. */
export const defaultPartitionerPlugin = definePlugin({
  kind: 'partitioner',
  name: 'default',
  version: BUILTIN_PLUGIN_VERSION,
  apiVersion: BUILTIN_API_VERSION,
  description: "Kafka's default: murmur2 of the key, uniform sticky for keyless records (partitioner.ignore.keys=true makes every record sticky).",
  create: (context) => createDefaultPartitioner(context, context.config['partitioner.ignore.keys'] === 'true'),
});

/** Kafka's UniformStickyPartitioner: sticky for every record, keys ignored. */
export const uniformStickyPartitionerPlugin = definePlugin({
  kind: 'partitioner',
  name: 'uniform-sticky',
  version: BUILTIN_PLUGIN_VERSION,
  apiVersion: BUILTIN_API_VERSION,
  description: 'Sticky partitioning for every record, ignoring keys.',
  create: (context) => createDefaultPartitioner(context, true),
});
