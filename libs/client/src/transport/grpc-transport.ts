import { BrokerService, type AlterConfigOp, type ConfigResourceType, type IsolationLevel } from '@tributary/proto';
import { createRpcClient, type RpcClient } from '@tributary/rpc';
import { TributaryError } from '@tributary/errors';
import type { ClientTransport, NodeTarget } from './transport';

/** The slice of the generated Broker client the transport uses (a fake can stand in for it). */
export type BrokerRpcClient = Pick<
  RpcClient<typeof BrokerService>,
  | 'metadata'
  | 'produce'
  | 'fetch'
  | 'listOffsets'
  | 'initProducerId'
  | 'createTopics'
  | 'deleteTopics'
  | 'createPartitions'
  | 'describeConfigs'
  | 'incrementalAlterConfigs'
  | 'deleteRecords'
  | 'close'
>;

export interface GrpcTransportOptions {
  /** Largest response accepted (fetch.max.bytes plus framing); default: the rpc library's. */
  readonly maxReceiveMessageBytes?: number;
  /** Largest request sent (max.request.size plus framing); default: the rpc library's. */
  readonly maxSendMessageBytes?: number;
  /** Makes the client of one broker (`host:port`); tests pass a fake. */
  readonly clientFactory?: (target: string) => BrokerRpcClient;
}

