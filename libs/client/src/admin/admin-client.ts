import { ErrorCode, TributaryError, toTributaryError } from '@tributary/errors';
import { topicPartitionKey, type Prng, type Scheduler, type TopicPartition } from '@tributary/util';
import { backoffMs } from '../common/backoff';
import { parseBootstrapServers } from '../common/bootstrap';
import { consoleLogger, defaultKeepAlive, defaultPrng, defaultScheduler, defaultTransport, type ClientDeps } from '../common/client-deps';
import { keepAliveWhile, type KeepAlive } from '../common/keep-alive';
import { timeoutError, withTimeout } from '../common/deadline';
import { MetadataManager } from '../common/metadata-manager';
import { OffsetLookup } from '../common/offset-lookup';
import {
  AlterConfigOp,
  ConfigResourceType,
  IsolationLevel,
  OffsetSpec,
  type AlterConfigOpNumber,
  type BrokerMetadata,
  type CallOptions,
  type ClientTransport,
  type ConfigResourceTypeNumber,
  type DescribedConfig,
  type MetadataResponse,
  type NodeTarget,
} from '../transport/transport';
import { parseAdminConfig, type AdminConfig, type AdminConfigInput } from './admin-config';

/** One item's outcome: its key fields, then either its result (`ok: true`) or its error. */
export type ItemResult<Key, Value> = (Key & Value & { readonly ok: true }) | (Key & { readonly ok: false; readonly error: TributaryError });

export interface NewTopic {
  readonly name: string;
  /** Omit for the broker default (or with `replicaAssignments`). */
  readonly numPartitions?: number;
  /** Omit for the broker default (or with `replicaAssignments`). */
  readonly replicationFactor?: number;
  /** partition → broker ids. */
  readonly replicaAssignments?: Readonly<Record<number, readonly number[]>>;
  readonly configs?: Readonly<Record<string, string>>;
}

export interface TopicDescription {
  readonly name: string;
  readonly topicId: string | undefined;
  readonly isInternal: boolean;
  readonly partitions: readonly { readonly partition: number; readonly leader: number; readonly leaderEpoch: number; readonly replicas: readonly number[]; readonly isr: readonly number[] }[];
}

export interface ClusterDescription {
  readonly clusterId: string | null;
  readonly controllerId: number;
  readonly nodes: readonly BrokerMetadata[];
}

export type ConfigResource = { readonly type: 'topic'; readonly name: string } | { readonly type: 'broker'; readonly nodeId: number };

export interface AlterConfigOperation {
  readonly name: string;
  readonly op: 'set' | 'delete' | 'append' | 'subtract';
  /** Required except for `delete`. */
  readonly value?: string;
}

export type OffsetQuery = 'earliest' | 'latest' | 'max-timestamp' | { readonly timestamp: number };

export interface AdminCallOptions {
  /** Overall timeout of the call, retries included (default.api.timeout.ms). */
  readonly timeoutMs?: number;
}

const RESOURCE_TYPES: Record<ConfigResource['type'], ConfigResourceTypeNumber> = { topic: ConfigResourceType.TOPIC, broker: ConfigResourceType.BROKER };
const OPS: Record<AlterConfigOperation['op'], AlterConfigOpNumber> = { set: AlterConfigOp.SET, delete: AlterConfigOp.DELETE, append: AlterConfigOp.APPEND, subtract: AlterConfigOp.SUBTRACT };

function itemError(code: number, message: string | null | undefined): TributaryError {
  return new TributaryError(code, message || undefined);
}

/** A resource whose broker could not be asked. */
interface GroupFailure {
  readonly resource: ConfigResource;
  readonly failure: TributaryError;
}

/** The broker's answer for `resource`, or the error of its group when its broker could not be asked. */
function resultFor<T extends { resourceType: number; resourceName: string }>(results: readonly (T | GroupFailure)[], resource: ConfigResource): T | TributaryError | undefined {
  for (const r of results) {
    if ('failure' in r) {
      if (r.resource === resource) return r.failure;
    } else if (r.resourceType === RESOURCE_TYPES[resource.type] && r.resourceName === resourceName(resource)) {
      return r;
    }
  }
  return undefined;
}

