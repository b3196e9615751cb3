import { ErrorCode, TributaryError } from '@tributary/errors';
import { iterateBatches, type RecordBatchHeader } from '@tributary/records';
import type { Scheduler } from '@tributary/util';
import { recordsBatchCodec } from '../common/records-codec';
import type {
  ApiName,
  BrokerMetadata,
  ClientTransport,
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteRecordsRequest,
  DeleteRecordsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DescribeConfigsRequest,
  DescribeConfigsResponse,
  FetchPartitionResponse,
  FetchRequest,
  FetchResponse,
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
  InitProducerIdRequest,
  InitProducerIdResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  MetadataRequest,
  MetadataResponse,
  NodeTarget,
  ProducePartitionResponse,
  ProduceRequest,
  ProduceResponse,
} from '../transport/transport';

/** How often a held (long-poll) fetch looks for new data. */
const FETCH_RECHECK_MS = 5;

interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly header: RecordBatchHeader;
  readonly bytes: Buffer;
}

interface ProducerEntry {
  epoch: number;
  lastSequence: number;
  /** The last five batches, for duplicate detection (as Kafka's broker). */
  recent: { firstSeq: number; lastSeq: number; baseOffset: number }[];
}

interface PartitionLog {
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  batches: StoredBatch[];
  logStartOffset: number;
  nextOffset: number;
  producers: Map<number, ProducerEntry>;
}

/** A recorded request, for assertions. */
export interface RecordedRequest {
  readonly api: ApiName;
  readonly target: NodeTarget;
  readonly request: unknown;
  readonly atMs: number;
}

type Fault =
  | { readonly kind: 'reject'; readonly error: TributaryError }
  | { readonly kind: 'hang'; readonly afterProcessing: boolean }
  | { readonly kind: 'partition-error'; readonly code: number; readonly append: boolean };

interface Held {
  readonly release: () => void;
}

/**
 * An in-memory cluster behind the transport port, for tests: brokers, topics
 * with partition logs of real RecordBatch v2 bytes, leaders, idempotent
 * producer state (sequence checks, duplicates of the last five batches), and
 * fault injection: partition errors (with or without appending), rejected or
 * hanging requests, held responses. Answers asynchronously (a microtask), or
 * after `latencyMs` on the scheduler.
 */
export class FakeCluster implements ClientTransport {
  readonly brokers: BrokerMetadata[];
  readonly requests: RecordedRequest[] = [];
  private readonly logs = new Map<string, PartitionLog>();
  private readonly topics = new Map<string, { id: string; configs: Map<string, string> }>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly heldApis = new Set<ApiName>();
  private readonly aborted = new Map<string, { producerId: number; firstOffset: number }[]>();
  private held: Held[] = [];
  private nextProducerId = 1000;
  private closed = false;
  latencyMs = 0;

  constructor(
    private readonly scheduler: Scheduler,
    brokerCount = 1,
    address: (nodeId: number) => { host: string; port: number } = (nodeId) => ({ host: `broker-${nodeId}`, port: 9290 }),
  ) {
    this.brokers = Array.from({ length: brokerCount }, (_, i) => ({ nodeId: i, ...address(i), rack: null }));
  }

  // ---- test controls ----

  createTopic(name: string, partitions: number, leaderOf: (partition: number) => number = (p) => p % this.brokers.length): void {
    this.topics.set(name, { id: `id-${name}`, configs: new Map() });
    for (let p = 0; p < partitions; p++) {
      const leader = leaderOf(p);
      this.logs.set(`${name}-${p}`, { leader, leaderEpoch: 0, replicas: [leader], batches: [], logStartOffset: 0, nextOffset: 0, producers: new Map() });
    }
  }

  /** Moves leadership (bumping the leader epoch); -1 for no leader. */
  setLeader(topic: string, partition: number, nodeId: number): void {
    const log = this.log(topic, partition);
    log.leader = nodeId;
    log.leaderEpoch++;
  }

  /** The next `times` produce attempts to the partition answer `code`; with `append` the batch is written first (a lost ack). */
  failProduce(topic: string, partition: number, code: number, times = 1, append = false): void {
    this.addFault(`produce:${topic}-${partition}`, { kind: 'partition-error', code, append }, times);
  }

  /** The next `times` fetches of the partition answer `code`. */
  failFetch(topic: string, partition: number, code: number, times = 1): void {
    this.addFault(`fetch:${topic}-${partition}`, { kind: 'partition-error', code, append: false }, times);
  }

  /** The next `times` calls of `api` reject with `error` (a request-level failure). */
  rejectNext(api: ApiName, error: TributaryError, times = 1): void {
    this.addFault(api, { kind: 'reject', error }, times);
  }

