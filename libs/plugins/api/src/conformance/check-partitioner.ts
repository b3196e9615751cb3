import type { PluginDefinition } from '../define-plugin';
import type { Partitioner, PartitionerCluster, PartitionerRecord } from '../partitioner';
import { type ConformanceViolation, ViolationCollector } from '../validation/violation';
import { deepClone, deepEqual, errorMessage, show } from './deep';
import { type ConformanceOptions, instantiate } from './options';
import { Gen } from './seeded-prng';

export interface PartitionerConformanceOptions extends ConformanceOptions {
  /**
   * Also require key affinity: records with the same non-null key and the same
   * partition count always go to the same partition (true of hash
   * partitioners like Kafka's default; false of round-robin). Default false.
   */
  readonly keyAffinity?: boolean;
}

/**
 * Runs a partitioner through a generated sequence of sends and new-batch
 * events on two instances created with the same seed, and reports:
 * - `range`: a result that is not an integer in [0, partitionCount);
 * - `null-key` / `no-throw`: a throw (keyless records, empty keys, no available partitions included);
 * - `no-mutation`: a record or cluster view changed by the call;
 * - `determinism`: the two instances disagree;
 * - `key-affinity` (opt-in): the same key moved between partitions.
 */
export function checkPartitioner(
  plugin: PluginDefinition<'partitioner'>,
  options: PartitionerConformanceOptions = {},
): ConformanceViolation[] {
  const violations = new ViolationCollector();
  const a = instantiate(plugin, 'partitioner', options, violations);
  const b = instantiate(plugin, 'partitioner', options, violations);
  if (!a || !b) return violations.list();

  const seed = options.seed ?? 1;
  const gen = new Gen(seed ^ 0x5eed_1234);
  const topics = [
    { name: 'orders', partitionCount: gen.int(2, 12) },
    { name: 'clicks', partitionCount: gen.int(1, 12) },
    { name: 'single', partitionCount: 1 },
  ];
  const keys = [new Uint8Array(0), ...Array.from({ length: 12 }, () => gen.bytes(24))];
  const lastPartition = new Map<string, number>();
  const keyHomes = new Map<string, number>();
  const cases = options.cases ?? 1000;

  for (let i = 0; i < cases; i++) {
    const topic = gen.pick(topics);
    const cluster = randomCluster(gen, topic.partitionCount);
    const record: PartitionerRecord = {
      topic: topic.name,
      key: gen.chance(0.35) ? null : new Uint8Array(gen.pick(keys)),
      value: gen.chance(0.1) ? null : gen.bytes(32),
      headers: gen.chance(0.3) ? [{ key: 'trace', value: gen.bytes(4) }, { key: 'empty', value: null }] : [],
    };
    const where = `case ${i} (seed ${seed}): ${show({ record, cluster })}`;

    const prev = lastPartition.get(topic.name);
    if (prev !== undefined && gen.chance(0.2)) {
      newBatch(a, topic.name, cluster, prev, violations, where);
      newBatch(b, topic.name, cluster, prev, violations, where);
    }
    const ra = callPartition(a, record, cluster, violations, where);
    const rb = callPartition(b, record, cluster, violations, where);
    if (ra === undefined) continue;
    if (!Number.isInteger(ra) || ra < 0 || ra >= cluster.partitionCount) {
      violations.add('range', `partition() returned ${show(ra)}, not an integer in [0, ${cluster.partitionCount}); ${where}`);
      continue;
    }
    if (rb !== undefined && ra !== rb) {
      violations.add('determinism', `two instances with the same seed chose ${ra} and ${rb}; ${where}`);
    }
    lastPartition.set(topic.name, ra);
    if (options.keyAffinity && record.key !== null) {
      const homeKey = `${topic.name}/${topic.partitionCount}/${show(record.key)}`;
      const home = keyHomes.get(homeKey);
      if (home === undefined) keyHomes.set(homeKey, ra);
      else if (home !== ra) violations.add('key-affinity', `key ${show(record.key)} went to ${home} earlier and now to ${ra}; ${where}`);
    }
  }
  return violations.list();
}

function randomCluster(gen: Gen, partitionCount: number): PartitionerCluster {
  const all = Array.from({ length: partitionCount }, (_, p) => p);
  const roll = gen.float();
  const availablePartitions = roll < 0.6 ? all : roll < 0.9 ? gen.subset(all, 0.6) : [];
  return { partitionCount, availablePartitions };
}

function callPartition(
  partitioner: Partitioner,
  record: PartitionerRecord,
  cluster: PartitionerCluster,
  violations: ViolationCollector,
  where: string,
): number | undefined {
  const recordCopy = deepClone(record);
  const clusterCopy = deepClone(cluster);
  try {
    const result = partitioner.partition(recordCopy, clusterCopy);
    if (!deepEqual(recordCopy, record) || !deepEqual(clusterCopy, cluster)) {
      violations.add('no-mutation', `partition() mutated its arguments; ${where}`);
    }
    return result;
  } catch (error) {
    violations.add(record.key === null ? 'null-key' : 'no-throw', `partition() threw ${errorMessage(error)}; ${where}`);
    return undefined;
  }
}

function newBatch(
  partitioner: Partitioner,
  topic: string,
  cluster: PartitionerCluster,
  prevPartition: number,
  violations: ViolationCollector,
  where: string,
): void {
  if (!partitioner.onNewBatch) return;
  const clusterCopy = deepClone(cluster);
  try {
    partitioner.onNewBatch(topic, clusterCopy, prevPartition);
    if (!deepEqual(clusterCopy, cluster)) violations.add('no-mutation', `onNewBatch() mutated the cluster view; ${where}`);
  } catch (error) {
    violations.add('no-throw', `onNewBatch(${prevPartition}) threw ${errorMessage(error)}; ${where}`);
  }
}
