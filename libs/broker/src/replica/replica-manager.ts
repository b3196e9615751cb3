import { ErrorCode, TributaryError, toTributaryError } from '@tributary/errors';
import { type ClusterImage, configsOf, type MetadataDelta, type TopicImage } from '@tributary/metadata';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type LogManager, type StorageLogger } from '@tributary/storage';
import { getTracer, withSpan } from '@tributary/telemetry';
import { type Scheduler, type TopicPartition, topicPartitionKey } from '@tributary/util';
import { type BrokerConfigModel, NO_BROKER_DYNAMIC_CONFIGS, type TopicSettings } from '../config/broker-config-model';
import { brokerDynamicConfigs } from '../metadata/broker-dynamic-configs';
import { Purgatory } from '../core/purgatory';
import { DelayedFetch, fetchSatisfied } from './delayed-fetch';
import type { FetchParams, FetchPartitionResult } from './fetch-types';
import { Partition, type PartitionAppendResult, RecordRejection, type RequiredAcks } from './partition';

/** Fetches parked at once; past it, fetches answer immediately with what they have. */
export const MAX_PARKED_FETCHES = 10_000;

/** Looked up per span: the global tracer provider may be replaced after this module loads (an SDK starting, tests). */
const tracer = () => getTracer('@tributary/broker');

/** One partition's produce outcome. */
export type PartitionProduceResult =
  | ({ readonly errorCode: 0 } & PartitionAppendResult)
  | { readonly errorCode: number; readonly errorMessage: string; readonly logStartOffset: number; readonly recordErrors: readonly { batchIndex: number; message: string }[] };

/** ListOffsets answer for one partition. */
export interface ListOffsetResult {
  readonly errorCode: number;
  readonly errorMessage: string;
  readonly timestamp: number;
  readonly offset: number;
  readonly leaderEpoch: number;
}

/** What a ReplicaManager works with; `maxParkedFetches` defaults to MAX_PARKED_FETCHES. */
export interface ReplicaManagerOptions {
  readonly logManager: LogManager;
  readonly scheduler: Scheduler;
  readonly config: BrokerConfigModel;
  readonly logger: StorageLogger;
  readonly maxParkedFetches?: number;
}

/**
 * The partitions this broker hosts (Kafka's ReplicaManager): creates, updates
 * and deletes them from metadata deltas, appends produced batches as leader,
 * serves fetches (long polls parked in a {@link Purgatory} and woken by
 * appends), ListOffsets and DeleteRecords. Every per-partition failure comes
 * back as a Kafka error code; nothing here throws for bad client input.
 */
