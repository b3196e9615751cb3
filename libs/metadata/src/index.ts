// Records
export type {
  BrokerEndpoint,
  BrokerRegistrationChangeRecord,
  ConfigRecord,
  ConfigResourceType,
  FeatureLevelRecord,
  FencingChange,
  MetadataRecord,
  MetadataRecordType,
  PartitionChangeRecord,
  PartitionRecord,
  ProducerIdsRecord,
  RecordOf,
  RegisterBrokerRecord,
  RemoveTopicRecord,
  TopicRecord,
} from './records/metadata-record';
export {
  METADATA_VERSION_FEATURE,
  NO_LEADER,
  NO_LEADER_CHANGE,
  RECORD_TYPE_IDS,
  RECORD_VERSIONS,
  SecurityProtocol,
  makeRecord,
} from './records/metadata-record';
export type { UuidGenerator } from './records/uuid';
export { METADATA_TOPIC_ID, ZERO_UUID, isCanonicalUuid, isValidTopicId, uuidGeneratorFromPrng } from './records/uuid';
export {
  CLUSTER_METADATA_TOPIC,
  CONSUMER_OFFSETS_TOPIC,
  INTERNAL_TOPICS,
  MAX_TOPIC_NAME_LENGTH,
  TRANSACTION_STATE_TOPIC,
  collisionKey,
  isInternalTopic,
  topicNameError,
} from './records/topic-names';

// Codec
export type { MetadataRecordHeader } from './codec/metadata-record-codec';
export { decodeMetadataRecord, encodeMetadataRecord, peekMetadataRecordHeader } from './codec/metadata-record-codec';
export { MAX_ARRAY_LENGTH, MAX_METADATA_RECORD_BYTES, MAX_STRING_BYTES, MAX_TAGGED_FIELDS } from './codec/limits';

// Image
export { ImmutableMap } from './image/immutable-map';
export type { BrokerRegistration, ClusterImage, ConfigResource, PartitionImage, TopicImage } from './image/cluster-image';
export {
  EMPTY_CLUSTER_IMAGE,
  configsOf,
  imageToPlain,
  isBrokerLive,
  liveBrokerIds,
  metadataVersion,
  partitionOf,
} from './image/cluster-image';
export type { MetadataLogEntry } from './image/apply';
export { applyRecord, applyRecords } from './image/apply';
export type { BrokerChange, ConfigChange, FeatureChange, MetadataDelta, PartitionChange } from './image/metadata-delta';
export { applyBatch, diffImages, isEmptyDelta } from './image/metadata-delta';

// Controller (request side)
export type { ApiError, ConfigValidator, ControllerResult } from './controller/controller-result';
export { ACCEPT_ALL_CONFIGS, API_OK, MAX_RECORDS_PER_USER_OP, apiError } from './controller/controller-result';
export { placeReplicas } from './controller/replica-placement';
export type { CreatableTopic, CreateTopicResult, CreateTopicsContext, CreateTopicsRequest, ReplicaAssignment } from './controller/create-topics';
export { createTopics } from './controller/create-topics';
export type { DeletableTopic, DeleteTopicResult, DeleteTopicsContext, DeleteTopicsRequest } from './controller/delete-topics';
export { deleteTopics } from './controller/delete-topics';
export type { CreatePartitionsContext, CreatePartitionsRequest, CreatePartitionsResult, CreatePartitionsTopic } from './controller/create-partitions';
export { createPartitions } from './controller/create-partitions';
export type {
  AlterConfigOp,
  AlterConfigsResource,
  AlterConfigsResult,
  AlterableConfig,
  ConfigSchema,
  IncrementalAlterConfigsContext,
  IncrementalAlterConfigsRequest,
} from './controller/incremental-alter-configs';
export { incrementalAlterConfigs } from './controller/incremental-alter-configs';
export type { AllocateProducerIdsRequest, AllocateProducerIdsResult } from './controller/producer-ids';
export { PRODUCER_ID_BLOCK_SIZE, allocateProducerIds } from './controller/producer-ids';
export type {
  BrokerEpochRequest,
  BrokerRegistrationRequest,
  BrokerRegistrationResult,
  RegisterBrokerContext,
  SupportedFeature,
} from './controller/broker-registration';
export { fenceBroker, registerBroker, unfenceBroker } from './controller/broker-registration';

// Log
export type { AppendResult, MetadataLog } from './log/metadata-log';
export { InMemoryMetadataLog } from './log/metadata-log';
export { REPLAY_BATCH_RECORDS, replay } from './log/replay';
