import { assert, createPrng } from '@tributary/util';
import { registerBroker, type SupportedFeature, unfenceBroker } from '../controller/broker-registration';
import { ACCEPT_ALL_CONFIGS } from '../controller/controller-result';
import { createTopics, type CreateTopicsContext } from '../controller/create-topics';
import { applyRecords, type MetadataLogEntry } from '../image/apply';
import { type ClusterImage, EMPTY_CLUSTER_IMAGE } from '../image/cluster-image';
import { makeRecord, METADATA_VERSION_FEATURE, type MetadataRecord, SecurityProtocol } from '../records/metadata-record';
import { uuidGeneratorFromPrng } from '../records/uuid';

export const TEST_FEATURES: readonly SupportedFeature[] = [{ name: METADATA_VERSION_FEATURE, minSupportedVersion: 1, maxSupportedVersion: 10 }];

/** Log entries for `records` at the offsets right after the image's, in one batch of `epoch`. */
export function entriesAfter(image: ClusterImage, records: readonly MetadataRecord[], epoch = Math.max(image.metadataEpoch, 1)): MetadataLogEntry[] {
  return records.map((record, i) => ({ offset: image.metadataOffset + 1 + i, epoch, record }));
}

/** Applies `records` as if appended right after the image's last offset. */
export function commit(image: ClusterImage, records: readonly MetadataRecord[], epoch?: number): ClusterImage {
  return applyRecords(image, entriesAfter(image, records, epoch));
}

/** A registration request for broker `id` with one PLAINTEXT listener. */
export function brokerRequest(id: number, incarnationId = incarnationOf(id), rack: string | null = null) {
  return {
    brokerId: id,
    incarnationId,
    endpoints: [{ name: 'PLAINTEXT', host: `broker-${id}.local`, port: 9290 + id, securityProtocol: SecurityProtocol.PLAINTEXT }],
    rack,
    features: TEST_FEATURES,
  };
}

export function incarnationOf(id: number, generation = 0): string {
  return `00000000-0000-4000-8000-${(id * 1000 + generation).toString(16).padStart(12, '0')}`;
}

/** An image with metadata.version 1 and the given brokers registered (through the controller) and unfenced unless listed in `fenced`. */
export function clusterWithBrokers(ids: readonly number[], fenced: readonly number[] = []): ClusterImage {
  let image = commit(EMPTY_CLUSTER_IMAGE, [makeRecord('FeatureLevelRecord', { name: METADATA_VERSION_FEATURE, featureLevel: 1 })]);
  for (const id of ids) {
    const registered = registerBroker(image, brokerRequest(id), { writeOffset: image.metadataOffset + 1 });
    assert(registered.results.errorCode === 0, () => `registration failed: ${registered.results.errorMessage}`);
    image = commit(image, registered.records);
    if (!fenced.includes(id)) {
      image = commit(image, unfenceBroker(image, { brokerId: id, brokerEpoch: registered.results.brokerEpoch }).records);
    }
  }
  return image;
}

/** A createTopics context with deterministic ids and placement, defaults 1/1, accepting every config. */
export function topicsContext(seed = 1, overrides: Partial<CreateTopicsContext> = {}): CreateTopicsContext {
  return {
    defaultNumPartitions: 1,
    defaultReplicationFactor: 1,
    validateConfigs: ACCEPT_ALL_CONFIGS,
    newTopicId: uuidGeneratorFromPrng(createPrng(seed)),
    prng: createPrng(seed + 1),
    ...overrides,
  };
}

/** The image with topic `name` created and committed. */
export function withTopic(image: ClusterImage, name: string, numPartitions: number, replicationFactor: number, configs: Record<string, string> = {}, seed = 7): ClusterImage {
  const result = createTopics(image, { topics: [{ name, numPartitions, replicationFactor, configs }] }, topicsContext(seed));
  assert(result.results[0].errorCode === 0, () => `createTopics failed: ${result.results[0].errorMessage}`);
  return commit(image, result.records);
}

/** `value`, asserted to be there (tests use this instead of `!`). */
export function defined<T>(value: T | undefined | null, what = 'value'): T {
  assert(value !== undefined && value !== null, `${what} is missing`);
  return value;
}
