/**
 * @tributary/client — producer, consumer and admin clients with Kafka's
 * config names and semantics, over a transport port (gRPC by default).
 */
export { Producer, createProducer, type PartitionInfo, type ProducerMetrics } from './producer/producer';
export { PRODUCER_CONFIG, parseProducerConfig, type Acks, type ProducerConfig, type ProducerConfigInput } from './producer/producer-config';

export {
  Consumer,
  createConsumer,
  RecordDeserializationError,
  DEFAULT_LOOP_POLL_TIMEOUT_MS,
  MAX_POLL_SPAN_LINKS,
  type OffsetForTime,
  type RecordBatchOfPartition,
  type RunOptions,
} from './consumer/consumer';
export { PartitionError } from './consumer/fetcher';
export { CONSUMER_CONFIG, parseConsumerConfig, type AutoOffsetReset, type ConsumerConfig, type ConsumerConfigInput, type IsolationLevelName } from './consumer/consumer-config';

export {
  AdminClient,
  createAdminClient,
  type AdminCallOptions,
  type AlterConfigOperation,
  type ClusterDescription,
  type ConfigResource,
  type ItemResult,
  type NewTopic,
  type OffsetQuery,
  type TopicDescription,
} from './admin/admin-client';
export { ADMIN_CONFIG, parseAdminConfig, type AdminConfig, type AdminConfigInput } from './admin/admin-config';

export type { ClientDeps, ClientLogger } from './common/client-deps';
export type { ConsumerRecord, ProducerRecord, RecordMetadata, Partitioner, ProducerInterceptor, ConsumerInterceptor } from './common/plugins';
export { HOOK_TIMEOUT_MS } from './common/plugins';
export type { BuiltInSerdeName, Deserializer, DeserializerSpec, DeserializeFn, HeadersInput, Serializer, SerializerSpec, SerializeFn } from './common/serde';
export type { CompressionName, DecodedBatch, DecodedRecord, EncodableRecord, EncodeBatchInput, RecordBatchCodec, RecordHeader } from './common/batch-codec';
export { recordsBatchCodec } from './common/records-codec';
export { describeConfigs, type ConfigDefs, type ConfigInput, type ResolvedConfig } from './common/config-def';

export * from './transport/transport';
export { GrpcTransport, createGrpcTransport, type BrokerRpcClient, type GrpcTransportOptions } from './transport/grpc-transport';
