import { TributaryError } from '@tributary/errors';
import {
  AlterConfigOp,
  BrokerService,
  ConfigResourceType,
  ConfigSource,
  LIST_OFFSETS_EARLIEST_TIMESTAMP,
  LIST_OFFSETS_LATEST_TIMESTAMP,
  type MetadataResponse,
} from '@tributary/proto';
import { type RpcClient, createRpcClient } from '@tributary/rpc';

/** How long an admin request may take (Kafka's default.api.timeout.ms is 60 s; a CLI user should hear back sooner). */
export const ADMIN_REQUEST_TIMEOUT_MS = 30_000;

export interface PartitionDescription {
  readonly partition: number;
  /** -1 without a leader. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly offline: readonly number[];
}

export interface TopicDescription {
  readonly name: string;
  /** Kafka's display form of the 16-byte id: URL-safe base64 without padding; empty when unknown. */
  readonly topicId: string;
  readonly isInternal: boolean;
  readonly partitions: readonly PartitionDescription[];
}

export interface ConfigValue {
  readonly name: string;
  readonly value: string | null;
  /** Kafka's ConfigSource name, e.g. DYNAMIC_TOPIC_CONFIG or DEFAULT_CONFIG. */
  readonly source: string;
  readonly readOnly: boolean;
  readonly sensitive: boolean;
}

export interface ClusterDescription {
  readonly clusterId: string;
  readonly controllerId: number;
  readonly brokers: readonly { readonly nodeId: number; readonly host: string; readonly port: number; readonly rack: string | null }[];
}

export interface NewTopic {
  readonly name: string;
  /** -1: the broker's num.partitions. */
  readonly partitions: number;
  /** -1: the broker's default.replication.factor. */
  readonly replicationFactor: number;
  readonly configs: readonly { readonly key: string; readonly value: string }[];
}

export interface ConfigChange {
  readonly name: string;
  /** A value to SET, or null to DELETE (revert to the default). */
  readonly value: string | null;
}

/**
 * The admin operations the CLI needs, over the broker's native gRPC API
 * (`@tributary/rpc` with the generated `BrokerService`). Each method sends one
 * request and turns a per-topic or per-partition error code into a
 * TributaryError that names the topic, so callers see one failure, typed.
 * Request-level failures (unreachable broker, deadline) are the rpc client's
 * TributaryErrors: NETWORK_EXCEPTION, REQUEST_TIMED_OUT.
 */
export class BrokerAdmin {
  private readonly rpc: RpcClient<typeof BrokerService>;

  constructor(bootstrapServer: string, timeoutMs = ADMIN_REQUEST_TIMEOUT_MS) {
    this.rpc = createRpcClient(bootstrapServer, { service: BrokerService, defaultDeadlineMs: timeoutMs });
  }

  close(): void {
    this.rpc.close();
  }

