// Pure cores
export type { IncomingBatch, ProducerBatch, ProducerEntry, SequenceCheck } from './core/producer-state';
export { NUM_BATCHES_TO_RETAIN, ProducerStateTable, lastSequenceOf } from './core/producer-state';
export type { DelayedOperation } from './core/purgatory';
export { Purgatory } from './core/purgatory';
export { MAX_SNAPSHOT_ENTRIES, PRODUCER_SNAPSHOT_VERSION, decodeProducerSnapshot, encodeProducerSnapshot } from './core/producer-snapshot-codec';
export { firstNullKeyIndex } from './core/null-key-scan';
// Config
export type {
  BrokerConfigModel,
  BrokerDynamicConfigs,
  BrokerSettings,
  ConfigSourceName,
  ConfigTypeName,
  DescribedConfig,
  DynamicConfigs,
  TopicSettings,
} from './config/broker-config-model';
export { NO_BROKER_DYNAMIC_CONFIGS } from './config/broker-config-model';
export { type ConfigWarning, brokerSettingsOf, configLibModel, logConfigOf } from './config/config-lib-model';
// Metadata
export { LOCAL_METADATA_EPOCH, LocalController, MAX_PENDING_CONTROLLER_OPERATIONS, type MetadataListener } from './metadata/local-controller';
export { METADATA_READ_BYTES, StorageMetadataLog } from './metadata/storage-metadata-log';
export { AutoTopicCreator } from './metadata/auto-topic-creator';
export { ProducerIdManager } from './metadata/producer-id-manager';
export { brokerDynamicConfigs } from './metadata/broker-dynamic-configs';
// Replicas
export { PRODUCER_REBUILD_READ_BYTES, Partition, type PartitionAppendResult, RecordRejection, type RequiredAcks } from './replica/partition';
export { MAX_PARKED_FETCHES, type ListOffsetResult, type PartitionProduceResult, ReplicaManager, type ReplicaManagerOptions } from './replica/replica-manager';
export type { FetchParams, FetchPartitionRequest, FetchPartitionResult } from './replica/fetch-types';
export { DelayedFetch, type FetchReader, fetchSatisfied } from './replica/delayed-fetch';
// Handlers
export { type BrokerHandlers, brokerServiceHandlers } from './handlers/broker-service';
export { ApiVersionsHandler, SUPPORTED_METADATA_VERSION } from './handlers/api-versions-handler';
export { MetadataHandler } from './handlers/metadata-handler';
export { ProduceHandler } from './handlers/produce-handler';
export { FetchHandler, MAX_FETCH_WAIT_MS } from './handlers/fetch-handler';
export { ListOffsetsHandler } from './handlers/list-offsets-handler';
export { TopicsHandler } from './handlers/topics-handler';
export { ConfigsHandler, configSourceOf } from './handlers/configs-handler';
export { DeleteRecordsHandler } from './handlers/delete-records-handler';
export { InitProducerIdHandler } from './handlers/init-producer-id-handler';
// Runtime and DI
export { MAX_WAITING_REQUESTS, QUEUED_REQUEST_WAIT_MS, RequestBytesLimiter } from './runtime/request-bytes-limiter';
export {
  type BrokerBackgroundService,
  BrokerRuntime,
  type BrokerRuntimeOptions,
  GRPC_LISTENER_NAME,
  PRODUCER_EXPIRATION_CHECK_INTERVAL_MS,
} from './runtime/broker-runtime';
export { createBrokerHandlers } from './runtime/create-handlers';
export { type LogCleanerService, cleanupPolicyLookup, logCleanerService } from './runtime/log-cleaner-service';
export { BROKER_RUNTIME, BROKER_SERVICE_HANDLERS, registerBroker } from './register-broker';