function resourceName(resource: ConfigResource): string {
  return resource.type === 'topic' ? resource.name : String(resource.nodeId);
}

/**
 * The admin client: topic, partition, config and record administration over
 * the transport port. Every batch call resolves with one typed result per
 * item (`ok` or its `error`); it rejects only when the call as a whole fails
 * (no broker answered before the timeout, a non-retriable request error).
 */
export class AdminClient {
  readonly config: AdminConfig;
  private readonly scheduler: Scheduler;
  private readonly prng: Prng;
  private readonly transport: ClientTransport;
  private readonly bootstrap: readonly NodeTarget[];
  private readonly metadata: MetadataManager;
  private readonly offsets: OffsetLookup;
  private readonly keepAlive: KeepAlive;
  private nextNode = 0;
  private closed = false;

  constructor(config: AdminConfigInput, deps: ClientDeps = {}) {
    this.config = parseAdminConfig(config);
    const cfg = this.config;
    this.scheduler = defaultScheduler(deps);
    this.prng = defaultPrng(deps);
    this.transport = defaultTransport(deps);
    this.keepAlive = defaultKeepAlive(deps);
    this.bootstrap = parseBootstrapServers(cfg['bootstrap.servers']);
    const logger = deps.logger ?? consoleLogger;
    this.metadata = new MetadataManager({
      transport: this.transport,
      scheduler: this.scheduler,
      prng: this.prng,
      bootstrap: this.bootstrap,
      requestTimeoutMs: cfg['request.timeout.ms'],
      retryBackoffMs: cfg['retry.backoff.ms'],
      retryBackoffMaxMs: cfg['retry.backoff.max.ms'],
      metadataMaxAgeMs: cfg['metadata.max.age.ms'],
      allowAutoTopicCreation: false,
      onError: (error) => logger.warn('metadata request failed', error),
    });
    this.offsets = new OffsetLookup({
      metadata: this.metadata,
      transport: this.transport,
      scheduler: this.scheduler,
      prng: this.prng,
      requestTimeoutMs: cfg['request.timeout.ms'],
      retryBackoffMs: cfg['retry.backoff.ms'],
      retryBackoffMaxMs: cfg['retry.backoff.max.ms'],
    });
  }

  async createTopics(
    topics: readonly NewTopic[],
    options: AdminCallOptions & { readonly validateOnly?: boolean } = {},
  ): Promise<ItemResult<{ name: string }, { topicId: string | undefined; numPartitions: number; replicationFactor: number }>[]> {
    const timeoutMs = this.timeoutOf(options);
    const response = await this.callAnyNode((t, o) =>
      this.transport.createTopics(
        t,
        {
          topics: topics.map((topic) => ({
            name: topic.name,
            numPartitions: topic.numPartitions ?? -1,
            replicationFactor: topic.replicationFactor ?? -1,
            assignments: Object.entries(topic.replicaAssignments ?? {}).map(([partition, brokerIds]) => ({ partition: Number(partition), brokerIds })),
            configs: Object.entries(topic.configs ?? {}).map(([name, value]) => ({ name, value })),
          })),
          timeoutMs,
          validateOnly: options.validateOnly ?? false,
        },
        o,
      ),
    timeoutMs);
    const byName = new Map(response.topics.map((t) => [t.name, t]));
    return topics.map(({ name }) => {
      const r = byName.get(name);
      if (!r) return { name, ok: false as const, error: new TributaryError('UNKNOWN_SERVER_ERROR', `no result for topic ${name}`) };
      if (r.errorCode !== ErrorCode.NONE) return { name, ok: false as const, error: itemError(r.errorCode, r.errorMessage) };
      return { name, ok: true as const, topicId: r.topicId, numPartitions: r.numPartitions, replicationFactor: r.replicationFactor };
    });
  }

  async deleteTopics(names: readonly string[], options: AdminCallOptions = {}): Promise<ItemResult<{ name: string }, object>[]> {
    const timeoutMs = this.timeoutOf(options);
    const response = await this.callAnyNode((t, o) => this.transport.deleteTopics(t, { topicNames: names, timeoutMs }, o), timeoutMs);
    const byName = new Map(response.responses.map((r) => [r.name, r]));
    return names.map((name) => this.simpleResult({ name }, byName.get(name), `topic ${name}`));
  }

