import { assert, assertNever } from '@tributary/util';
import type {
  BrokerRegistrationChangeRecord,
  ConfigRecord,
  MetadataRecord,
  PartitionChangeRecord,
  PartitionRecord,
  RegisterBrokerRecord,
} from '../records/metadata-record';
import { NO_LEADER, NO_LEADER_CHANGE } from '../records/metadata-record';
import { topicNameError } from '../records/topic-names';
import { isValidTopicId } from '../records/uuid';
import type { BrokerRegistration, ClusterImage, PartitionImage, TopicImage } from './cluster-image';
import { ImmutableMap, MapDraft } from './immutable-map';

/** A record at its place in the metadata log. */
export interface MetadataLogEntry {
  readonly offset: number;
  /** Epoch of the batch (the leader epoch of the metadata log when it was written). */
  readonly epoch: number;
  readonly record: MetadataRecord;
}

const NODE_ENV = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NODE_ENV;
/** Images are deep-frozen except in production, where freezing is skipped for speed. */
const FREEZE_IMAGES = NODE_ENV !== 'production';

function frozen<T extends object>(value: T): T {
  return FREEZE_IMAGES ? Object.freeze(value) : value;
}

const BROKER_CONFIG_NAME = /^(|0|[1-9][0-9]{0,9})$/;

/**
 * Applies one record: a pure function from image to image. A record that
 * contradicts the image (a partition of an unknown topic, a second topic with
 * the same name, a stale broker epoch …) is a bug in whoever wrote the log and
 * fails an assertion; the input image is never changed.
 */
export function applyRecord(image: ClusterImage, entry: MetadataLogEntry): ClusterImage {
  return applyRecords(image, [entry]);
}

/**
 * Applies records in order. Equivalent to folding `applyRecord`, but copies
 * each map of the image at most once per call, so apply whole batches.
 */
export function applyRecords(image: ClusterImage, entries: Iterable<MetadataLogEntry>): ClusterImage {
  const draft = new ImageDraft(image);
  for (const entry of entries) draft.apply(entry);
  return draft.finish();
}

/** Mutable working copy of an image for one batch; `finish` freezes it into the next image. */
class ImageDraft {
  private metadataOffset: number;
  private metadataEpoch: number;
  private nextProducerId: number;
  private readonly features: MapDraft<string, number>;
  private readonly brokers: MapDraft<number, BrokerRegistration>;
  private readonly topicsByName: MapDraft<string, TopicImage>;
  private readonly topicsById: MapDraft<string, TopicImage>;
  private readonly topicConfigs: MapDraft<string, ImmutableMap<string, string>>;
  private readonly brokerConfigs: MapDraft<string, ImmutableMap<string, string>>;
  /** Partition arrays of topics changed in this batch, by topic id, copied on first change. */
  private readonly partitionDrafts = new Map<string, PartitionImage[]>();
  private applied = 0;

  constructor(private readonly base: ClusterImage) {
    this.metadataOffset = base.metadataOffset;
    this.metadataEpoch = base.metadataEpoch;
    this.nextProducerId = base.nextProducerId;
    this.features = new MapDraft(base.features);
    this.brokers = new MapDraft(base.brokers);
    this.topicsByName = new MapDraft(base.topicsByName);
    this.topicsById = new MapDraft(base.topicsById);
    this.topicConfigs = new MapDraft(base.topicConfigs);
    this.brokerConfigs = new MapDraft(base.brokerConfigs);
  }

  apply(entry: MetadataLogEntry): void {
    const { offset, epoch, record } = entry;
    assert(Number.isSafeInteger(offset) && offset > this.metadataOffset, () => `record offset ${offset} does not follow ${this.metadataOffset}`);
    assert(Number.isSafeInteger(epoch) && epoch >= 0 && epoch >= this.metadataEpoch, () => `record epoch ${epoch} is below ${this.metadataEpoch}`);
    this.applyRecord(record);
    this.metadataOffset = offset;
    this.metadataEpoch = epoch;
    this.applied++;
  }

  finish(): ClusterImage {
    if (this.applied === 0) return this.base;
    for (const [topicId, partitions] of this.partitionDrafts) {
      const topic = this.topicsById.get(topicId);
      assert(topic, `draft partitions for missing topic ${topicId}`);
      const next = frozen({ ...topic, partitions: frozen(partitions) });
      this.topicsById.set(topicId, next);
      this.topicsByName.set(topic.name, next);
    }
    this.partitionDrafts.clear();
    return frozen({
      metadataOffset: this.metadataOffset,
      metadataEpoch: this.metadataEpoch,
      features: this.features.finish(),
      brokers: this.brokers.finish(),
      topicsByName: this.topicsByName.finish(),
      topicsById: this.topicsById.finish(),
      topicConfigs: this.topicConfigs.finish(),
      brokerConfigs: this.brokerConfigs.finish(),
      nextProducerId: this.nextProducerId,
    });
  }