  /**
   * The next `times` calls of `api` never answer (the client's request timeout
   * must fire); with `afterProcessing` the broker does the work first (e.g.
   * appends the batch) and only the answer is lost.
   */
  hangNext(api: ApiName, times = 1, options: { afterProcessing?: boolean } = {}): void {
    this.addFault(api, { kind: 'hang', afterProcessing: options.afterProcessing ?? false }, times);
  }

  /** Reported as the partition's aborted transactions in every fetch answer (read_committed tests). */
  setAbortedTransactions(topic: string, partition: number, aborted: { producerId: number; firstOffset: number }[]): void {
    this.aborted.set(`${topic}-${partition}`, aborted);
  }

  /** Drops every injected fault not used yet. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Holds the answers of `api` until `release`. */
  hold(api: ApiName): void {
    this.heldApis.add(api);
  }

  /** Releases held answers (all, or the first `count`) and stops holding. */
  release(api: ApiName, count = Number.POSITIVE_INFINITY): void {
    this.heldApis.delete(api);
    const now = this.held.slice(0, count);
    this.held = this.held.slice(now.length);
    for (const h of now) h.release();
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Appends raw records directly (as another producer would). */
  append(topic: string, partition: number, bytes: Buffer): number {
    return this.appendBatch(this.log(topic, partition), bytes);
  }

  /** Every record of a partition, decoded. */
  records(topic: string, partition: number): { offset: number; key: string | null; value: string | null; headers: { key: string; value: string | null }[] }[] {
    const log = this.log(topic, partition);
    return log.batches.flatMap((b) =>
      recordsBatchCodec.decode(b.bytes, { verifyCrc: true }).flatMap((batch) =>
        batch.records.map((r) => ({
          offset: r.offset,
          key: r.key && Buffer.from(r.key).toString(),
          value: r.value && Buffer.from(r.value).toString(),
          headers: r.headers.map((h) => ({ key: h.key, value: h.value && Buffer.from(h.value).toString() })),
        })),
      ),
    );
  }

  /** The stored batches' headers (producer id, epoch, sequence…). */
  batchHeaders(topic: string, partition: number): RecordBatchHeader[] {
    return this.log(topic, partition).batches.map((b) => b.header);
  }

  highWatermark(topic: string, partition: number): number {
    return this.log(topic, partition).nextOffset;
  }

  requestsOf(api: ApiName): RecordedRequest[] {
    return this.requests.filter((r) => r.api === api);
  }

  // ---- the transport port ----

  metadata(target: NodeTarget, request: MetadataRequest): Promise<MetadataResponse> {
    return this.answer('metadata', target, request, () => {
      const names = request.topics ?? [...this.topics.keys()];
      return {
        clusterId: 'fake-cluster',
        controllerId: 0,
        brokers: this.brokers,
        topics: names.map((name) => {
          if (!this.topics.has(name)) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, isInternal: false, partitions: [] };
          const partitions = [...this.logs].filter(([key]) => topicOf(key) === name).map(([key, log]) => ({
            errorCode: 0,
            partition: partitionOf(key),
            leaderId: log.leader,
            leaderEpoch: log.leaderEpoch,
            replicaNodes: log.replicas,
            isrNodes: log.replicas,
            offlineReplicas: [],
          }));
          return { errorCode: 0, name, topicId: this.topics.get(name)?.id, isInternal: false, partitions };
        }),
      };
    });
  }

