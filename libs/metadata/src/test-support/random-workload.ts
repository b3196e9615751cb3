import { createPrng, type Prng } from '@tributary/util';
import { fenceBroker, registerBroker, unfenceBroker } from '../controller/broker-registration';
import { ACCEPT_ALL_CONFIGS } from '../controller/controller-result';
import { createPartitions } from '../controller/create-partitions';
import { createTopics } from '../controller/create-topics';
import { deleteTopics } from '../controller/delete-topics';
import { incrementalAlterConfigs } from '../controller/incremental-alter-configs';
import { allocateProducerIds } from '../controller/producer-ids';
import { type ClusterImage, EMPTY_CLUSTER_IMAGE } from '../image/cluster-image';
import { makeRecord, METADATA_VERSION_FEATURE, type MetadataRecord } from '../records/metadata-record';
import { uuidGeneratorFromPrng } from '../records/uuid';
import { brokerRequest, commit, defined, incarnationOf } from './cluster-fixture';

/** A small pool, so creates collide, deletes hit and '.'/'_' collisions happen. */
const TOPIC_NAMES = ['orders', 'payments', 'a.b', 'a_b', 'logs', 'x', 'metrics.cpu', 'metrics_cpu', '__consumer_offsets'];
const CONFIG_NAMES = ['retention.ms', 'cleanup.policy', 'segment.bytes', 'follower.replication.throttled.replicas'];

export interface Workload {
  /** Each controller operation's records, in the order they were committed (each one batch). */
  readonly batches: readonly (readonly MetadataRecord[])[];
  /** The epoch each batch was written with. */
  readonly epochs: readonly number[];
  /** The image after committing every batch one by one. */
  readonly image: ClusterImage;
  /** The image after each batch (index i = after batches[0..i]). */
  readonly images: readonly ClusterImage[];
}

/**
 * Drives the controller functions with a seeded random admin workload —
 * registrations, fencing, topic creates/deletes, partition adds, config
 * changes, producer-id blocks — committing each operation's records as one
 * batch. Everything random comes from the seed, so a seed is a reproducible
 * test case.
 */
export function randomWorkload(seed: number, operations: number): Workload {
  const prng = createPrng(seed);
  const newTopicId = uuidGeneratorFromPrng(createPrng(seed ^ 0x5eed));
  const batches: MetadataRecord[][] = [];
  const epochs: number[] = [];
  const images: ClusterImage[] = [];
  let image = EMPTY_CLUSTER_IMAGE;
  let epoch = 1;
  const generation = new Map<number, number>();
  const push = (records: readonly MetadataRecord[]): void => {
    if (records.length === 0) return;
    if (prng.next() < 0.05) epoch++;
    image = commit(image, records, epoch);
    batches.push([...records]);
    epochs.push(epoch);
    images.push(image);
  };

  push([makeRecord('FeatureLevelRecord', { name: METADATA_VERSION_FEATURE, featureLevel: 1 })]);
  for (const id of [0, 1, 2]) {
    push(registerBroker(image, brokerRequest(id), { writeOffset: image.metadataOffset + 1 }).records);
    push(unfenceBroker(image, defined(image.brokers.get(id))).records);
  }
  for (let i = 0; i < operations; i++) {
    const op = prng.intBetween(0, 11);
    const brokerId = prng.intBetween(0, 4);
    const broker = image.brokers.get(brokerId);
    const topicName = pick(prng, TOPIC_NAMES);
    switch (op) {
      case 0: {
        if (broker && prng.next() < 0.5) break;
        const gen = (generation.get(brokerId) ?? 0) + (prng.next() < 0.3 ? 1 : 0);
        generation.set(brokerId, gen);
        // The controller fences an old incarnation before its successor registers.
        if (broker && broker.incarnationId !== incarnationOf(brokerId, gen)) push(fenceBroker(image, broker).records);
        push(registerBroker(image, brokerRequest(brokerId, incarnationOf(brokerId, gen)), { writeOffset: image.metadataOffset + 1 }).records);
        break;
      }
      case 1:
      case 2:
        if (broker) push((prng.next() < 0.7 ? unfenceBroker : fenceBroker)(image, broker).records);
        break;
      case 3:
      case 4:
      case 5: {
        const replicationFactor = prng.next() < 0.2 ? -1 : prng.intBetween(1, 3);
        const configs = prng.next() < 0.5 ? { [pick(prng, CONFIG_NAMES)]: String(prng.intBetween(1, 9)) } : {};
        const ctx = { defaultNumPartitions: 2, defaultReplicationFactor: 1, validateConfigs: ACCEPT_ALL_CONFIGS, newTopicId, prng };
        push(createTopics(image, { topics: [{ name: topicName, numPartitions: prng.intBetween(1, 5), replicationFactor, configs }] }, ctx).records);
        break;
      }
      case 6:
        push(deleteTopics(image, { topics: [{ name: topicName }] }).records);
        break;
      case 7: {
        const current = image.topicsByName.get(topicName)?.partitions.length ?? 1;
        push(createPartitions(image, { topics: [{ name: topicName, count: current + prng.intBetween(1, 3) }] }, { prng }).records);
        break;
      }
      case 8:
      case 9: {
        const resource =
          prng.next() < 0.7
            ? { resourceType: 'TOPIC' as const, resourceName: topicName }
            : { resourceType: 'BROKER' as const, resourceName: prng.next() < 0.5 ? '' : String(brokerId) };
        const opKind = pick(prng, ['SET', 'DELETE', 'APPEND', 'SUBTRACT'] as const);
        const config = { name: pick(prng, CONFIG_NAMES), op: opKind, value: String(prng.intBetween(1, 4)) };
        const schema = { isList: (_t: string, name: string) => name.endsWith('replicas') || name === 'cleanup.policy' };
        push(incrementalAlterConfigs(image, { resources: [{ ...resource, configs: [config] }] }, { validateConfigs: ACCEPT_ALL_CONFIGS, configSchema: schema }).records);
        break;
      }
      default:
        if (broker) push(allocateProducerIds(image, broker).records);
    }
  }
  return { batches, epochs, image, images };
}

function pick<T>(prng: Prng, items: readonly T[]): T {
  return items[prng.intBetween(0, items.length - 1)];
}