  /** Every topic (`names` null) or the named ones; a named topic that does not exist is UNKNOWN_TOPIC_OR_PARTITION. */
  async describeTopics(names: readonly string[] | null): Promise<TopicDescription[]> {
    const response = await this.metadata(names);
    return response.topics
      .map((topic) => {
        if (topic.errorCode !== 0) throw topicError(topic.errorCode, topic.name, topic.errorMessage);
        return {
          name: topic.name,
          topicId: Buffer.from(topic.topicId).toString('base64url'),
          isInternal: topic.isInternal,
          partitions: topic.partitions
            .map((p) => ({
              partition: p.partitionIndex,
              leader: p.leaderId,
              leaderEpoch: p.leaderEpoch,
              replicas: p.replicaNodes,
              isr: p.isrNodes,
              offline: p.offlineReplicas,
            }))
            .sort((a, b) => a.partition - b.partition),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async describeCluster(): Promise<ClusterDescription> {
    const response = await this.metadata([]);
    return {
      clusterId: response.clusterId,
      controllerId: response.controllerId,
      brokers: response.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null })),
    };
  }

  async createTopic(topic: NewTopic): Promise<{ partitions: number; replicationFactor: number }> {
    const response = await this.rpc.createTopics({
      topics: [
        {
          name: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: topic.replicationFactor,
          assignments: [],
          configs: topic.configs.map((c) => ({ name: c.key, value: c.value })),
        },
      ],
      timeoutMs: ADMIN_REQUEST_TIMEOUT_MS,
      validateOnly: false,
    });
    const result = single(response.topics, topic.name);
    if (result.errorCode !== 0) throw topicError(result.errorCode, topic.name, result.errorMessage);
    return { partitions: result.numPartitions, replicationFactor: result.replicationFactor };
  }

  async deleteTopic(name: string): Promise<void> {
    const response = await this.rpc.deleteTopics({ topicNames: [name], timeoutMs: ADMIN_REQUEST_TIMEOUT_MS });
    const result = single(response.responses, name);
    if (result.errorCode !== 0) throw topicError(result.errorCode, name, result.errorMessage);
  }

  /** Grows the topic to `count` partitions in total. */
  async createPartitions(name: string, count: number): Promise<void> {
    const response = await this.rpc.createPartitions({ topics: [{ name, count, assignments: [] }], timeoutMs: ADMIN_REQUEST_TIMEOUT_MS, validateOnly: false });
    const result = single(response.results, name);
    if (result.errorCode !== 0) throw topicError(result.errorCode, name, result.errorMessage);
  }

  /** Every config of a topic, or of a broker (`name` = node id, or '' for the broker answering). */
  async describeConfigs(kind: 'topic' | 'broker', name: string): Promise<ConfigValue[]> {
    const resourceType = kind === 'topic' ? ConfigResourceType.TOPIC : ConfigResourceType.BROKER;
    const response = await this.rpc.describeConfigs({
      resources: [{ resourceType, resourceName: name, configurationKeys: [] }],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    const result = single(response.results, name);
    if (result.errorCode !== 0) throw resourceError(result.errorCode, kind, name, result.errorMessage);
    return result.configs
      .map((c) => ({ name: c.name, value: c.value ?? null, source: ConfigSource[c.configSource] ?? String(c.configSource), readOnly: c.readOnly, sensitive: c.isSensitive }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async alterTopicConfigs(name: string, changes: readonly ConfigChange[]): Promise<void> {
    const response = await this.rpc.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceType.TOPIC,
          resourceName: name,
          configs: changes.map((c) =>
            c.value === null ? { name: c.name, configOperation: AlterConfigOp.DELETE } : { name: c.name, configOperation: AlterConfigOp.SET, value: c.value },
          ),
        },
      ],
      validateOnly: false,
    });
    const result = single(response.responses, name);
    if (result.errorCode !== 0) throw resourceError(result.errorCode, 'topic', name, result.errorMessage);
  }

  /** Deletes the records of a partition below `offset` (-1: the high watermark); resolves to the new log start offset. */
  async deleteRecordsBefore(topic: string, partition: number, offset: number): Promise<number> {
    const response = await this.rpc.deleteRecords({ topics: [{ name: topic, partitions: [{ partitionIndex: partition, offset }] }], timeoutMs: ADMIN_REQUEST_TIMEOUT_MS });
    const result = single(single(response.topics, topic).partitions, `${topic}-${partition}`);
    if (result.errorCode !== 0) throw partitionError(result.errorCode, topic, partition, result.errorMessage);
    return result.lowWatermark;
  }

  /** The log start offset and log end offset of each partition. */
  async offsetRange(topic: string, partitions: readonly number[]): Promise<{ partition: number; logStartOffset: number; logEndOffset: number }[]> {
    const [earliest, latest] = await Promise.all([
      this.listOffsets(topic, partitions, LIST_OFFSETS_EARLIEST_TIMESTAMP),
      this.listOffsets(topic, partitions, LIST_OFFSETS_LATEST_TIMESTAMP),
    ]);
    return partitions.map((partition, i) => ({ partition, logStartOffset: earliest[i], logEndOffset: latest[i] }));
  }

  private async listOffsets(topic: string, partitions: readonly number[], timestamp: number): Promise<number[]> {
    const response = await this.rpc.listOffsets({
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp })) }],
    });
    const byPartition = new Map(single(response.topics, topic).partitions.map((p) => [p.partitionIndex, p]));
    return partitions.map((partition) => {
      const result = byPartition.get(partition);
      if (result === undefined) throw new TributaryError('UNKNOWN_SERVER_ERROR', `the broker did not answer for ${topic}-${partition}`);
      if (result.errorCode !== 0) throw partitionError(result.errorCode, topic, partition, result.errorMessage);
      return result.offset;
    });
  }

  private metadata(names: readonly string[] | null): Promise<MetadataResponse> {
    return this.rpc.metadata({ topics: (names ?? []).map((name) => ({ name })), allTopics: names === null, allowAutoTopicCreation: false });
  }
}

/** The one result a single-item request must carry. */
function single<T>(results: readonly T[], what: string): T {
  if (results.length !== 1) throw new TributaryError('UNKNOWN_SERVER_ERROR', `expected one result for ${what}, the broker sent ${results.length}`);
  return results[0];
}

/** The broker's message, prefixed with what it is about unless it already names it; the code's description when empty. */
function withReason(prefix: string, name: string, code: number, message: string): TributaryError {
  const text = message || new TributaryError(code).message;
  return new TributaryError(code, name !== '' && text.includes(name) ? text : `${prefix}: ${text}`);
}

function topicError(code: number, topic: string, message: string): TributaryError {
  return withReason(`topic '${topic}'`, topic, code, message);
}

function partitionError(code: number, topic: string, partition: number, message: string): TributaryError {
  return withReason(`partition ${topic}-${partition}`, `${topic}-${partition}`, code, message);
}

function resourceError(code: number, kind: string, name: string, message: string): TributaryError {
  return withReason(name === '' ? kind : `${kind} '${name}'`, name, code, message);
}

/**
 * grpc-js describes an unreachable broker in several sentences ("No connection
 * established. Last error: Error: connect ECONNREFUSED … Resolution note: ");
 * the CLI says which broker and the system error, on one line.
 */
export function connectionFailure(target: string, error: unknown): unknown {
  if (!(error instanceof TributaryError) || error.codeName !== 'NETWORK_EXCEPTION') return error;
  const systemError = /\b(E[A-Z]{3,}|getaddrinfo [A-Z_]+)\b/.exec(error.message)?.[1];
  const reason = systemError ?? error.message.split(/\.\s/)[0];
  return new TributaryError('NETWORK_EXCEPTION', `cannot reach the broker at ${target}: ${reason}`, { cause: error });
}
