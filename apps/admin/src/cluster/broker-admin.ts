import type { AdminClient, ItemResult } from '@tributary/client';
import { TributaryError } from '@tributary/errors';
import { ConfigSource } from '@tributary/proto';
import { loadClient } from './clients';

/**
 * How long one admin call may take, retries included (the admin client's
 * default.api.timeout.ms). Kafka's 60 s is long for someone waiting at a
 * prompt; `--api-timeout-ms` changes it.
 */
export const DEFAULT_API_TIMEOUT_MS = 30_000;

/** One partition of a topic as Metadata describes it. */
export interface PartitionDescription {
  readonly partition: number;
  /** -1 without a leader. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

/** A topic as Metadata describes it, partitions in order. */
export interface TopicDescription {
  readonly name: string;
  /** Kafka's display form of the 16-byte id: URL-safe base64 without padding; empty when unknown. */
  readonly topicId: string;
  readonly isInternal: boolean;
  readonly partitions: readonly PartitionDescription[];
}

/** One config of a topic or broker as DescribeConfigs returns it. */
export interface ConfigValue {
  readonly name: string;
  readonly value: string | null;
  /** Kafka's ConfigSource name, e.g. DYNAMIC_TOPIC_CONFIG or DEFAULT_CONFIG. */
  readonly source: string;
  readonly readOnly: boolean;
  readonly sensitive: boolean;
}

/** The cluster id, the active controller and the brokers. */
export interface ClusterDescription {
  readonly clusterId: string | null;
  readonly controllerId: number;
  readonly brokers: readonly { readonly nodeId: number; readonly host: string; readonly port: number; readonly rack: string | null }[];
}

/** A topic to create. */
export interface NewTopic {
  readonly name: string;
  /** -1: the broker's num.partitions. */
  readonly partitions: number;
  /** -1: the broker's default.replication.factor. */
  readonly replicationFactor: number;
  readonly configs: readonly { readonly key: string; readonly value: string }[];
}

/** One IncrementalAlterConfigs operation on a topic config. */
export interface ConfigChange {
  readonly name: string;
  /** A value to SET, or null to DELETE (revert to the default). */
  readonly value: string | null;
}

/**
 * The admin operations the CLI needs, one item at a time, over
 * `@tributary/client`'s AdminClient (gRPC transport): it finds the broker to
 * ask (partition leaders for DeleteRecords and ListOffsets, the broker itself
 * for its configs) and retries retriable failures until the API timeout.
 * Each method turns the client's per-item result into a value or a thrown
 * TributaryError, so a command sees one typed failure.
 */
export class BrokerAdmin {
  private constructor(private readonly admin: AdminClient) {}

  /** An admin client for `bootstrapServer` whose calls take at most `apiTimeoutMs`, retries included. */
  static async open(bootstrapServer: string, apiTimeoutMs = DEFAULT_API_TIMEOUT_MS, debug = false): Promise<BrokerAdmin> {
    const { lib, deps } = await loadClient(debug);
    return new BrokerAdmin(lib.createAdminClient({ 'bootstrap.servers': bootstrapServer, 'default.api.timeout.ms': apiTimeoutMs, 'request.timeout.ms': apiTimeoutMs }, deps));
  }

  close(): Promise<void> {
    return this.admin.close();
  }