  /** Raises each topic's partition count to `count` (assignments: replicas of each new partition). */
  async createPartitions(
    topics: readonly { readonly name: string; readonly count: number; readonly assignments?: readonly (readonly number[])[] }[],
    options: AdminCallOptions & { readonly validateOnly?: boolean } = {},
  ): Promise<ItemResult<{ name: string }, object>[]> {
    const timeoutMs = this.timeoutOf(options);
    const response = await this.callAnyNode(
      (t, o) =>
        this.transport.createPartitions(
          t,
          { topics: topics.map((x) => ({ name: x.name, count: x.count, assignments: x.assignments ?? null })), timeoutMs, validateOnly: options.validateOnly ?? false },
          o,
        ),
      timeoutMs,
    );
    const byName = new Map(response.results.map((r) => [r.name, r]));
    return topics.map(({ name }) => this.simpleResult({ name }, byName.get(name), `topic ${name}`));
  }

  /** Topic names (internal topics only when asked). */
  async listTopics(options: AdminCallOptions & { readonly listInternal?: boolean } = {}): Promise<string[]> {
    const response = await this.metadataOf(null, this.timeoutOf(options));
    return response.topics.filter((t) => t.errorCode === ErrorCode.NONE && (options.listInternal || !t.isInternal)).map((t) => t.name).sort();
  }

  async describeTopics(names: readonly string[], options: AdminCallOptions = {}): Promise<ItemResult<{ name: string }, TopicDescription>[]> {
    const response = await this.metadataOf(names, this.timeoutOf(options));
    const byName = new Map(response.topics.map((t) => [t.name, t]));
    return names.map((name) => {
      const t = byName.get(name);
      if (!t) return { name, ok: false as const, error: new TributaryError('UNKNOWN_TOPIC_OR_PARTITION', `no metadata for topic ${name}`) };
      if (t.errorCode !== ErrorCode.NONE) return { name, ok: false as const, error: new TributaryError(t.errorCode, `topic ${name}`) };
      return {
        name,
        ok: true as const,
        topicId: t.topicId,
        isInternal: t.isInternal,
        partitions: [...t.partitions]
          .sort((a, b) => a.partition - b.partition)
          .map((p) => ({ partition: p.partition, leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes, isr: p.isrNodes })),
      };
    });
  }

  async describeCluster(options: AdminCallOptions = {}): Promise<ClusterDescription> {
    const response = await this.metadataOf([], this.timeoutOf(options));
    return { clusterId: response.clusterId, controllerId: response.controllerId, nodes: response.brokers };
  }

  /** Configs of topics and brokers (all keys, or `keys`). Broker resources are asked of that broker. */
  async describeConfigs(
    resources: readonly ConfigResource[],
    options: AdminCallOptions & { readonly keys?: readonly string[]; readonly includeDocumentation?: boolean } = {},
  ): Promise<ItemResult<{ resource: ConfigResource }, { configs: readonly DescribedConfig[] }>[]> {
    const timeoutMs = this.timeoutOf(options);
    const results = await Promise.all(
      this.groupByTarget(resources).map(({ nodeId, items }) =>
        this.perBrokerGroup(nodeId, items, () => this.callNode(
          nodeId,
          (t, o) =>
            this.transport.describeConfigs(
              t,
              {
                resources: items.map((r) => ({ resourceType: RESOURCE_TYPES[r.type], resourceName: resourceName(r), configurationKeys: options.keys ?? null })),
                includeSynonyms: false,
                includeDocumentation: options.includeDocumentation ?? false,
              },
              o,
            ),
          timeoutMs,
        ).then((response) => response.results)),
      ),
    );
    const flat = results.flat();
    return resources.map((resource) => {
      const r = resultFor(flat, resource);
      if (r instanceof TributaryError) return { resource, ok: false as const, error: r };
      if (!r) return { resource, ok: false as const, error: new TributaryError('UNKNOWN_SERVER_ERROR', `no result for ${resource.type} ${resourceName(resource)}`) };
      if (r.errorCode !== ErrorCode.NONE) return { resource, ok: false as const, error: itemError(r.errorCode, r.errorMessage) };
      return { resource, ok: true as const, configs: r.configs };
    });
  }