  private applyRecord(record: MetadataRecord): void {
    switch (record.type) {
      case 'FeatureLevelRecord':
        assert(record.name.length > 0 && Number.isInteger(record.featureLevel) && record.featureLevel >= 0, () => `bad FeatureLevelRecord ${JSON.stringify(record)}`);
        if (record.featureLevel === 0) this.features.delete(record.name);
        else this.features.set(record.name, record.featureLevel);
        return;
      case 'RegisterBrokerRecord':
        return this.registerBroker(record);
      case 'BrokerRegistrationChangeRecord':
        return this.changeBrokerRegistration(record);
      case 'TopicRecord': {
        const nameError = topicNameError(record.name);
        assert(nameError === null, () => `TopicRecord: ${nameError}`);
        assert(isValidTopicId(record.topicId), () => `TopicRecord: invalid topic id ${record.topicId}`);
        assert(!this.topicsByName.has(record.name), () => `TopicRecord: topic ${record.name} already exists`);
        assert(!this.topicsById.has(record.topicId), () => `TopicRecord: topic id ${record.topicId} already exists`);
        const topic = frozen({ name: record.name, topicId: record.topicId, partitions: frozen([] as PartitionImage[]) });
        this.topicsByName.set(record.name, topic);
        this.topicsById.set(record.topicId, topic);
        return;
      }
      case 'PartitionRecord':
        return this.putPartition(record);
      case 'PartitionChangeRecord':
        return this.changePartition(record);
      case 'ConfigRecord':
        return this.applyConfig(record);
      case 'RemoveTopicRecord': {
        const topic = this.topicsById.get(record.topicId);
        assert(topic, () => `RemoveTopicRecord: unknown topic id ${record.topicId}`);
        this.topicsById.delete(record.topicId);
        this.topicsByName.delete(topic.name);
        this.partitionDrafts.delete(record.topicId);
        this.topicConfigs.delete(topic.name);
        return;
      }
      case 'ProducerIdsRecord':
        assert(
          Number.isSafeInteger(record.nextProducerId) && record.nextProducerId > this.nextProducerId,
          () => `ProducerIdsRecord: next producer id ${record.nextProducerId} does not move past ${this.nextProducerId}`,
        );
        this.nextProducerId = record.nextProducerId;
        return;
      default:
        assertNever(record, 'metadata record');
    }
  }

  private registerBroker(record: RegisterBrokerRecord): void {
    assert(Number.isInteger(record.brokerId) && record.brokerId >= 0, () => `RegisterBrokerRecord: bad broker id ${record.brokerId}`);
    const existing = this.brokers.get(record.brokerId);
    assert(
      !existing || record.brokerEpoch > existing.brokerEpoch,
      () => `RegisterBrokerRecord: broker ${record.brokerId} epoch ${record.brokerEpoch} is not newer than ${existing?.brokerEpoch}`,
    );
    const names = new Set(record.endpoints.map((e) => e.name));
    assert(names.size === record.endpoints.length, () => `RegisterBrokerRecord: broker ${record.brokerId} has duplicate listener names`);
    this.brokers.set(
      record.brokerId,
      frozen({
        brokerId: record.brokerId,
        incarnationId: record.incarnationId,
        brokerEpoch: record.brokerEpoch,
        endpoints: frozen(record.endpoints.map((e) => frozen({ name: e.name, host: e.host, port: e.port, securityProtocol: e.securityProtocol }))),
        rack: record.rack,
        fenced: record.fenced,
      }),
    );
  }

  private changeBrokerRegistration(record: BrokerRegistrationChangeRecord): void {
    const existing = this.brokers.get(record.brokerId);
    assert(existing, () => `BrokerRegistrationChangeRecord: broker ${record.brokerId} is not registered`);
    assert(
      existing.brokerEpoch === record.brokerEpoch,
      () => `BrokerRegistrationChangeRecord: broker ${record.brokerId} epoch ${record.brokerEpoch}, registered with ${existing.brokerEpoch}`,
    );
    if (record.fenced === 'NONE') return;
    const fenced = record.fenced === 'FENCE';
    if (existing.fenced !== fenced) this.brokers.set(record.brokerId, frozen({ ...existing, fenced }));
  }

  private partitionsFor(topicId: string, what: string): PartitionImage[] {
    let draft = this.partitionDrafts.get(topicId);
    if (!draft) {
      const topic = this.topicsById.get(topicId);
      assert(topic, () => `${what}: unknown topic id ${topicId}`);
      draft = [...topic.partitions];
      this.partitionDrafts.set(topicId, draft);
    }
    return draft;
  }

