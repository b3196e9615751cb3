import type { ConfigResourceType } from '../records/metadata-record';
import { applyRecords, type MetadataLogEntry } from './apply';
import type { BrokerRegistration, ClusterImage, PartitionImage, TopicImage } from './cluster-image';
import type { ImmutableMap } from './immutable-map';

export interface PartitionChange {
  readonly topicId: string;
  readonly topicName: string;
  readonly partitionId: number;
  /** undefined for a new partition (of a new topic, or added by createPartitions). */
  readonly before: PartitionImage | undefined;
  readonly after: PartitionImage;
}

export interface ConfigChange {
  readonly resourceType: ConfigResourceType;
  readonly resourceName: string;
  readonly name: string;
  /** undefined when the config was not set before / is deleted after. */
  readonly before: string | undefined;
  readonly after: string | undefined;
}

export interface BrokerChange {
  readonly brokerId: number;
  readonly before: BrokerRegistration | undefined;
  readonly after: BrokerRegistration | undefined;
}

export interface FeatureChange {
  readonly name: string;
  readonly before: number | undefined;
  readonly after: number | undefined;
}

/**
 * What changed between two images, for the broker to react to: create logs
 * for `topicsCreated` and new partitions, delete logs of `topicsDeleted`,
 * become leader/follower on `partitionsChanged`, apply `configsChanged` live.
 *
 * Topics are matched by id, so a topic deleted and re-created under the same
 * name shows up in both lists; handle deletions first. Partitions of deleted
 * topics are not listed as changed; partitions of created topics are (with
 * `before` undefined). Every list is sorted (topics by name, partitions by
 * topic name then id, configs by resource then name), so deltas are deterministic.
 */
export interface MetadataDelta {
  readonly before: ClusterImage;
  readonly after: ClusterImage;
  readonly topicsCreated: readonly TopicImage[];
  readonly topicsDeleted: readonly TopicImage[];
  readonly partitionsChanged: readonly PartitionChange[];
  readonly configsChanged: readonly ConfigChange[];
  readonly brokersChanged: readonly BrokerChange[];
  readonly featuresChanged: readonly FeatureChange[];
  /** Set when a producer-id block was handed out. */
  readonly nextProducerIdChanged: { readonly before: number; readonly after: number } | null;
}

/** Applies a batch of records and returns the new image with what changed. */
export function applyBatch(image: ClusterImage, entries: Iterable<MetadataLogEntry>): MetadataDelta {
  return diffImages(image, applyRecords(image, entries));
}

/** True when the delta changes nothing but the log position. */
export function isEmptyDelta(delta: MetadataDelta): boolean {
  return (
    delta.topicsCreated.length === 0 &&
    delta.topicsDeleted.length === 0 &&
    delta.partitionsChanged.length === 0 &&
    delta.configsChanged.length === 0 &&
    delta.brokersChanged.length === 0 &&
    delta.featuresChanged.length === 0 &&
    delta.nextProducerIdChanged === null
  );
}

/**
 * Compares two images. Images share unchanged parts, so this compares
 * references and only looks inside what was replaced: O(topics + changes).
 */
export function diffImages(before: ClusterImage, after: ClusterImage): MetadataDelta {
  const topicsCreated: TopicImage[] = [];
  const topicsDeleted: TopicImage[] = [];
  const partitionsChanged: PartitionChange[] = [];
  if (before.topicsById !== after.topicsById) {
    for (const [id, topic] of before.topicsById) if (!after.topicsById.has(id)) topicsDeleted.push(topic);
    for (const [id, topic] of after.topicsById) {
      const old = before.topicsById.get(id);
      if (old === topic) continue;
      if (!old) topicsCreated.push(topic);
      topic.partitions.forEach((partition, partitionId) => {
        const previous = old?.partitions[partitionId];
        if (previous !== partition) partitionsChanged.push({ topicId: id, topicName: topic.name, partitionId, before: previous, after: partition });
      });
    }
  }
  topicsCreated.sort(byKey((t) => t.name));
  topicsDeleted.sort(byKey((t) => t.name));
  partitionsChanged.sort((a, b) => compare(a.topicName, b.topicName) || a.partitionId - b.partitionId);

  const configsChanged = [
    ...diffConfigs('TOPIC', before.topicConfigs, after.topicConfigs),
    ...diffConfigs('BROKER', before.brokerConfigs, after.brokerConfigs),
  ];

  const brokersChanged = diffMaps(before.brokers, after.brokers, sameRegistration)
    .map(([brokerId, b, a]) => ({ brokerId, before: b, after: a }))
    .sort((x, y) => x.brokerId - y.brokerId);
  const featuresChanged = diffMaps(before.features, after.features)
    .map(([name, b, a]) => ({ name, before: b, after: a }))
    .sort(byKey((f) => f.name));

  return {
    before,
    after,
    topicsCreated,
    topicsDeleted,
    partitionsChanged,
    configsChanged,
    brokersChanged,
    featuresChanged,
    nextProducerIdChanged: before.nextProducerId === after.nextProducerId ? null : { before: before.nextProducerId, after: after.nextProducerId },
  };
}

function diffConfigs(
  resourceType: ConfigResourceType,
  before: ImmutableMap<string, ImmutableMap<string, string>>,
  after: ImmutableMap<string, ImmutableMap<string, string>>,
): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const [resourceName, b, a] of diffMaps(before, after)) {
    for (const [name, valueBefore, valueAfter] of diffMaps(b, a)) {
      changes.push({ resourceType, resourceName, name, before: valueBefore, after: valueAfter });
    }
  }
  return changes.sort((x, y) => compare(x.resourceName, y.resourceName) || compare(x.name, y.name));
}

/** [key, before, after] for every key whose value differs (by reference unless `same` says otherwise). */
function diffMaps<K, V>(
  before: ImmutableMap<K, V> | undefined,
  after: ImmutableMap<K, V> | undefined,
  same: (a: V, b: V) => boolean = (a, b) => a === b,
): [K, V | undefined, V | undefined][] {
  if (before === after) return [];
  const out: [K, V | undefined, V | undefined][] = [];
  if (before) for (const [k, v] of before) if (!after?.has(k)) out.push([k, v, undefined]);
  if (after) {
    for (const [k, v] of after) {
      const old = before?.get(k);
      if (old === undefined || !same(old, v)) out.push([k, old, v]);
    }
  }
  return out;
}

/** Registrations are small and may be fenced and unfenced again within one delta, so compare their values. */
function sameRegistration(a: BrokerRegistration, b: BrokerRegistration): boolean {
  return (
    a === b ||
    (a.brokerEpoch === b.brokerEpoch &&
      a.fenced === b.fenced &&
      a.incarnationId === b.incarnationId &&
      a.rack === b.rack &&
      JSON.stringify(a.endpoints) === JSON.stringify(b.endpoints))
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => compare(key(a), key(b));
}