  /** Every topic, internal ones included (`names` null), or the named ones; a missing one is UNKNOWN_TOPIC_OR_PARTITION. */
  async describeTopics(names: readonly string[] | null): Promise<TopicDescription[]> {
    const wanted = names ?? (await this.admin.listTopics({ listInternal: true }));
    const results = await this.admin.describeTopics(wanted);
    return results
      .map((result) => {
        const topic = valueOf(result, `topic '${result.name}'`, result.name);
        return { name: topic.name, topicId: topic.topicId ?? '', isInternal: topic.isInternal, partitions: topic.partitions };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async describeCluster(): Promise<ClusterDescription> {
    const cluster = await this.admin.describeCluster();
    return { clusterId: cluster.clusterId, controllerId: cluster.controllerId, brokers: cluster.nodes };
  }

  async createTopic(topic: NewTopic): Promise<void> {
    const [result] = await this.admin.createTopics([
      {
        name: topic.name,
        ...(topic.partitions > 0 ? { numPartitions: topic.partitions } : {}),
        ...(topic.replicationFactor > 0 ? { replicationFactor: topic.replicationFactor } : {}),
        configs: Object.fromEntries(topic.configs.map((c) => [c.key, c.value])),
      },
    ]);
    valueOf(result, `topic '${topic.name}'`, topic.name);
  }

  async deleteTopic(name: string): Promise<void> {
    const [result] = await this.admin.deleteTopics([name]);
    valueOf(result, `topic '${name}'`, name);
  }

  /** Grows the topic to `count` partitions in total. */
  async createPartitions(name: string, count: number): Promise<void> {
    const [result] = await this.admin.createPartitions([{ name, count }]);
    valueOf(result, `topic '${name}'`, name);
  }

  /** Every config of a topic, or of a broker (`nodeId`). */
  async describeConfigs(resource: { readonly type: 'topic'; readonly name: string } | { readonly type: 'broker'; readonly nodeId: number }): Promise<ConfigValue[]> {
    const [result] = await this.admin.describeConfigs([resource]);
    const described = valueOf(result, resource.type === 'topic' ? `topic '${resource.name}'` : `broker ${resource.nodeId}`, resource.type === 'topic' ? resource.name : `broker ${resource.nodeId}`);
    return described.configs
      .map((c) => ({ name: c.name, value: c.value, source: ConfigSource[c.configSource] ?? String(c.configSource), readOnly: c.readOnly, sensitive: c.isSensitive }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async alterTopicConfigs(name: string, changes: readonly ConfigChange[]): Promise<void> {
    const ops = changes.map((c) => (c.value === null ? { name: c.name, op: 'delete' as const } : { name: c.name, op: 'set' as const, value: c.value }));
    const [result] = await this.admin.incrementalAlterConfigs([{ resource: { type: 'topic', name }, ops }]);
    valueOf(result, `topic '${name}'`, name);
  }

  /** Deletes the records of a partition below `offset` (-1: the high watermark); resolves to the new log start offset. */
  async deleteRecordsBefore(topic: string, partition: number, offset: number): Promise<number> {
    const [result] = await this.admin.deleteRecords([{ topic, partition, offset }]);
    return valueOf(result, `partition ${topic}-${partition}`, `${topic}-${partition}`).lowWatermark;
  }

  /** The log start offset and log end offset of each partition. */
  async offsetRange(topic: string, partitions: readonly number[]): Promise<{ partition: number; logStartOffset: number; logEndOffset: number }[]> {
    const [earliest, latest] = await Promise.all(
      (['earliest', 'latest'] as const).map((spec) => this.admin.listOffsets(partitions.map((partition) => ({ topic, partition, spec })))),
    );
    return partitions.map((partition, i) => ({
      partition,
      logStartOffset: offsetOf(earliest[i], topic, partition),
      logEndOffset: offsetOf(latest[i], topic, partition),
    }));
  }
}

/**
 * The value of a successful item, or its error, with `what` it is about in
 * front unless the message already names `name` (the client's messages do
 * not always say which topic).
 */
function valueOf<R extends ItemResult<object, object>>(result: R | undefined, what: string, name: string): Extract<R, { readonly ok: true }> {
  if (result === undefined) throw new TributaryError('UNKNOWN_SERVER_ERROR', `${what}: no result`);
  if (result.ok) return result as Extract<R, { readonly ok: true }>;
  const { error } = result as Extract<R, { readonly ok: false }>;
  // Some results carry only a code ("partition t-0"): add what the code means.
  const detail = error.message.replace(what, '').replace(name, '').trim() === '' ? error.info.description : error.message;
  const message = detail.includes(name) ? detail : `${what}: ${detail}`;
  throw new TributaryError(error.code, message, { cause: error, retriable: error.retriable });
}

function offsetOf(found: { offset: number | null }, topic: string, partition: number): number {
  if (found.offset === null) throw new TributaryError('UNKNOWN_SERVER_ERROR', `no offset found for ${topic}-${partition}`);
  return found.offset;
}

/**
 * What the client reports when the broker cannot be reached — grpc-js's
 * multi-sentence "No connection established. Last error: … ECONNREFUSED …", or
 * the admin client's "call to HOST:PORT (… Waiting for LB pick): timed out"
 * once its retries ran out — said on one line: which broker, and the system
 * error when there is one.
 */
export function connectionFailure(target: string, error: unknown): unknown {
  if (!(error instanceof TributaryError) || (error.codeName !== 'NETWORK_EXCEPTION' && error.codeName !== 'REQUEST_TIMED_OUT')) return error;
  const systemError = /\b(E[A-Z]{3,}|Name resolution failed)\b/.exec(error.message)?.[1];
  if (systemError !== undefined) return new TributaryError(error.code, `cannot reach the broker at ${target}: ${systemError}`, { cause: error });
  if (/No connection established|Waiting for LB pick|Timed out waiting for cluster metadata/.test(error.message)) {
    return new TributaryError(error.code, `cannot reach the broker at ${target}: no connection before the API timeout (--api-timeout-ms)`, { cause: error });
  }
  return error;
}
