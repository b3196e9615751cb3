/**
 * The transport port: everything the client engines need from the network,
 * one method per native-API RPC. Messages mirror Kafka's request/response
 * messages (and the native proto) in camelCase; the gRPC adapter maps them.
 *
 * Contract for implementations:
 * - A request-level failure rejects with a `TributaryError` (NETWORK_EXCEPTION,
 *   REQUEST_TIMED_OUT… are `retriable`); per-partition and per-item failures
 *   are `errorCode`s in the response, never rejections.
 * - `options.timeoutMs` is the deadline of the call; the engines also enforce
 *   it on their side, so a transport that ignores it is still bounded.
 * - Calls to one target are independent; the engines bound their own
 *   in-flight requests per node (max.in.flight.requests.per.connection).
 */
export interface ClientTransport {
  metadata(target: NodeTarget, request: MetadataRequest, options: CallOptions): Promise<MetadataResponse>;
  produce(target: NodeTarget, request: ProduceRequest, options: CallOptions): Promise<ProduceResponse>;
  fetch(target: NodeTarget, request: FetchRequest, options: CallOptions): Promise<FetchResponse>;
  listOffsets(target: NodeTarget, request: ListOffsetsRequest, options: CallOptions): Promise<ListOffsetsResponse>;
  initProducerId(target: NodeTarget, request: InitProducerIdRequest, options: CallOptions): Promise<InitProducerIdResponse>;
  createTopics(target: NodeTarget, request: CreateTopicsRequest, options: CallOptions): Promise<CreateTopicsResponse>;
  deleteTopics(target: NodeTarget, request: DeleteTopicsRequest, options: CallOptions): Promise<DeleteTopicsResponse>;
  createPartitions(target: NodeTarget, request: CreatePartitionsRequest, options: CallOptions): Promise<CreatePartitionsResponse>;
  describeConfigs(target: NodeTarget, request: DescribeConfigsRequest, options: CallOptions): Promise<DescribeConfigsResponse>;
  incrementalAlterConfigs(target: NodeTarget, request: IncrementalAlterConfigsRequest, options: CallOptions): Promise<IncrementalAlterConfigsResponse>;
  deleteRecords(target: NodeTarget, request: DeleteRecordsRequest, options: CallOptions): Promise<DeleteRecordsResponse>;
  /** Closes every connection; later calls reject. */
  close(): Promise<void>;
}

/** The names of the RPCs, for fakes and metrics. */
export type ApiName = Exclude<keyof ClientTransport, 'close'>;