  /** Kafka's incrementalAlterConfigs: set/delete/append/subtract per key, per resource. */
  async incrementalAlterConfigs(
    changes: readonly { readonly resource: ConfigResource; readonly ops: readonly AlterConfigOperation[] }[],
    options: AdminCallOptions & { readonly validateOnly?: boolean } = {},
  ): Promise<ItemResult<{ resource: ConfigResource }, object>[]> {
    for (const change of changes) {
      const bad = change.ops.find((op) => op.op !== 'delete' && op.value === undefined);
      if (bad) throw new TributaryError('INVALID_REQUEST', `config ${bad.name}: ${bad.op} needs a value`, { retriable: false });
    }
    const timeoutMs = this.timeoutOf(options);
    const results = await Promise.all(
      this.groupByTarget(changes.map((c) => c.resource)).map(async ({ nodeId, items }) => {
        const mine = changes.filter((c) => items.includes(c.resource));
        return this.perBrokerGroup(nodeId, items, () => this.callNode(
          nodeId,
          (t, o) =>
            this.transport.incrementalAlterConfigs(
              t,
              {
                resources: mine.map((c) => ({
                  resourceType: RESOURCE_TYPES[c.resource.type],
                  resourceName: resourceName(c.resource),
                  configs: c.ops.map((op) => ({ name: op.name, configOperation: OPS[op.op], value: op.value ?? null })),
                })),
                validateOnly: options.validateOnly ?? false,
              },
              o,
            ),
          timeoutMs,
        ).then((response) => response.responses));
      }),
    );
    const flat = results.flat();
    return changes.map(({ resource }) => {
      const r = resultFor(flat, resource);
      if (r instanceof TributaryError) return { resource, ok: false as const, error: r };
      return this.simpleResult({ resource }, r, `${resource.type} ${resourceName(resource)}`);
    });
  }

  /** Deletes records below `offset` (-1: the high watermark) by moving each partition's log start; asks each leader. */
  deleteRecords(
    partitions: readonly (TopicPartition & { readonly offset: number })[],
    options: AdminCallOptions = {},
  ): Promise<ItemResult<TopicPartition, { lowWatermark: number }>[]> {
    return keepAliveWhile(this.keepAlive, this.doDeleteRecords(partitions, options));
  }

  private async doDeleteRecords(
    partitions: readonly (TopicPartition & { readonly offset: number })[],
    options: AdminCallOptions,
  ): Promise<ItemResult<TopicPartition, { lowWatermark: number }>[]> {
    const timeoutMs = this.timeoutOf(options);
    const deadline = this.scheduler.monotonicMs() + timeoutMs;
    const results = new Map<string, ItemResult<TopicPartition, { lowWatermark: number }>>();
    let pending = [...partitions];
    this.metadata.addTopics(new Set(partitions.map((p) => p.topic)));
    for (let attempt = 0; pending.length > 0; attempt++) {
      await this.awaitMetadata(deadline);
      const byLeader = new Map<number, { target: NodeTarget; items: typeof pending }>();
      for (const item of pending) {
        const topicError = this.metadata.cluster.topicErrorCode(item.topic);
        const leader = this.metadata.cluster.leaderFor(item);
        if (topicError !== undefined && topicError !== ErrorCode.NONE && !new TributaryError(topicError).retriable) {
          results.set(topicPartitionKey(item), { topic: item.topic, partition: item.partition, ok: false, error: new TributaryError(topicError, `topic ${item.topic}`) });
        } else if (leader) {
          const group = byLeader.get(leader.nodeId) ?? { target: leader, items: [] };
          group.items.push(item);
          byLeader.set(leader.nodeId, group);
        }
      }
      await Promise.all(
        [...byLeader.values()].map(async ({ target, items }) => {
          const topics = [...new Set(items.map((i) => i.topic))].map((name) => ({
            name,
            partitions: items.filter((i) => i.topic === name).map((i) => ({ partition: i.partition, offset: i.offset })),
          }));
          try {
            const response = await this.send(target, (t, o) => this.transport.deleteRecords(t, { topics, timeoutMs }, o), deadline);
            for (const topic of response.topics) {
              for (const p of topic.partitions) {
                const tp = { topic: topic.name, partition: p.partition };
                if (p.errorCode === ErrorCode.NONE) results.set(topicPartitionKey(tp), { ...tp, ok: true, lowWatermark: p.lowWatermark });
                else if (new TributaryError(p.errorCode).retriable) this.metadata.requestUpdate();
                else results.set(topicPartitionKey(tp), { ...tp, ok: false, error: new TributaryError(p.errorCode, `partition ${topicPartitionKey(tp)}`) });
              }
            }
          } catch (error) {
            if (!toTributaryError(error).retriable) throw error;
            this.metadata.requestUpdate();
          }
        }),
      );
      pending = pending.filter((p) => !results.has(topicPartitionKey(p)));
      if (pending.length > 0) await this.backoff(attempt, deadline, `deleteRecords for ${pending.map(topicPartitionKey).join(', ')}`);
    }
    return partitions.map((p) => results.get(topicPartitionKey(p)) as ItemResult<TopicPartition, { lowWatermark: number }>);
  }