/** `host:port`, bracketing IPv6 hosts. */
function address(target: NodeTarget): string {
  return target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

/** Kafka prints topic ids as URL-safe base64 without padding; empty bytes mean "unknown". */
function topicIdString(bytes: Uint8Array): string | undefined {
  return bytes.length === 0 ? undefined : Buffer.from(bytes).toString('base64url');
}

/** Empty strings are the proto's "null". */
function nullIfEmpty(value: string): string | null {
  return value === '' ? null : value;
}

/**
 * The transport over the native gRPC API (`@tributary/rpc`, `BrokerService`):
 * one client (one connection) per broker address, created on first use and
 * closed by `close()`. Maps the port's messages to and from the generated
 * proto types; request-level failures arrive as TributaryErrors from the rpc
 * client (NETWORK_EXCEPTION and REQUEST_TIMED_OUT are retriable).
 */
export class GrpcTransport implements ClientTransport {
  private readonly clients = new Map<string, BrokerRpcClient>();
  private closed = false;

  constructor(private readonly options: GrpcTransportOptions = {}) {}

  private client(target: NodeTarget): BrokerRpcClient {
    if (this.closed) throw new TributaryError('NETWORK_EXCEPTION', 'the transport is closed', { retriable: false });
    const key = address(target);
    let client = this.clients.get(key);
    if (!client) {
      const { clientFactory, maxReceiveMessageBytes, maxSendMessageBytes } = this.options;
      client = clientFactory ? clientFactory(key) : createRpcClient(key, { service: BrokerService, maxReceiveMessageBytes, maxSendMessageBytes });
      this.clients.set(key, client);
    }
    return client;
  }

  async metadata(target: NodeTarget, request: Parameters<ClientTransport['metadata']>[1], options: { timeoutMs: number }) {
    const response = await this.client(target).metadata(
      { topics: (request.topics ?? []).map((name) => ({ name })), allTopics: request.topics === null, allowAutoTopicCreation: request.allowAutoTopicCreation },
      { deadlineMs: options.timeoutMs },
    );
    return {
      clusterId: nullIfEmpty(response.clusterId),
      controllerId: response.controllerId,
      brokers: response.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null })),
      topics: response.topics.map((t) => ({
        errorCode: t.errorCode,
        name: t.name,
        topicId: topicIdString(t.topicId),
        isInternal: t.isInternal,
        partitions: t.partitions.map((p) => ({
          errorCode: p.errorCode,
          partition: p.partitionIndex,
          leaderId: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicaNodes: p.replicaNodes,
          isrNodes: p.isrNodes,
          offlineReplicas: p.offlineReplicas,
        })),
      })),
    };
  }

  async produce(target: NodeTarget, request: Parameters<ClientTransport['produce']>[1], options: { timeoutMs: number }) {
    const response = await this.client(target).produce(
      {
        transactionalId: request.transactionalId ?? '',
        acks: request.acks,
        timeoutMs: request.timeoutMs,
        topicData: request.topics.map((t) => ({ name: t.name, partitionData: t.partitions.map((p) => ({ index: p.partition, records: p.records })) })),
      },
      { deadlineMs: options.timeoutMs },
    );
    return {
      throttleTimeMs: response.throttleTimeMs,
      topics: response.responses.map((t) => ({
        name: t.name,
        partitions: t.partitionResponses.map((p) => ({
          partition: p.index,
          errorCode: p.errorCode,
          errorMessage: nullIfEmpty(p.errorMessage),
          baseOffset: p.baseOffset,
          logAppendTimeMs: p.logAppendTimeMs,
          logStartOffset: p.logStartOffset,
        })),
      })),
    };
  }

  async fetch(target: NodeTarget, request: Parameters<ClientTransport['fetch']>[1], options: { timeoutMs: number }) {
    const response = await this.client(target).fetch(
      {
        replicaId: -1,
        maxWaitMs: request.maxWaitMs,
        minBytes: request.minBytes,
        maxBytes: request.maxBytes,
        isolationLevel: request.isolationLevel as number as IsolationLevel,
        rackId: '',
        topics: request.topics.map((t) => ({
          topic: t.name,
          partitions: t.partitions.map((p) => ({
            partition: p.partition,
            currentLeaderEpoch: p.currentLeaderEpoch,
            fetchOffset: p.fetchOffset,
            lastFetchedEpoch: -1,
            logStartOffset: p.logStartOffset,
            partitionMaxBytes: p.partitionMaxBytes,
          })),
        })),
      },
      { deadlineMs: options.timeoutMs },
    );
    return {
      errorCode: response.errorCode,
      throttleTimeMs: response.throttleTimeMs,
      topics: response.responses.map((t) => ({
        name: t.topic,
        partitions: t.partitions.map((p) => ({
          partition: p.partitionIndex,
          errorCode: p.errorCode,
          highWatermark: p.highWatermark,
          lastStableOffset: p.lastStableOffset,
          logStartOffset: p.logStartOffset,
          abortedTransactions: p.abortedTransactions.map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset })),
          records: p.records.length > 0 ? p.records : null,
        })),
      })),
    };
  }

  async listOffsets(target: NodeTarget, request: Parameters<ClientTransport['listOffsets']>[1], options: { timeoutMs: number }) {
    const response = await this.client(target).listOffsets(
      {
        replicaId: -1,
        isolationLevel: request.isolationLevel as number as IsolationLevel,
        topics: request.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, currentLeaderEpoch: p.currentLeaderEpoch, timestamp: p.timestamp })),
        })),
      },
      { deadlineMs: options.timeoutMs },
    );
    return {
      topics: response.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, errorCode: p.errorCode, timestamp: p.timestamp, offset: p.offset, leaderEpoch: p.leaderEpoch })),
      })),
    };
  }

  async initProducerId(target: NodeTarget, request: Parameters<ClientTransport['initProducerId']>[1], options: { timeoutMs: number }) {
    const response = await this.client(target).initProducerId(
      { transactionalId: request.transactionalId ?? '', transactionTimeoutMs: request.transactionTimeoutMs, producerId: request.producerId, producerEpoch: request.producerEpoch },
      { deadlineMs: options.timeoutMs },
    );
    return { errorCode: response.errorCode, producerId: response.producerId, producerEpoch: response.producerEpoch, throttleTimeMs: response.throttleTimeMs };
  }

  async createTopics(target: NodeTarget, request: Parameters<ClientTransport['createTopics']>[1], options: { timeoutMs: number }) {
    const response = await this.client(target).createTopics(
      {
        timeoutMs: request.timeoutMs,
        validateOnly: request.validateOnly,
        topics: request.topics.map((t) => ({
          name: t.name,
          numPartitions: t.numPartitions,
          replicationFactor: t.replicationFactor,
          assignments: t.assignments.map((a) => ({ partitionIndex: a.partition, brokerIds: [...a.brokerIds] })),
          configs: t.configs.map((c) => (c.value === null ? { name: c.name } : { name: c.name, value: c.value })),
        })),
      },
      { deadlineMs: options.timeoutMs },
    );
    return {
      topics: response.topics.map((t) => ({
        name: t.name,
        topicId: topicIdString(t.topicId),
        errorCode: t.errorCode,
        errorMessage: nullIfEmpty(t.errorMessage),
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
      })),
    };
  }

  async deleteTopics(target: NodeTarget, request: Parameters<ClientTransport['deleteTopics']>[1], options: { timeoutMs: number }) {
    const response = await this.client(target).deleteTopics({ topicNames: [...request.topicNames], timeoutMs: request.timeoutMs }, { deadlineMs: options.timeoutMs });
    return { responses: response.responses.map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: nullIfEmpty(r.errorMessage) })) };
  }

  async createPartitions(target: NodeTarget, request: Parameters<ClientTransport['createPartitions']>[1], options: { timeoutMs: number }) {
    const response = await this.client(target).createPartitions(
      {
        timeoutMs: request.timeoutMs,
        validateOnly: request.validateOnly,
        topics: request.topics.map((t) => ({ name: t.name, count: t.count, assignments: (t.assignments ?? []).map((brokerIds) => ({ brokerIds: [...brokerIds] })) })),
      },
      { deadlineMs: options.timeoutMs },
    );
    return { results: response.results.map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: nullIfEmpty(r.errorMessage) })) };
  }

  async describeConfigs(target: NodeTarget, request: Parameters<ClientTransport['describeConfigs']>[1], options: { timeoutMs: number }) {
    const response = await this.client(target).describeConfigs(
      {
        includeSynonyms: request.includeSynonyms,
        includeDocumentation: request.includeDocumentation,
        resources: request.resources.map((r) => ({
          resourceType: r.resourceType as number as ConfigResourceType,
          resourceName: r.resourceName,
          configurationKeys: [...(r.configurationKeys ?? [])],
        })),
      },
      { deadlineMs: options.timeoutMs },
    );
    return {
      results: response.results.map((r) => ({
        errorCode: r.errorCode,
        errorMessage: nullIfEmpty(r.errorMessage),
        resourceType: r.resourceType as number,
        resourceName: r.resourceName,
        configs: r.configs.map((c) => ({
          name: c.name,
          value: c.value ?? null,
          readOnly: c.readOnly,
          configSource: c.configSource as number,
          isSensitive: c.isSensitive,
          documentation: c.documentation ?? null,
        })),
      })),
    };
  }

  async incrementalAlterConfigs(target: NodeTarget, request: Parameters<ClientTransport['incrementalAlterConfigs']>[1], options: { timeoutMs: number }) {
    const response = await this.client(target).incrementalAlterConfigs(
      {
        validateOnly: request.validateOnly,
        resources: request.resources.map((r) => ({
          resourceType: r.resourceType as number as ConfigResourceType,
          resourceName: r.resourceName,
          configs: r.configs.map((c) => {
            const op = c.configOperation as number as AlterConfigOp;
            return c.value === null ? { name: c.name, configOperation: op } : { name: c.name, configOperation: op, value: c.value };
          }),
        })),
      },
      { deadlineMs: options.timeoutMs },
    );
    return {
      responses: response.responses.map((r) => ({
        errorCode: r.errorCode,
        errorMessage: nullIfEmpty(r.errorMessage),
        resourceType: r.resourceType as number,
        resourceName: r.resourceName,
      })),
    };
  }

  async deleteRecords(target: NodeTarget, request: Parameters<ClientTransport['deleteRecords']>[1], options: { timeoutMs: number }) {
    const response = await this.client(target).deleteRecords(
      {
        timeoutMs: request.timeoutMs,
        topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, offset: p.offset })) })),
      },
      { deadlineMs: options.timeoutMs },
    );
    return {
      topics: response.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, lowWatermark: p.lowWatermark, errorCode: p.errorCode })),
      })),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

/** The transport over the native gRPC API. */
export function createGrpcTransport(options: GrpcTransportOptions = {}): ClientTransport {
  return new GrpcTransport(options);
}