/** Where a request goes: a broker from metadata, or a bootstrap address (`nodeId` = BOOTSTRAP_NODE_ID). */
export interface NodeTarget {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

/** The node id used for bootstrap addresses, before metadata names the brokers. */
export const BOOTSTRAP_NODE_ID = -1;

export interface CallOptions {
  /** Deadline of the call (request.timeout.ms for the engines). */
  readonly timeoutMs: number;
}

// ---- Metadata ----
export interface MetadataRequest {
  /** `null` asks for every topic. */
  readonly topics: readonly string[] | null;
  readonly allowAutoTopicCreation: boolean;
}
export interface BrokerMetadata {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}
export interface PartitionMetadata {
  readonly errorCode: number;
  readonly partition: number;
  /** -1 when there is no leader. */
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly replicaNodes: readonly number[];
  readonly isrNodes: readonly number[];
  readonly offlineReplicas: readonly number[];
}
export interface TopicMetadata {
  readonly errorCode: number;
  readonly name: string;
  readonly topicId?: string;
  readonly isInternal: boolean;
  readonly partitions: readonly PartitionMetadata[];
}
export interface MetadataResponse {
  readonly clusterId: string | null;
  readonly controllerId: number;
  readonly brokers: readonly BrokerMetadata[];
  readonly topics: readonly TopicMetadata[];
}

// ---- Produce ----
export interface ProduceRequest {
  readonly transactionalId: string | null;
  /** 0, 1 or -1 (all). */
  readonly acks: number;
  readonly timeoutMs: number;
  readonly topics: readonly { readonly name: string; readonly partitions: readonly { readonly partition: number; readonly records: Uint8Array }[] }[];
}
export interface ProducePartitionResponse {
  readonly partition: number;
  readonly errorCode: number;
  readonly errorMessage?: string | null;
  readonly baseOffset: number;
  /** -1 unless the topic uses LogAppendTime. */
  readonly logAppendTimeMs: number;
  readonly logStartOffset: number;
}
export interface ProduceResponse {
  readonly topics: readonly { readonly name: string; readonly partitions: readonly ProducePartitionResponse[] }[];
  readonly throttleTimeMs?: number;
}

// ---- Fetch ----
export const IsolationLevel = { READ_UNCOMMITTED: 0, READ_COMMITTED: 1 } as const;
export type IsolationLevelNumber = (typeof IsolationLevel)[keyof typeof IsolationLevel];

export interface FetchPartitionRequest {
  readonly partition: number;
  readonly fetchOffset: number;
  /** -1 when unknown. */
  readonly currentLeaderEpoch: number;
  readonly logStartOffset: number;
  readonly partitionMaxBytes: number;
}
export interface FetchRequest {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly isolationLevel: IsolationLevelNumber;
  readonly topics: readonly { readonly name: string; readonly partitions: readonly FetchPartitionRequest[] }[];
}
export interface AbortedTransaction {
  readonly producerId: number;
  readonly firstOffset: number;
}
export interface FetchPartitionResponse {
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
  readonly abortedTransactions: readonly AbortedTransaction[] | null;
  /** Concatenated RecordBatch v2 batches (the last may be partial), or null/empty. */
  readonly records: Uint8Array | null;
}
export interface FetchResponse {
  readonly errorCode: number;
  readonly topics: readonly { readonly name: string; readonly partitions: readonly FetchPartitionResponse[] }[];
  readonly throttleTimeMs?: number;
}

// ---- ListOffsets ----
/** Special ListOffsets timestamps, as in Kafka. */
export const OffsetSpec = { LATEST: -1, EARLIEST: -2, MAX_TIMESTAMP: -3 } as const;

export interface ListOffsetsRequest {
  readonly isolationLevel: IsolationLevelNumber;
  readonly topics: readonly {
    readonly name: string;
    readonly partitions: readonly { readonly partition: number; readonly timestamp: number; readonly currentLeaderEpoch: number }[];
  }[];
}
export interface ListOffsetsPartitionResponse {
  readonly partition: number;
  readonly errorCode: number;
  /** -1 when no offset matches. */
  readonly timestamp: number;
  readonly offset: number;
  readonly leaderEpoch: number;
}
export interface ListOffsetsResponse {
  readonly topics: readonly { readonly name: string; readonly partitions: readonly ListOffsetsPartitionResponse[] }[];
}

// ---- InitProducerId ----
export interface InitProducerIdRequest {
  readonly transactionalId: string | null;
  readonly transactionTimeoutMs: number;
  /** The current id and epoch when bumping the epoch (KIP-360), else -1. */
  readonly producerId: number;
  readonly producerEpoch: number;
}
export interface InitProducerIdResponse {
  readonly errorCode: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly throttleTimeMs?: number;
}

// ---- Admin ----
export interface ConfigEntryInput {
  readonly name: string;
  readonly value: string | null;
}
export interface CreateTopicsRequest {
  readonly topics: readonly {
    readonly name: string;
    /** -1 for the broker default. */
    readonly numPartitions: number;
    /** -1 for the broker default. */
    readonly replicationFactor: number;
    readonly assignments: readonly { readonly partition: number; readonly brokerIds: readonly number[] }[];
    readonly configs: readonly ConfigEntryInput[];
  }[];
  readonly timeoutMs: number;
  readonly validateOnly: boolean;
}
export interface CreateTopicsResponse {
  readonly topics: readonly {
    readonly name: string;
    readonly topicId?: string;
    readonly errorCode: number;
    readonly errorMessage: string | null;
    readonly numPartitions: number;
    readonly replicationFactor: number;
  }[];
}
export interface DeleteTopicsRequest {
  readonly topicNames: readonly string[];
  readonly timeoutMs: number;
}
export interface DeleteTopicsResponse {
  readonly responses: readonly { readonly name: string; readonly errorCode: number; readonly errorMessage: string | null }[];
}
export interface CreatePartitionsRequest {
  readonly topics: readonly { readonly name: string; readonly count: number; readonly assignments: readonly (readonly number[])[] | null }[];
  readonly timeoutMs: number;
  readonly validateOnly: boolean;
}
export interface CreatePartitionsResponse {
  readonly results: readonly { readonly name: string; readonly errorCode: number; readonly errorMessage: string | null }[];
}
/** Kafka's ConfigResource types. */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;
export type ConfigResourceTypeNumber = (typeof ConfigResourceType)[keyof typeof ConfigResourceType];

export interface DescribeConfigsRequest {
  readonly resources: readonly {
    readonly resourceType: ConfigResourceTypeNumber;
    readonly resourceName: string;
    /** `null` for every key. */
    readonly configurationKeys: readonly string[] | null;
  }[];
  readonly includeSynonyms: boolean;
  readonly includeDocumentation: boolean;
}
export interface DescribedConfig {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  /** Kafka's ConfigSource number (1 dynamic topic, 5 default…). */
  readonly configSource: number;
  readonly isSensitive: boolean;
  readonly documentation?: string | null;
}
export interface DescribeConfigsResponse {
  readonly results: readonly {
    readonly errorCode: number;
    readonly errorMessage: string | null;
    readonly resourceType: number;
    readonly resourceName: string;
    readonly configs: readonly DescribedConfig[];
  }[];
}
/** Kafka's AlterConfigOp types. */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
export type AlterConfigOpNumber = (typeof AlterConfigOp)[keyof typeof AlterConfigOp];

export interface IncrementalAlterConfigsRequest {
  readonly resources: readonly {
    readonly resourceType: ConfigResourceTypeNumber;
    readonly resourceName: string;
    readonly configs: readonly { readonly name: string; readonly configOperation: AlterConfigOpNumber; readonly value: string | null }[];
  }[];
  readonly validateOnly: boolean;
}
export interface IncrementalAlterConfigsResponse {
  readonly responses: readonly { readonly errorCode: number; readonly errorMessage: string | null; readonly resourceType: number; readonly resourceName: string }[];
}
export interface DeleteRecordsRequest {
  readonly topics: readonly { readonly name: string; readonly partitions: readonly { readonly partition: number; readonly offset: number }[] }[];
  readonly timeoutMs: number;
}
export interface DeleteRecordsResponse {
  readonly topics: readonly {
    readonly name: string;
    readonly partitions: readonly { readonly partition: number; readonly lowWatermark: number; readonly errorCode: number }[];
  }[];
}