  /** Offsets by spec: earliest, latest, max-timestamp, or the first at/after a timestamp (offset null when none). */
  async listOffsets(
    queries: readonly (TopicPartition & { readonly spec: OffsetQuery })[],
    options: AdminCallOptions & { readonly isolationLevel?: 'read_uncommitted' | 'read_committed' } = {},
  ): Promise<(TopicPartition & { offset: number | null; timestamp: number; leaderEpoch: number })[]> {
    const specs = queries.map((q) => ({
      tp: q,
      timestamp: q.spec === 'earliest' ? OffsetSpec.EARLIEST : q.spec === 'latest' ? OffsetSpec.LATEST : q.spec === 'max-timestamp' ? OffsetSpec.MAX_TIMESTAMP : q.spec.timestamp,
    }));
    const isolation = options.isolationLevel === 'read_committed' ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED;
    const found = await keepAliveWhile(this.keepAlive, this.offsets.lookup(specs, this.scheduler.monotonicMs() + this.timeoutOf(options), isolation));
    return queries.map((q) => {
      const hit = found.get(topicPartitionKey(q));
      return { topic: q.topic, partition: q.partition, offset: hit?.offset ?? null, timestamp: hit?.timestamp ?? -1, leaderEpoch: hit?.leaderEpoch ?? -1 };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.metadata.close();
    await this.transport.close();
  }

  // ---- internals ----

  private timeoutOf(options: AdminCallOptions): number {
    if (this.closed) throw new TributaryError('INVALID_REQUEST', 'The admin client is closed.', { retriable: false });
    return options.timeoutMs ?? this.config['default.api.timeout.ms'];
  }

  private simpleResult<K extends object>(key: K, r: { errorCode: number; errorMessage: string | null } | undefined, what: string): ItemResult<K, object> {
    if (!r) return { ...key, ok: false, error: new TributaryError('UNKNOWN_SERVER_ERROR', `no result for ${what}`) };
    if (r.errorCode !== ErrorCode.NONE) return { ...key, ok: false, error: itemError(r.errorCode, r.errorMessage) };
    return { ...key, ok: true };
  }

  /**
   * Requests for one broker's own resources fail per item (that broker may be
   * down or unknown) instead of failing the whole call.
   */
  private async perBrokerGroup<T>(nodeId: number | undefined, items: readonly ConfigResource[], call: () => Promise<readonly T[]>): Promise<readonly (T | GroupFailure)[]> {
    if (nodeId === undefined) return call();
    try {
      return await call();
    } catch (error) {
      return items.map((resource) => ({ resource, failure: toTributaryError(error) }));
    }
  }

  private groupByTarget<R extends ConfigResource>(resources: readonly R[]): { nodeId: number | undefined; items: R[] }[] {
    const groups = new Map<number | undefined, R[]>();
    for (const r of resources) {
      const nodeId = r.type === 'broker' ? r.nodeId : undefined;
      groups.set(nodeId, [...(groups.get(nodeId) ?? []), r]);
    }
    return [...groups].map(([nodeId, items]) => ({ nodeId, items }));
  }

  private metadataOf(topics: readonly string[] | null, timeoutMs: number): Promise<MetadataResponse> {
    return this.callAnyNode((t, o) => this.transport.metadata(t, { topics, allowAutoTopicCreation: false }, o), timeoutMs);
  }

  /** Sends to any broker (round-robin over known brokers, else bootstrap), retrying retriable request failures until the timeout. */
  private callAnyNode<T>(call: (target: NodeTarget, options: CallOptions) => Promise<T>, timeoutMs: number): Promise<T> {
    return this.callNode(undefined, call, timeoutMs);
  }

  private callNode<T>(nodeId: number | undefined, call: (target: NodeTarget, options: CallOptions) => Promise<T>, timeoutMs: number): Promise<T> {
    return keepAliveWhile(this.keepAlive, this.callWithRetries(nodeId, call, timeoutMs));
  }

  private async callWithRetries<T>(nodeId: number | undefined, call: (target: NodeTarget, options: CallOptions) => Promise<T>, timeoutMs: number): Promise<T> {
    const deadline = this.scheduler.monotonicMs() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const target = nodeId === undefined ? this.anyNode() : await this.nodeById(nodeId, deadline);
      try {
        return await this.send(target, call, deadline);
      } catch (error) {
        const failure = toTributaryError(error, 'NETWORK_EXCEPTION');
        if (!failure.retriable) throw failure;
        await this.backoff(attempt, deadline, `call to ${target.host}:${target.port} (${failure.message})`);
      }
    }
  }

  private send<T>(target: NodeTarget, call: (target: NodeTarget, options: CallOptions) => Promise<T>, deadline: number): Promise<T> {
    const timeoutMs = Math.max(0, Math.min(this.config['request.timeout.ms'], deadline - this.scheduler.monotonicMs()));
    return withTimeout(call(target, { timeoutMs }), this.scheduler, timeoutMs, `Admin request to ${target.host}:${target.port}`);
  }

  private anyNode(): NodeTarget {
    const nodes = this.metadata.cluster.nodes();
    const candidates: readonly NodeTarget[] = nodes.length > 0 ? nodes : this.bootstrap;
    return candidates[this.nextNode++ % candidates.length];
  }

  private async nodeById(nodeId: number, deadline: number): Promise<NodeTarget> {
    for (;;) {
      const node = this.metadata.cluster.node(nodeId);
      if (node) return node;
      if (this.metadata.version > 0 && this.metadata.cluster.nodes().length > 0 && !node) {
        throw new TributaryError('BROKER_NOT_AVAILABLE', `broker ${nodeId} is not in the cluster metadata`);
      }
      await this.awaitMetadata(deadline);
    }
  }

  private async awaitMetadata(deadline: number): Promise<void> {
    const left = deadline - this.scheduler.monotonicMs();
    if (left <= 0) throw timeoutError('Timed out waiting for cluster metadata');
    await new Promise<void>((resolve) => {
      const timer = this.scheduler.schedule(left, resolve);
      void this.metadata.waitForUpdate().then(() => {
        timer.cancel();
        resolve();
      });
    });
  }

  private async backoff(attempt: number, deadline: number, what: string): Promise<void> {
    const left = deadline - this.scheduler.monotonicMs();
    if (left <= 0) throw timeoutError(`${what}: timed out`);
    const waitMs = Math.min(left, backoffMs(attempt, this.config['retry.backoff.ms'], this.config['retry.backoff.max.ms'], this.prng));
    await new Promise<void>((resolve) => this.scheduler.schedule(waitMs, resolve));
  }
}

/** Creates an admin client: `createAdminClient({ 'bootstrap.servers': 'localhost:9290' }, deps)`. */
export function createAdminClient(config: AdminConfigInput, deps: ClientDeps = {}): AdminClient {
  return new AdminClient(config, deps);
}