export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>();
  readonly fetchPurgatory: Purgatory;
  private image: ClusterImage | undefined;
  private parking = true;

  constructor(private readonly options: ReplicaManagerOptions) {
    this.fetchPurgatory = new Purgatory(options.scheduler, options.maxParkedFetches ?? MAX_PARKED_FETCHES);
  }

  get nodeId(): number {
    return this.options.config.settings.nodeId;
  }

  getPartition(tp: TopicPartition): Partition | undefined {
    return this.partitions.get(topicPartitionKey(tp));
  }

  allPartitions(): Partition[] {
    return [...this.partitions.values()];
  }

  // ---------------------------------------------------------------- metadata

  /** Reacts to committed metadata: deletes logs of deleted topics, creates/updates partitions, applies config changes. */
  applyDelta(delta: MetadataDelta): void {
    this.image = delta.after;
    for (const topic of delta.topicsDeleted) this.deleteTopic(topic);
    for (const change of delta.partitionsChanged) {
      const tp = { topic: change.topicName, partition: change.partitionId };
      const existing = this.getPartition(tp);
      if (existing) existing.applyImage(change.after);
      else if (change.after.replicas.includes(this.nodeId)) this.createPartition(tp, change.topicId, change);
    }
    const brokerConfigChanged = delta.configsChanged.some((c) => c.resourceType === 'BROKER');
    const topicsChanged = new Set(delta.configsChanged.filter((c) => c.resourceType === 'TOPIC').map((c) => c.resourceName));
    for (const partition of this.partitions.values()) {
      if (brokerConfigChanged || topicsChanged.has(partition.topicPartition.topic)) partition.updateSettings(this.topicSettings(partition.topicPartition.topic));
    }
  }

  /** The effective settings of `topic` in the current image. */
  topicSettings(topic: string): TopicSettings {
    const image = this.image;
    if (!image) return this.options.config.topicSettings(new Map(), NO_BROKER_DYNAMIC_CONFIGS);
    return this.options.config.topicSettings(configsOf(image, { resourceType: 'TOPIC', resourceName: topic }), brokerDynamicConfigs(image, this.nodeId));
  }

  private createPartition(tp: TopicPartition, topicId: string, change: MetadataDelta['partitionsChanged'][number]): void {
    const settings = this.topicSettings(tp.topic);
    const log = this.options.logManager.getOrCreateLog(tp, { config: settings.logConfig, topicId });
    if (log.topicId !== undefined && log.topicId !== topicId) {
      // A log left over from an earlier topic of the same name (deleted while this broker was down).
      this.options.logManager.deleteLog(tp);
      return this.createPartition(tp, topicId, change);
    }
    log.setConfig(settings.logConfig);
    const partition = new Partition(tp, topicId, log, change.after, settings, this.nodeId);
    const replayed = partition.rebuildProducerState();
    if (replayed > 0) this.options.logger.info(`rebuilt producer state of ${log.name} from ${replayed} batches of its log tail`);
    this.partitions.set(topicPartitionKey(tp), partition);
  }

  private deleteTopic(topic: TopicImage): void {
    for (const p of topic.partitions) {
      const tp = { topic: topic.name, partition: p.partitionId };
      const key = topicPartitionKey(tp);
      const partition = this.partitions.get(key);
      if (!partition || partition.topicId !== topic.topicId) continue;
      this.partitions.delete(key);
      this.options.logManager.deleteLog(tp);
      this.fetchPurgatory.checkAndComplete(key);
    }
  }

  /** Deletes logs found on disk that the metadata does not know (topics deleted while this broker was down). */
  removeStrayLogs(): number {
    let removed = 0;
    for (const log of this.options.logManager.allLogs()) {
      if (log.topicPartition.topic.startsWith('__cluster_metadata')) continue;
      if (this.partitions.has(topicPartitionKey(log.topicPartition))) continue;
      this.options.logManager.deleteLog(log.topicPartition);
      this.options.logger.info(`deleted stray log ${log.name}: its topic is not in the metadata`);
      removed++;
    }
    return removed;
  }

  // ---------------------------------------------------------------- produce

  /**
   * Appends each partition's batches as leader and wakes fetches parked on
   * it. `records` are modified in place (offsets assigned). Per-partition
   * errors come back as codes.
   */
  appendRecords(entries: readonly { topicPartition: TopicPartition; records: Buffer }[], acks: RequiredAcks): PartitionProduceResult[] {
    return entries.map(({ topicPartition, records }) =>
      withSpan(tracer(), 'append', { 'messaging.destination.name': topicPartition.topic, 'messaging.destination.partition.id': String(topicPartition.partition), 'messaging.message.body.size': records.length }, () =>
        this.appendOne(topicPartition, records, acks),
      ),
    );
  }

  private appendOne(tp: TopicPartition, records: Buffer, acks: RequiredAcks): PartitionProduceResult {
    const partition = this.getPartition(tp);
    if (!partition) return produceError(new TributaryError('UNKNOWN_TOPIC_OR_PARTITION', `this broker does not host ${topicPartitionKey(tp)}`), -1);
    try {
      const result = partition.appendRecordsAsLeader(records, acks);
      if (!result.duplicate) this.fetchPurgatory.checkAndComplete(topicPartitionKey(tp));
      return { errorCode: 0, ...result };
    } catch (error) {
      return produceError(error, partition.log.isOffline ? -1 : partition.log.logStartOffset);
    }
  }

  // ---------------------------------------------------------------- fetch

  /** Reads up to the high watermark of each partition, honouring the request's and each partition's byte limits. */
  readFromLocalLogs(params: FetchParams): FetchPartitionResult[] {
    let bytesLeft = params.maxBytes;
    let minOneMessage = true;
    return params.partitions.map((p) => {
      const partition = this.getPartition(p.topicPartition);
      const base = { topicPartition: p.topicPartition, highWatermark: -1, logStartOffset: -1, records: EMPTY };
      if (!partition) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `this broker does not host ${topicPartitionKey(p.topicPartition)}` };
      const fenced = leaderEpochError(partition, p.currentLeaderEpoch);
      if (fenced) return { ...base, ...fenced };
      const known = { ...base, highWatermark: partition.highWatermark, logStartOffset: partition.log.logStartOffset };
      try {
        const limit = Math.max(0, Math.min(p.maxBytes, bytesLeft));
        const { records } = partition.log.read(p.fetchOffset, { maxBytes: limit, maxOffset: partition.highWatermark, minOneMessage });
        bytesLeft -= records.length;
        if (records.length > 0) minOneMessage = false;
        return { ...known, errorCode: 0, errorMessage: '', records };
      } catch (error) {
        const e = toTributaryError(error);
        return { ...known, errorCode: e.code, errorMessage: e.message };
      }
    });
  }

  /**
   * A fetch: answers at once when min_bytes are there (or an error, or
   * max_wait_ms is 0), otherwise parks in the purgatory until an append to one
   * of its partitions satisfies it, max_wait_ms passes or `signal` aborts.
   */
  fetch(params: FetchParams, signal?: AbortSignal): Promise<readonly FetchPartitionResult[]> {
    return withSpan(tracer(), 'fetch', { 'tributary.fetch.partitions': params.partitions.length, 'tributary.fetch.max_wait_ms': params.maxWaitMs }, () => {
      const now = this.readFromLocalLogs(params);
      if (!this.parking || params.maxWaitMs <= 0 || params.partitions.length === 0 || fetchSatisfied(params, now)) return Promise.resolve(now);
      return new Promise<readonly FetchPartitionResult[]>((resolve) => {
        const keys = params.partitions.map((p) => topicPartitionKey(p.topicPartition));
        const delayed = new DelayedFetch(params, (p) => this.readFromLocalLogs(p), resolve);
        this.fetchPurgatory.tryCompleteElseWatch(delayed, keys, params.maxWaitMs);
        // A fetch whose caller went away (cancelled, deadline passed) gives its slot back at once.
        signal?.addEventListener('abort', () => this.fetchPurgatory.forceComplete(delayed), { once: true });
      });
    });
  }

  // ---------------------------------------------------------------- offsets

  /** ListOffsets: -2 earliest, -1 latest (the high watermark), -3 max timestamp, otherwise by timestamp. */
  listOffset(tp: TopicPartition, timestamp: number, currentLeaderEpoch: number): ListOffsetResult {
    const none = { timestamp: -1, offset: -1, leaderEpoch: -1 };
    const partition = this.getPartition(tp);
    if (!partition) return { ...none, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `this broker does not host ${topicPartitionKey(tp)}` };
    const fenced = leaderEpochError(partition, currentLeaderEpoch);
    if (fenced) return { ...none, ...fenced };
    try {
      if (timestamp === LATEST_TIMESTAMP) return { errorCode: 0, errorMessage: '', timestamp: -1, offset: partition.highWatermark, leaderEpoch: partition.leaderEpoch };
      if (timestamp < 0 && timestamp !== EARLIEST_TIMESTAMP && timestamp !== -3) {
        return { ...none, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `unsupported ListOffsets timestamp ${timestamp}` };
      }
      const found = partition.log.offsetForTimestamp(timestamp);
      if (!found || (timestamp !== EARLIEST_TIMESTAMP && found.offset >= partition.highWatermark)) return { ...none, errorCode: 0, errorMessage: '' };
      return { errorCode: 0, errorMessage: '', ...found };
    } catch (error) {
      const e = toTributaryError(error);
      return { ...none, errorCode: e.code, errorMessage: e.message };
    }
  }

  /** DeleteRecords: moves the log start offset to `offset` (-1: the high watermark); above the high watermark is OFFSET_OUT_OF_RANGE. */
  deleteRecords(tp: TopicPartition, offset: number): { errorCode: number; errorMessage: string; lowWatermark: number } {
    const partition = this.getPartition(tp);
    if (!partition) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `this broker does not host ${topicPartitionKey(tp)}`, lowWatermark: -1 };
    const target = offset === -1 ? partition.highWatermark : offset;
    if (target < 0 || target > partition.highWatermark) {
      return {
        errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
        errorMessage: `offset ${offset} is not in [0, ${partition.highWatermark}] (the high watermark) of ${partition.log.name}`,
        lowWatermark: -1,
      };
    }
    try {
      partition.log.advanceLogStartOffset(target);
      return { errorCode: 0, errorMessage: '', lowWatermark: partition.log.logStartOffset };
    } catch (error) {
      const e = toTributaryError(error);
      return { errorCode: e.code, errorMessage: e.message, lowWatermark: -1 };
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** Forgets idle producers on every partition (producer.id.expiration.ms). */
  expireProducers(): void {
    const now = this.options.scheduler.nowMs();
    for (const p of this.partitions.values()) p.expireProducers(now, this.options.config.settings.producerIdExpirationMs);
  }

  /** Answers every parked fetch now; later fetches answer at once (shutdown has begun). */
  stopParking(): void {
    this.parking = false;
    this.fetchPurgatory.completeAll();
  }

  /** Shutdown: answers every parked fetch, then snapshots each partition's producer state at its log end. */
  async shutdown(): Promise<void> {
    this.stopParking();
    await Promise.all(
      this.allPartitions().map((p) =>
        p.snapshotProducerState().catch((error: unknown) => this.options.logger.warn(`could not snapshot producer state of ${p.log.name}: ${String(error)}`)),
      ),
    );
  }
}

const EMPTY = Buffer.alloc(0);

function produceError(error: unknown, logStartOffset: number): PartitionProduceResult {
  const e = toTributaryError(error);
  const recordErrors = error instanceof RecordRejection ? [{ batchIndex: error.batchIndex, message: error.message }] : [];
  return { errorCode: e.code, errorMessage: e.message, logStartOffset, recordErrors };
}

/** Kafka's leader-epoch fencing of fetch/list-offsets: -1 skips the check. */
function leaderEpochError(partition: Partition, currentLeaderEpoch: number): { errorCode: number; errorMessage: string } | undefined {
  if (!partition.isLeader) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: `broker is not the leader of ${partition.log.name}` };
  if (currentLeaderEpoch < 0 || currentLeaderEpoch === partition.leaderEpoch) return undefined;
  if (currentLeaderEpoch < partition.leaderEpoch) return { errorCode: ErrorCode.FENCED_LEADER_EPOCH, errorMessage: `leader epoch ${currentLeaderEpoch} is older than ${partition.leaderEpoch}` };
  return { errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, errorMessage: `leader epoch ${currentLeaderEpoch} is newer than ${partition.leaderEpoch}` };
}