  private putPartition(record: PartitionRecord): void {
    const partitions = this.partitionsFor(record.topicId, 'PartitionRecord');
    assert(
      Number.isInteger(record.partitionId) && record.partitionId >= 0 && record.partitionId <= partitions.length,
      () => `PartitionRecord: partition ${record.partitionId} of topic ${record.topicId} would leave a gap after ${partitions.length} partitions`,
    );
    partitions[record.partitionId] = checkedPartition(
      {
        partitionId: record.partitionId,
        replicas: record.replicas,
        isr: record.isr,
        removingReplicas: record.removingReplicas,
        addingReplicas: record.addingReplicas,
        leader: record.leader,
        leaderEpoch: record.leaderEpoch,
        partitionEpoch: record.partitionEpoch,
      },
      `PartitionRecord ${record.topicId}-${record.partitionId}`,
    );
  }

  /** Kafka's PartitionRegistration.merge: null fields stay; a new leader bumps leaderEpoch; partitionEpoch always bumps. */
  private changePartition(record: PartitionChangeRecord): void {
    const partitions = this.partitionsFor(record.topicId, 'PartitionChangeRecord');
    const previous = partitions[record.partitionId];
    assert(previous, () => `PartitionChangeRecord: topic ${record.topicId} has no partition ${record.partitionId}`);
    const leaderChanges = record.leader !== NO_LEADER_CHANGE;
    partitions[record.partitionId] = checkedPartition(
      {
        partitionId: previous.partitionId,
        replicas: record.replicas ?? previous.replicas,
        isr: record.isr ?? previous.isr,
        removingReplicas: record.removingReplicas ?? previous.removingReplicas,
        addingReplicas: record.addingReplicas ?? previous.addingReplicas,
        leader: leaderChanges ? record.leader : previous.leader,
        leaderEpoch: leaderChanges ? previous.leaderEpoch + 1 : previous.leaderEpoch,
        partitionEpoch: previous.partitionEpoch + 1,
      },
      `PartitionChangeRecord ${record.topicId}-${record.partitionId}`,
    );
  }

  private applyConfig(record: ConfigRecord): void {
    assert(record.name.length > 0, 'ConfigRecord: empty config name');
    let byResource: MapDraft<string, ImmutableMap<string, string>>;
    if (record.resourceType === 'TOPIC') {
      assert(this.topicsByName.has(record.resourceName), () => `ConfigRecord: topic ${record.resourceName} does not exist`);
      byResource = this.topicConfigs;
    } else {
      assert(BROKER_CONFIG_NAME.test(record.resourceName), () => `ConfigRecord: bad broker resource name '${record.resourceName}'`);
      byResource = this.brokerConfigs;
    }
    const current = byResource.get(record.resourceName) ?? ImmutableMap.empty<string, string>();
    const next = record.value === null ? current.without(record.name) : current.with(record.name, record.value);
    if (next.size === 0) byResource.delete(record.resourceName);
    else byResource.set(record.resourceName, next);
  }
}

/** Checks a partition's invariants and returns it frozen, with its own copies of the arrays. */
function checkedPartition(p: PartitionImage, where: string): PartitionImage {
  const fail = (why: string) => (): string => `${where}: ${why} in ${JSON.stringify(p)}`;
  const isBrokerId = (id: number): boolean => Number.isInteger(id) && id >= 0 && id <= 0x7fff_ffff;
  const distinct = (xs: readonly number[]): boolean => new Set(xs).size === xs.length;
  assert(p.replicas.length > 0 && p.replicas.every(isBrokerId) && distinct(p.replicas), fail('replicas must be distinct broker ids, at least one'));
  const replicas = new Set(p.replicas);
  const subsetOfReplicas = (xs: readonly number[]): boolean => distinct(xs) && xs.every((x) => replicas.has(x));
  assert(p.isr.length > 0 && subsetOfReplicas(p.isr), fail('isr must be a non-empty set of replicas'));
  assert(p.leader === NO_LEADER || p.isr.includes(p.leader), fail('leader must be in the isr or NO_LEADER'));
  assert(subsetOfReplicas(p.addingReplicas) && subsetOfReplicas(p.removingReplicas), fail('adding/removing replicas must be replicas'));
  assert(!p.addingReplicas.some((x) => p.removingReplicas.includes(x)), fail('a replica cannot be both adding and removing'));
  assert(Number.isInteger(p.leaderEpoch) && p.leaderEpoch >= 0 && p.leaderEpoch <= 0x7fff_ffff, fail('bad leaderEpoch'));
  assert(Number.isInteger(p.partitionEpoch) && p.partitionEpoch >= 0 && p.partitionEpoch <= 0x7fff_ffff, fail('bad partitionEpoch'));
  return frozen({
    ...p,
    replicas: frozen([...p.replicas]),
    isr: frozen([...p.isr]),
    removingReplicas: frozen([...p.removingReplicas]),
    addingReplicas: frozen([...p.addingReplicas]),
  });
}
