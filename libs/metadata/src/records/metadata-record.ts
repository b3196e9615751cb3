/**
 * The metadata records, modelled on Kafka's KRaft `__cluster_metadata` records.
 * Every record carries its `type` (the discriminant) and the schema `version`
 * it was written with; the codec keeps Kafka's numeric ids for the types
 * (`RECORD_TYPE_IDS`). Ids are plain numbers: broker ids and partition ids are
 * non-negative int32s, epochs int32s, broker epochs and producer ids safe
 * non-negative integers.
 */

/** `leader` of a partition that has no leader (PartitionRecord, PartitionChangeRecord). */
export const NO_LEADER = -1;
/** `leader` of a PartitionChangeRecord that leaves the leader (and leaderEpoch) as they are. */
export const NO_LEADER_CHANGE = -2;

/** Kafka's feature name for the metadata schema level. */
export const METADATA_VERSION_FEATURE = 'metadata.version';

/** Kafka's security protocol ids, as carried in broker endpoints. */
export const SecurityProtocol = Object.freeze({ PLAINTEXT: 0, SSL: 1, SASL_PLAINTEXT: 2, SASL_SSL: 3 });

export type ConfigResourceType = 'TOPIC' | 'BROKER';

/** A broker listener as advertised in its registration. */
export interface BrokerEndpoint {
  /** Listener name, e.g. `PLAINTEXT` or `INTERNAL`; unique within one registration. */
  readonly name: string;
  readonly host: string;
  /** TCP port, 0..65535. */
  readonly port: number;
  /** One of `SecurityProtocol`. */
  readonly securityProtocol: number;
}

/** Sets (level ≥ 1) or removes (level 0) a finalized feature level, e.g. `metadata.version`. */
export interface FeatureLevelRecord {
  readonly type: 'FeatureLevelRecord';
  readonly version: number;
  readonly name: string;
  /** int16; 0 removes the feature. */
  readonly featureLevel: number;
}

/** A broker (re-)registers: replaces any earlier registration of the same id. */
export interface RegisterBrokerRecord {
  readonly type: 'RegisterBrokerRecord';
  readonly version: number;
  readonly brokerId: number;
  /** A UUID the broker process draws at start-up; a new one means a new process. */
  readonly incarnationId: string;
  /** The offset of this record in the metadata log, as Kafka assigns it. */
  readonly brokerEpoch: number;
  readonly endpoints: readonly BrokerEndpoint[];
  readonly rack: string | null;
  /** Kafka registers brokers fenced; they are unfenced once caught up. */
  readonly fenced: boolean;
}

/** Kafka's BrokerRegistrationFencingChange: 1 fences, -1 unfences, 0 leaves as is. */
export type FencingChange = 'FENCE' | 'UNFENCE' | 'NONE';

export interface BrokerRegistrationChangeRecord {
  readonly type: 'BrokerRegistrationChangeRecord';
  readonly version: number;
  readonly brokerId: number;
  /** Must equal the epoch of the current registration. */
  readonly brokerEpoch: number;
  readonly fenced: FencingChange;
}

export interface TopicRecord {
  readonly type: 'TopicRecord';
  readonly version: number;
  readonly name: string;
  /** Canonical lower-case UUID string, never the zero or metadata-topic UUID. */
  readonly topicId: string;
}

/** Creates a partition, or replaces it whole (snapshots, reassignment). */
export interface PartitionRecord {
  readonly type: 'PartitionRecord';
  readonly version: number;
  readonly partitionId: number;
  readonly topicId: string;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly removingReplicas: readonly number[];
  readonly addingReplicas: readonly number[];
  /** A replica in the ISR, or NO_LEADER. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
}

/**
 * Changes a partition. `null` fields (and `leader === NO_LEADER_CHANGE`) are
 * left as they are. Applying one always bumps `partitionEpoch`, and bumps
 * `leaderEpoch` when `leader` is set, exactly as Kafka's PartitionRegistration.merge.
 */
export interface PartitionChangeRecord {
  readonly type: 'PartitionChangeRecord';
  readonly version: number;
  readonly partitionId: number;
  readonly topicId: string;
  readonly isr: readonly number[] | null;
  /** The new leader, NO_LEADER, or NO_LEADER_CHANGE. */
  readonly leader: number;
  readonly replicas: readonly number[] | null;
  readonly removingReplicas: readonly number[] | null;
  readonly addingReplicas: readonly number[] | null;
}

/** Sets (value) or deletes (null) one dynamic config of a topic or broker (`''` = cluster default). */
export interface ConfigRecord {
  readonly type: 'ConfigRecord';
  readonly version: number;
  readonly resourceType: ConfigResourceType;
  readonly resourceName: string;
  readonly name: string;
  readonly value: string | null;
}

/** Deletes a topic, its partitions and its configs. */
export interface RemoveTopicRecord {
  readonly type: 'RemoveTopicRecord';
  readonly version: number;
  readonly topicId: string;
}

/**
 * Hands out a block of producer ids: the block is [previous nextProducerId,
 * nextProducerId). brokerId/brokerEpoch are -1 when written by a snapshot.
 */
export interface ProducerIdsRecord {
  readonly type: 'ProducerIdsRecord';
  readonly version: number;
  readonly brokerId: number;
  readonly brokerEpoch: number;
  readonly nextProducerId: number;
}

export type MetadataRecord =
  | FeatureLevelRecord
  | RegisterBrokerRecord
  | BrokerRegistrationChangeRecord
  | TopicRecord
  | PartitionRecord
  | PartitionChangeRecord
  | ConfigRecord
  | RemoveTopicRecord
  | ProducerIdsRecord;

export type MetadataRecordType = MetadataRecord['type'];

/** The record of a given type: `RecordOf<'TopicRecord'>` is `TopicRecord`. */
export type RecordOf<T extends MetadataRecordType> = Extract<MetadataRecord, { type: T }>;

/** Kafka's apiKey for each record type (MetadataRecordType in Kafka's metadata module). */
export const RECORD_TYPE_IDS = Object.freeze({
  RegisterBrokerRecord: 0,
  TopicRecord: 2,
  PartitionRecord: 3,
  ConfigRecord: 4,
  PartitionChangeRecord: 5,
  RemoveTopicRecord: 9,
  FeatureLevelRecord: 12,
  ProducerIdsRecord: 15,
  BrokerRegistrationChangeRecord: 17,
} satisfies Record<MetadataRecordType, number>);

/**
 * The newest schema version this build writes and reads, per type. Decoding a
 * newer version fails with UNSUPPORTED_VERSION; bump a version only together
 * with a metadata.version level that every broker must support first.
 */
export const RECORD_VERSIONS = Object.freeze({
  RegisterBrokerRecord: 0,
  TopicRecord: 0,
  PartitionRecord: 0,
  ConfigRecord: 0,
  PartitionChangeRecord: 0,
  RemoveTopicRecord: 0,
  FeatureLevelRecord: 0,
  ProducerIdsRecord: 0,
  BrokerRegistrationChangeRecord: 0,
} satisfies Record<MetadataRecordType, number>);

/**
 * Builds a record of the current schema version: `makeRecord('TopicRecord', { name, topicId })`.
 * The controller writes records only through this, so versions stay in one place.
 */
export function makeRecord<T extends MetadataRecordType>(type: T, fields: Omit<RecordOf<T>, 'type' | 'version'>): RecordOf<T> {
  return { type, version: RECORD_VERSIONS[type], ...fields } as unknown as RecordOf<T>;
}
