import { TributaryError } from '@tributary/errors';
import type { PartitionImage } from '@tributary/metadata';
import { iterateBatches, validateRecordBatch } from '@tributary/records';
import { type Log, type LogAppendInfo } from '@tributary/storage';
import type { TopicPartition } from '@tributary/util';
import type { TopicSettings } from '../config/broker-config-model';
import { firstNullKeyIndex } from '../core/null-key-scan';
import { decodeProducerSnapshot, encodeProducerSnapshot } from '../core/producer-snapshot-codec';
import { lastSequenceOf, type ProducerBatch, ProducerStateTable } from '../core/producer-state';

/** Kafka's acks values. */
export type RequiredAcks = -1 | 0 | 1;

/** Bytes read per step when rebuilding producer state from the log tail. */
export const PRODUCER_REBUILD_READ_BYTES = 1024 * 1024;

/** What a leader append did (or, for a retried batch, what the original append did). */
export interface PartitionAppendResult {
  readonly baseOffset: number;
  readonly lastOffset: number;
  /** The LogAppendTime stamped, or -1. */
  readonly logAppendTimeMs: number;
  readonly logStartOffset: number;
  /** True when the batch was a retry of one already in the log: nothing was appended. */
  readonly duplicate: boolean;
}

/** A batch's producer fields, position and size in the request's records. */
interface IncomingHeader {
  readonly position: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
  readonly offsetSpan: number;
}

/** A record the broker refused, with its index in its batch (ProduceResponse.record_errors). */
export class RecordRejection extends TributaryError {
  constructor(
    message: string,
    readonly batchIndex: number,
  ) {
    super('INVALID_RECORD', message);
  }
}

/**
 * One partition replica on this broker: its log, its state in the cluster
 * (leader, leader epoch, replicas, ISR, partition epoch — from the metadata
 * image), its high watermark and its idempotent-producer state. Single node:
 * the leader is the only ISR member, so the high watermark follows the log
 * end offset; replication will move it with followers' fetch positions.
 */
export class Partition {
  readonly producers = new ProducerStateTable();
  private state: PartitionImage;
  private settingsValue: TopicSettings;
  private highWatermarkValue: number;
  /** Snapshot writes in flight, chained so they complete in order. */
  private snapshotWrites: Promise<void> = Promise.resolve();

  constructor(
    readonly topicPartition: TopicPartition,
    readonly topicId: string,
    readonly log: Log,
    image: PartitionImage,
    settings: TopicSettings,
    private readonly localNodeId: number,
  ) {
    this.state = image;
    this.settingsValue = settings;
    this.highWatermarkValue = log.logEndOffset;
    this.becomeLeaderIfElected();
  }

  get leaderEpoch(): number {
    return this.state.leaderEpoch;
  }

  get leaderId(): number {
    return this.state.leader;
  }

  get isr(): readonly number[] {
    return this.state.isr;
  }

  get replicas(): readonly number[] {
    return this.state.replicas;
  }

  get partitionEpoch(): number {
    return this.state.partitionEpoch;
  }

  get isLeader(): boolean {
    return this.state.leader === this.localNodeId;
  }

  /** The offset below which every record is committed (replicated to the whole ISR); fetches stop here. */
  get highWatermark(): number {
    return this.highWatermarkValue;
  }

  get settings(): TopicSettings {
    return this.settingsValue;
  }

  /** Applies new topic settings at once (e.g. retention.ms altered). */
  updateSettings(settings: TopicSettings): void {
    this.settingsValue = settings;
    this.log.setConfig(settings.logConfig);
  }

  /** Applies a new partition registration from the metadata image (leader, epoch, ISR). */
  applyImage(image: PartitionImage): void {
    this.state = image;
    this.becomeLeaderIfElected();
  }

  private becomeLeaderIfElected(): void {
    if (!this.isLeader) return;
    if (this.log.latestEpoch < this.state.leaderEpoch) this.log.assignEpochStartOffset(this.state.leaderEpoch);
    this.maybeIncrementHighWatermark();
  }

  /** Single node: the ISR is this replica alone, so everything in the log is committed. */
  private maybeIncrementHighWatermark(): void {
    if (this.state.isr.length === 1 && this.state.isr[0] === this.localNodeId) this.highWatermarkValue = this.log.logEndOffset;
  }

  /**
   * Appends a producer's batches as leader: checks leadership, acks against
   * min.insync.replicas, keys on compacted topics, and idempotent-producer
   * sequences; a retried batch returns its original offsets without being
   * appended. The log validates and assigns offsets in place. Throws
   * TributaryError with the partition's Kafka code.
   */
  appendRecordsAsLeader(records: Buffer, acks: RequiredAcks): PartitionAppendResult {
    if (!this.isLeader) throw new TributaryError('NOT_LEADER_OR_FOLLOWER', `broker ${this.localNodeId} is not the leader of ${this.log.name} (leader ${this.state.leader})`);
    if (acks === -1 && this.state.isr.length < this.settingsValue.minInsyncReplicas) {
      throw new TributaryError(
        'NOT_ENOUGH_REPLICAS',
        `the ISR of ${this.log.name} has ${this.state.isr.length} replica(s), fewer than min.insync.replicas=${this.settingsValue.minInsyncReplicas}`,
      );
    }
    const headers = this.scanHeaders(records);
    const idempotent = headers.find((h) => h.producerId >= 0);
    if (idempotent) {
      if (headers.length !== 1) throw new TributaryError('INVALID_RECORD', 'an idempotent producer must send exactly one batch per partition');
      const check = this.producers.check(idempotent);
      if (check.kind === 'reject') throw new TributaryError(check.code, check.message);
      if (check.kind === 'duplicate') {
        // The retry is not appended, so the log never validates it: check it here, as Kafka validates before deduplicating.
        validateRecordBatch(records, idempotent.position, { origin: 'client', maxBatchBytes: this.log.config.maxMessageBytes });
        return { baseOffset: check.batch.firstOffset, lastOffset: check.batch.lastOffset, logAppendTimeMs: -1, logStartOffset: this.log.logStartOffset, duplicate: true };
      }
    }
    const segmentBefore = this.log.activeSegmentBaseOffset;
    const info = this.log.appendAsLeader(records, this.state.leaderEpoch);
    if (this.log.activeSegmentBaseOffset !== segmentBefore) this.snapshotAtRoll(this.log.activeSegmentBaseOffset);
    this.recordProducerBatches(headers, info);
    this.maybeIncrementHighWatermark();
    return { baseOffset: info.firstOffset, lastOffset: info.lastOffset, logAppendTimeMs: info.logAppendTimeMs, logStartOffset: info.logStartOffset, duplicate: false };
  }