  produce(target: NodeTarget, request: ProduceRequest): Promise<ProduceResponse> {
    return this.answer('produce', target, request, () => ({
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => this.produceTo(target, t.name, p.partition, Buffer.from(p.records))),
      })),
    }));
  }

  /** Like a broker, holds a fetch up to maxWaitMs while it has fewer than minBytes to return. */
  fetch(target: NodeTarget, request: FetchRequest): Promise<FetchResponse> {
    const build = (): FetchResponse => {
      let budget = request.maxBytes;
      return {
        errorCode: 0,
        topics: request.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => {
            const result = this.fetchFrom(target, t.name, p.partition, p.fetchOffset, Math.min(p.partitionMaxBytes, budget));
            budget -= result.records?.length ?? 0;
            return result;
          }),
        })),
      };
    };
    return this.answer('fetch', target, request, () => build()).then((first) => {
      const bytes = first.topics.reduce((n, t) => n + t.partitions.reduce((m, p) => m + (p.records?.length ?? 0) + (p.errorCode === 0 ? 0 : 1), 0), 0);
      if (bytes >= Math.max(1, request.minBytes) || request.maxWaitMs <= 0) return first;
      // Answer as soon as data arrives (checked every FETCH_RECHECK_MS), or at maxWaitMs.
      return new Promise<FetchResponse>((resolve) => {
        const deadline = this.scheduler.monotonicMs() + request.maxWaitMs;
        const check = (): void => {
          const response = build();
          const has = response.topics.some((t) => t.partitions.some((p) => (p.records?.length ?? 0) > 0 || p.errorCode !== 0));
          if (has || this.scheduler.monotonicMs() >= deadline) resolve(response);
          else this.scheduler.schedule(Math.min(FETCH_RECHECK_MS, deadline - this.scheduler.monotonicMs()), check);
        };
        this.scheduler.schedule(FETCH_RECHECK_MS, check);
      });
    });
  }

  listOffsets(target: NodeTarget, request: ListOffsetsRequest): Promise<ListOffsetsResponse> {
    return this.answer('listOffsets', target, request, () => ({
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const log = this.logs.get(`${t.name}-${p.partition}`);
          const base = { partition: p.partition, timestamp: -1, leaderEpoch: log?.leaderEpoch ?? -1 };
          if (!log) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, offset: -1 };
          if (log.leader !== target.nodeId) return { ...base, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, offset: -1 };
          if (p.timestamp === -2) return { ...base, errorCode: 0, offset: log.logStartOffset };
          if (p.timestamp === -1) return { ...base, errorCode: 0, offset: log.nextOffset };
          for (const batch of log.batches) {
            for (const decoded of recordsBatchCodec.decode(batch.bytes, { verifyCrc: false })) {
              const hit = decoded.records.find((r) => r.timestamp >= p.timestamp && r.offset >= log.logStartOffset);
              if (hit) return { ...base, errorCode: 0, offset: hit.offset, timestamp: hit.timestamp };
            }
          }
          return { ...base, errorCode: 0, offset: -1 };
        }),
      })),
    }));
  }

  initProducerId(target: NodeTarget, request: InitProducerIdRequest): Promise<InitProducerIdResponse> {
    return this.answer('initProducerId', target, request, () => {
      if (request.producerId >= 0) {
        return { errorCode: 0, producerId: request.producerId, producerEpoch: request.producerEpoch + 1 };
      }
      return { errorCode: 0, producerId: this.nextProducerId++, producerEpoch: 0 };
    });
  }

  createTopics(target: NodeTarget, request: CreateTopicsRequest): Promise<CreateTopicsResponse> {
    return this.answer('createTopics', target, request, () => ({
      topics: request.topics.map((t) => {
        const numPartitions = t.numPartitions < 0 ? 1 : t.numPartitions;
        const replicationFactor = t.replicationFactor < 0 ? 1 : t.replicationFactor;
        const result = { name: t.name, numPartitions, replicationFactor, topicId: `id-${t.name}` };
        if (this.topics.has(t.name)) return { ...result, errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: `Topic '${t.name}' already exists.` };
        if (numPartitions < 1) return { ...result, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Number of partitions must be larger than 0.' };
        if (replicationFactor > this.brokers.length) {
          return { ...result, errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: `Replication factor: ${replicationFactor} larger than available brokers: ${this.brokers.length}.` };
        }
        if (!request.validateOnly) {
          this.createTopic(t.name, numPartitions);
          for (const c of t.configs) if (c.value !== null) this.topics.get(t.name)?.configs.set(c.name, c.value);
        }
        return { ...result, errorCode: 0, errorMessage: null };
      }),
    }));
  }

  deleteTopics(target: NodeTarget, request: DeleteTopicsRequest): Promise<DeleteTopicsResponse> {
    return this.answer('deleteTopics', target, request, () => ({
      responses: request.topicNames.map((name) => {
        if (!this.topics.has(name)) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null };
        this.topics.delete(name);
        for (const key of [...this.logs.keys()]) if (topicOf(key) === name) this.logs.delete(key);
        return { name, errorCode: 0, errorMessage: null };
      }),
    }));
  }

  createPartitions(target: NodeTarget, request: CreatePartitionsRequest): Promise<CreatePartitionsResponse> {
    return this.answer('createPartitions', target, request, () => ({
      results: request.topics.map((t) => {
        if (!this.topics.has(t.name)) return { name: t.name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null };
        const current = [...this.logs.keys()].filter((k) => topicOf(k) === t.name).length;
        if (t.count <= current) {
          return { name: t.name, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Topic currently has ${current} partitions, which is higher than the requested ${t.count}.` };
        }
        if (!request.validateOnly) {
          for (let p = current; p < t.count; p++) {
            this.logs.set(`${t.name}-${p}`, { leader: p % this.brokers.length, leaderEpoch: 0, replicas: [p % this.brokers.length], batches: [], logStartOffset: 0, nextOffset: 0, producers: new Map() });
          }
        }
        return { name: t.name, errorCode: 0, errorMessage: null };
      }),
    }));
  }

  describeConfigs(target: NodeTarget, request: DescribeConfigsRequest): Promise<DescribeConfigsResponse> {
    return this.answer('describeConfigs', target, request, () => ({
      results: request.resources.map((r) => {
        const topic = this.topics.get(r.resourceName);
        const base = { resourceType: r.resourceType, resourceName: r.resourceName };
        if (r.resourceType !== 2 || !topic) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `unknown resource ${r.resourceName}`, configs: [] };
        const all = new Map([['cleanup.policy', 'delete'], ['retention.ms', '604800000'], ...topic.configs]);
        const keys = r.configurationKeys ?? [...all.keys()];
        return {
          ...base,
          errorCode: 0,
          errorMessage: null,
          configs: keys.filter((k) => all.has(k)).map((name) => ({ name, value: all.get(name) ?? null, readOnly: false, configSource: topic.configs.has(name) ? 1 : 5, isSensitive: false })),
        };
      }),
    }));
  }

  incrementalAlterConfigs(target: NodeTarget, request: IncrementalAlterConfigsRequest): Promise<IncrementalAlterConfigsResponse> {
    return this.answer('incrementalAlterConfigs', target, request, () => ({
      responses: request.resources.map((r) => {
        const topic = this.topics.get(r.resourceName);
        const base = { resourceType: r.resourceType, resourceName: r.resourceName };
        if (r.resourceType !== 2 || !topic) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null };
        const bad = r.configs.find((c) => !/^[a-z.]+$/.test(c.name));
        if (bad) return { ...base, errorCode: ErrorCode.INVALID_CONFIG, errorMessage: `Unknown topic config name: ${bad.name}` };
        if (!request.validateOnly) {
          for (const c of r.configs) {
            if (c.configOperation === 1) topic.configs.delete(c.name);
            else if (c.value !== null) topic.configs.set(c.name, c.value);
          }
        }
        return { ...base, errorCode: 0, errorMessage: null };
      }),
    }));
  }

  deleteRecords(target: NodeTarget, request: DeleteRecordsRequest): Promise<DeleteRecordsResponse> {
    return this.answer('deleteRecords', target, request, () => ({
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const log = this.logs.get(`${t.name}-${p.partition}`);
          if (!log) return { partition: p.partition, lowWatermark: -1, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
          if (log.leader !== target.nodeId) return { partition: p.partition, lowWatermark: -1, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
          const offset = p.offset === -1 ? log.nextOffset : p.offset;
          if (offset > log.nextOffset) return { partition: p.partition, lowWatermark: -1, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
          log.logStartOffset = Math.max(log.logStartOffset, offset);
          log.batches = log.batches.filter((b) => b.lastOffset >= log.logStartOffset);
          return { partition: p.partition, lowWatermark: log.logStartOffset, errorCode: 0 };
        }),
      })),
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---- internals ----

  private addFault(key: string, fault: Fault, times: number): void {
    const list = this.faults.get(key) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(key, list);
  }

  private takeFault(key: string): Fault | undefined {
    return this.faults.get(key)?.shift();
  }

  private answer<T>(api: ApiName, target: NodeTarget, request: unknown, respond: () => T): Promise<T> {
    this.requests.push({ api, target, request, atMs: this.scheduler.monotonicMs() });
    if (this.closed) return Promise.reject(new TributaryError('NETWORK_EXCEPTION', 'transport closed'));
    const fault = this.takeFault(api);
    if (fault?.kind === 'hang') {
      if (fault.afterProcessing) respond();
      return new Promise<T>(() => undefined);
    }
    return new Promise<T>((resolve, reject) => {
      const deliver = (): void => {
        if (fault?.kind === 'reject') {
          reject(fault.error);
          return;
        }
        resolve(respond());
      };
      const schedule = (): void => {
        if (this.latencyMs > 0) this.scheduler.schedule(this.latencyMs, deliver);
        else deliver();
      };
      if (this.heldApis.has(api)) this.held.push({ release: schedule });
      else schedule();
    });
  }

  private log(topic: string, partition: number): PartitionLog {
    const log = this.logs.get(`${topic}-${partition}`);
    if (!log) throw new Error(`no partition ${topic}-${partition}`);
    return log;
  }

  private produceTo(target: NodeTarget, topic: string, partition: number, bytes: Buffer): ProducePartitionResponse {
    const base = { partition, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
    const log = this.logs.get(`${topic}-${partition}`);
    if (!log) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    if (log.leader !== target.nodeId) return { ...base, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
    const fault = this.takeFault(`produce:${topic}-${partition}`);
    if (fault?.kind === 'partition-error' && !fault.append) return { ...base, errorCode: fault.code };
    const result = this.appendChecked(log, bytes);
    if (fault?.kind === 'partition-error') return { ...base, errorCode: fault.code };
    return { ...base, ...result, logStartOffset: log.logStartOffset };
  }

  /** Appends with Kafka's idempotent-producer checks: epoch fencing, sequence continuity, duplicates of the last five batches. */
  private appendChecked(log: PartitionLog, bytes: Buffer): { errorCode: number; baseOffset: number } {
    const [{ header }] = [...iterateBatches(bytes, { verifyCrc: true })];
    const { producerId, producerEpoch, baseSequence } = header;
    if (producerId >= 0) {
      const lastSeq = baseSequence + header.lastOffsetDelta;
      const entry = log.producers.get(producerId);
      if (entry && producerEpoch < entry.epoch) return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, baseOffset: -1 };
      if (!entry || producerEpoch > entry.epoch) {
        // A producer's first batch in an epoch starts at sequence 0 (as Kafka's broker checks).
        if (baseSequence !== 0) return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 };
      } else {
        const duplicate = entry.recent.find((r) => r.firstSeq === baseSequence && r.lastSeq === lastSeq);
        if (duplicate) return { errorCode: ErrorCode.DUPLICATE_SEQUENCE_NUMBER, baseOffset: duplicate.baseOffset };
        if (baseSequence !== entry.lastSequence + 1) return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 };
      }
      const baseOffset = this.appendBatch(log, bytes);
      const next = entry && producerEpoch === entry.epoch ? entry : { epoch: producerEpoch, lastSequence: -1, recent: [] };
      next.lastSequence = lastSeq;
      next.recent = [...next.recent, { firstSeq: baseSequence, lastSeq, baseOffset }].slice(-5);
      log.producers.set(producerId, next);
      return { errorCode: 0, baseOffset };
    }
    return { errorCode: 0, baseOffset: this.appendBatch(log, bytes) };
  }

  private appendBatch(log: PartitionLog, bytes: Buffer): number {
    let baseOffset = -1;
    for (const { position, header, size } of [...iterateBatches(bytes)]) {
      const copy = Buffer.from(bytes.subarray(position, position + size));
      copy.writeBigInt64BE(BigInt(log.nextOffset), 0);
      const stored = { baseOffset: log.nextOffset, lastOffset: log.nextOffset + header.lastOffsetDelta, header: { ...header, baseOffset: log.nextOffset }, bytes: copy };
      if (baseOffset < 0) baseOffset = log.nextOffset;
      log.batches.push(stored);
      log.nextOffset = stored.lastOffset + 1;
    }
    return baseOffset;
  }

  private fetchFrom(target: NodeTarget, topic: string, partition: number, fetchOffset: number, maxBytes: number): FetchPartitionResponse {
    const log = this.logs.get(`${topic}-${partition}`);
    const base = { partition, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, records: null };
    if (!log) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    if (log.leader !== target.nodeId) return { ...base, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
    const marks = { highWatermark: log.nextOffset, lastStableOffset: log.nextOffset, logStartOffset: log.logStartOffset };
    const fault = this.takeFault(`fetch:${topic}-${partition}`);
    if (fault?.kind === 'partition-error') return { ...base, ...marks, errorCode: fault.code };
    if (fetchOffset < log.logStartOffset || fetchOffset > log.nextOffset) return { ...base, ...marks, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
    const chunks: Buffer[] = [];
    let size = 0;
    for (const batch of log.batches) {
      if (batch.lastOffset < fetchOffset) continue;
      if (chunks.length > 0 && size + batch.bytes.length > maxBytes) break;
      chunks.push(batch.bytes);
      size += batch.bytes.length;
    }
    const abortedTransactions = this.aborted.get(`${topic}-${partition}`) ?? null;
    return { ...base, ...marks, errorCode: 0, abortedTransactions, records: chunks.length > 0 ? Buffer.concat(chunks) : null };
  }
}

function topicOf(key: string): string {
  return key.slice(0, key.lastIndexOf('-'));
}

function partitionOf(key: string): number {
  return Number(key.slice(key.lastIndexOf('-') + 1));
}
