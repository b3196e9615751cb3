import type { BrokerEndpoint, ConfigResourceType } from '../records/metadata-record';
import { METADATA_VERSION_FEATURE } from '../records/metadata-record';
import { ImmutableMap } from './immutable-map';

/** One partition's replica state. */
export interface PartitionImage {
  readonly partitionId: number;
  /** Preferred order; the first replica is the preferred leader. */
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly removingReplicas: readonly number[];
  readonly addingReplicas: readonly number[];
  /** A member of the ISR, or NO_LEADER (-1). */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
}

export interface TopicImage {
  readonly name: string;
  readonly topicId: string;
  /** Indexed by partition id: ids are dense, 0..partitions.length - 1. */
  readonly partitions: readonly PartitionImage[];
}

export interface BrokerRegistration {
  readonly brokerId: number;
  readonly incarnationId: string;
  readonly brokerEpoch: number;
  readonly endpoints: readonly BrokerEndpoint[];
  readonly rack: string | null;
  readonly fenced: boolean;
}

/** A config resource: a topic by name, or a broker by id (`''` = the cluster-wide default). */
export interface ConfigResource {
  readonly resourceType: ConfigResourceType;
  readonly resourceName: string;
}

/**
 * The cluster's metadata after applying the log up to `metadataOffset`.
 * Immutable: every change makes a new image that shares what did not change.
 */
export interface ClusterImage {
  /** Log offset of the last applied record; -1 for the empty image. */
  readonly metadataOffset: number;
  /** Epoch of the batch holding that record; -1 for the empty image. */
  readonly metadataEpoch: number;
  /** Finalized feature levels by name, e.g. `metadata.version`. */
  readonly features: ImmutableMap<string, number>;
  readonly brokers: ImmutableMap<number, BrokerRegistration>;
  readonly topicsByName: ImmutableMap<string, TopicImage>;
  readonly topicsById: ImmutableMap<string, TopicImage>;
  /** Dynamic topic configs by topic name (only explicitly set ones; defaults live in the config lib). */
  readonly topicConfigs: ImmutableMap<string, ImmutableMap<string, string>>;
  /** Dynamic broker configs by broker id as a string, `''` for cluster-wide defaults. */
  readonly brokerConfigs: ImmutableMap<string, ImmutableMap<string, string>>;
  /** First producer id of the next block the controller hands out. */
  readonly nextProducerId: number;
}

export const EMPTY_CLUSTER_IMAGE: ClusterImage = Object.freeze({
  metadataOffset: -1,
  metadataEpoch: -1,
  features: ImmutableMap.empty<string, number>(),
  brokers: ImmutableMap.empty<number, BrokerRegistration>(),
  topicsByName: ImmutableMap.empty<string, TopicImage>(),
  topicsById: ImmutableMap.empty<string, TopicImage>(),
  topicConfigs: ImmutableMap.empty<string, ImmutableMap<string, string>>(),
  brokerConfigs: ImmutableMap.empty<string, ImmutableMap<string, string>>(),
  nextProducerId: 0,
});

const NO_CONFIGS = ImmutableMap.empty<string, string>();

/** The dynamic configs set on a resource (empty when none). */
export function configsOf(image: ClusterImage, resource: ConfigResource): ImmutableMap<string, string> {
  const byResource = resource.resourceType === 'TOPIC' ? image.topicConfigs : image.brokerConfigs;
  return byResource.get(resource.resourceName) ?? NO_CONFIGS;
}

/** Ids of registered, unfenced brokers, ascending: the brokers placement may use. */
export function liveBrokerIds(image: ClusterImage): number[] {
  const ids: number[] = [];
  for (const broker of image.brokers.values()) if (!broker.fenced) ids.push(broker.brokerId);
  return ids.sort((a, b) => a - b);
}

export function isBrokerLive(image: ClusterImage, brokerId: number): boolean {
  const broker = image.brokers.get(brokerId);
  return broker !== undefined && !broker.fenced;
}

/** The finalized metadata.version level, or 0 when none is set yet. */
export function metadataVersion(image: ClusterImage): number {
  return image.features.get(METADATA_VERSION_FEATURE) ?? 0;
}

/** The partition, or undefined when the topic or partition does not exist. */
export function partitionOf(image: ClusterImage, topicName: string, partitionId: number): PartitionImage | undefined {
  return image.topicsByName.get(topicName)?.partitions[partitionId];
}

/**
 * A plain, key-sorted rendering of the image (for logs, a describe command and
 * tests): equal images render equal, whatever order records arrived in.
 */
export function imageToPlain(image: ClusterImage): Record<string, unknown> {
  const sortedEntries = <K extends string | number, V, R>(m: ImmutableMap<K, V>, f: (v: V) => R): [K, R][] =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, f(v)]);
  const plainConfigs = (m: ImmutableMap<string, ImmutableMap<string, string>>): Record<string, Record<string, string>> =>
    Object.fromEntries(sortedEntries(m, (c) => Object.fromEntries(sortedEntries(c, (v) => v))));
  return {
    metadataOffset: image.metadataOffset,
    metadataEpoch: image.metadataEpoch,
    features: Object.fromEntries(sortedEntries(image.features, (v) => v)),
    brokers: sortedEntries(image.brokers, (b) => ({ ...b, endpoints: b.endpoints.map((e) => ({ ...e })) })).map(([, b]) => b),
    topics: sortedEntries(image.topicsByName, (t) => ({
      name: t.name,
      topicId: t.topicId,
      partitions: t.partitions.map((p) => ({ ...p, replicas: [...p.replicas], isr: [...p.isr], removingReplicas: [...p.removingReplicas], addingReplicas: [...p.addingReplicas] })),
    })).map(([, t]) => t),
    topicConfigs: plainConfigs(image.topicConfigs),
    brokerConfigs: plainConfigs(image.brokerConfigs),
    nextProducerId: image.nextProducerId,
  };
}