  /** Walks the batch headers (frames only; the log checks CRCs) and, on compacted topics, the keys. */
  private scanHeaders(records: Buffer): IncomingHeader[] {
    if (records.length === 0) throw new TributaryError('CORRUPT_MESSAGE', 'the produce request has no record batch for this partition');
    const compacted = (this.settingsValue.logConfig.cleanupPolicy ?? []).includes('compact');
    const headers: IncomingHeader[] = [];
    for (const { position, header } of iterateBatches(records)) {
      if (compacted) {
        const index = firstNullKeyIndex(records, position);
        if (index >= 0) throw new RecordRejection(`compacted topic ${this.topicPartition.topic} cannot accept a record without a key (record ${index})`, index);
      }
      headers.push({
        position,
        producerId: header.producerId,
        producerEpoch: header.producerEpoch,
        baseSequence: header.baseSequence,
        recordCount: header.recordCount,
        offsetSpan: header.lastOffsetDelta + 1,
      });
    }
    return headers;
  }

  private recordProducerBatches(headers: readonly IncomingHeader[], info: LogAppendInfo): void {
    let offset = info.firstOffset;
    for (const h of headers) {
      const lastOffset = offset + h.offsetSpan - 1;
      if (h.producerId >= 0) {
        const maxTimestampMs = info.logAppendTimeMs >= 0 ? info.logAppendTimeMs : info.maxTimestamp;
        this.producers.update(h.producerId, h.producerEpoch, batchOf(h.baseSequence, h.offsetSpan, offset, lastOffset, maxTimestampMs));
      }
      offset = lastOffset + 1;
    }
  }

  /** The log rolled at `offset` during an append: the state before that append is the state at `offset`. */
  private snapshotAtRoll(offset: number): void {
    const payload = encodeProducerSnapshot(this.producers.all());
    // A failed snapshot only costs a longer rebuild from the log; a disk error takes the log offline anyway.
    this.snapshotWrites = this.snapshotWrites.then(() => this.log.writeProducerSnapshot(offset, payload)).catch(() => undefined);
  }

  /** Resolves once every snapshot started so far is written (or has failed). */
  snapshotsWritten(): Promise<void> {
    return this.snapshotWrites;
  }

  /** Writes a snapshot of the producer state at the log end offset (clean shutdown), after those in flight. */
  async snapshotProducerState(): Promise<void> {
    await this.snapshotWrites;
    await this.log.writeProducerSnapshot(this.log.logEndOffset, encodeProducerSnapshot(this.producers.all()));
  }

  /** Forgets producers idle longer than producer.id.expiration.ms. */
  expireProducers(nowMs: number, expirationMs: number): number {
    return this.producers.removeExpired(nowMs, expirationMs);
  }

  /**
   * Rebuilds the producer state: the newest snapshot that decodes (corrupt
   * ones are deleted), then every batch header from there to the log end.
   * Returns how many batches were replayed from the log.
   */
  rebuildProducerState(): number {
    let from = this.log.logStartOffset;
    for (const offset of [...this.log.listProducerSnapshots()].reverse()) {
      if (offset < this.log.logStartOffset || offset > this.log.logEndOffset) continue;
      const payload = this.log.readProducerSnapshot(offset);
      try {
        if (payload === undefined) continue;
        this.producers.load(decodeProducerSnapshot(payload));
        from = offset;
        break;
      } catch (error) {
        if (!(error instanceof TributaryError)) throw error;
        this.log.deleteProducerSnapshot(offset);
      }
    }
    let replayed = 0;
    while (from < this.log.logEndOffset) {
      const { records } = this.log.read(from, { maxBytes: PRODUCER_REBUILD_READ_BYTES });
      if (records.length === 0) break;
      let next = from;
      for (const { header } of iterateBatches(records)) {
        const lastOffset = header.baseOffset + header.lastOffsetDelta;
        next = lastOffset + 1;
        if (lastOffset < from || header.producerId < 0) continue;
        this.producers.update(header.producerId, header.producerEpoch, batchOf(header.baseSequence, header.lastOffsetDelta + 1, header.baseOffset, lastOffset, header.maxTimestamp));
        replayed++;
      }
      if (next <= from) break;
      from = next;
    }
    return replayed;
  }
}

function batchOf(baseSequence: number, sequenceCount: number, firstOffset: number, lastOffset: number, maxTimestampMs: number): ProducerBatch {
  return { baseSequence, lastSequence: lastSequenceOf(baseSequence, sequenceCount), firstOffset, lastOffset, maxTimestampMs };
}
