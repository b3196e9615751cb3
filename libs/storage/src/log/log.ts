import * as path from 'node:path';
import { TributaryError } from '@tributary/errors';
import {
  LOG_OVERHEAD,
  PARTITION_LEADER_EPOCH_OFFSET,
  decodeRecordBatch,
  stampLogAppendTime,
  validateRecordBatch,
  writeInt64,
  type AppendOrigin,
} from '@tributary/records';
import { type Cancellable, type Prng, type Scheduler, type TopicPartition, assert, createPrng } from '@tributary/util';
import { type Disk, diskErrorCode } from '../disk/disk';
import { CheckpointFormatError, formatEpochCheckpoint, formatPartitionMetadata, parseEpochCheckpoint, parsePartitionMetadata, type EpochEntry } from '../core/checkpoint-format';
import { LeaderEpochCache } from '../core/leader-epoch-cache';
import { DEFAULT_LOG_CONFIG, type LogConfig, NEVER, resolveLogConfig } from '../core/log-config';
import { MAX_RELATIVE_OFFSET } from '../core/offset-index';
import { shouldRoll } from '../core/roll-policy';
import { parseSegmentFileName } from '../core/segment-files';
import { TMP_SUFFIX, readFileIfExists, unlinkIfExists, writeFileAtomicSync } from './atomic-file';
import { FileCache } from './file-cache';
import { IndexCache } from './index-cache';
import { type StorageLogger, consoleStorageLogger } from './logger';
import { ProducerSnapshots } from './producer-snapshots';
import { type AppendedBatch, LogSegment, type SegmentEnv } from './segment';
import { SegmentWriter } from './segment-writer';
import {
  EARLIEST_TIMESTAMP,
  type FetchDataInfo,
  LATEST_TIMESTAMP,
  type LogAppendInfo,
  type LogSegmentView,
  MAX_TIMESTAMP,
  type SegmentBatch,
  type SegmentDeletionReason,
  type TimestampAndOffset,
} from './types';

export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';
export const PARTITION_METADATA_FILE = 'partition.metadata';

/** Callbacks from a log to its manager. */
export interface LogHooks {
  /** A disk error took the log offline; the manager takes the whole log dir offline. */
  onDiskError?(log: Log, error: unknown): void;
  /**
   * The recovery point went down (truncation): persist it before returning,
   * or a crash could trust data appended after the truncation. Synchronous.
   */
  persistRecoveryPoint?(log: Log): void;
  /** The log start offset was reset (truncateFullyAndStartAt): persist it. Synchronous. */
  persistLogStartOffset?(log: Log): void;
}

export interface LogOptions {
  readonly disk: Disk;
  /** The partition directory (`<log dir>/<topic>-<partition>`); created if missing. */
  readonly dir: string;
  readonly topicPartition: TopicPartition;
  /** Overrides of Kafka's defaults (validated; INVALID_CONFIG). */
  readonly config?: Partial<LogConfig>;
  readonly scheduler: Scheduler;
  readonly logger?: StorageLogger;
  /** Shared fd cache (the manager's); a private one of 64 files otherwise. */
  readonly files?: FileCache;
  /** Shared index memory bound; a private 64 MiB one otherwise. */
  readonly indexCache?: IndexCache;
  /** Draws segment.jitter.ms; seeded for tests. */
  readonly prng?: Prng;
  /** Checkpointed recovery point; undefined when unknown (an unclean start then validates every segment). */
  readonly recoveryPoint?: number;
  /** Checkpointed log start offset. */
  readonly logStartOffset?: number;
  /** The log dir's clean-shutdown marker was present at start-up. */
  readonly hadCleanShutdown?: boolean;
  readonly hooks?: LogHooks;
}

export interface AppendOptions {
  /** 'leader' (default) assigns offsets; 'follower' keeps the batches' offsets. */
  readonly origin?: 'leader' | 'follower';
  /** Leader epoch stamped on the batches (leader appends). */
  readonly leaderEpoch?: number;
  /** Resolve only once an fsync covering the append has completed (group commit). */
  readonly durable?: boolean;
  /** Validation rules for leader appends: 'client' (default) or 'coordinator' (control batches allowed). */
  readonly validation?: Extract<AppendOrigin, 'client' | 'coordinator'>;
}

interface FlushWaiter {
  readonly upTo: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface AnalyzedBatch extends AppendedBatch {
  readonly recordCount: number;
  readonly partitionLeaderEpoch: number;
}

/** Background flushes report failures by taking the log offline; the promise itself is dropped. */
const ignoreError = (): undefined => undefined;
const PRIVATE_FILE_CACHE_SIZE = 64;
/** Read size of `segmentBatches` (the cleaner's sequential scan). */
const SEGMENT_READ_CHUNK_BYTES = 1024 * 1024;
const PRIVATE_INDEX_CACHE_BYTES = 64 * 1024 * 1024;
const NOT_APPENDED: Omit<LogAppendInfo, 'logStartOffset'> = {
  firstOffset: -1,
  lastOffset: -1,
  maxTimestamp: -1,
  offsetOfMaxTimestamp: -1,
  logAppendTimeMs: -1,
  sizeBytes: 0,
  batchCount: 0,
  recordCount: 0,
};

/**
 * A partition's log: an ordered list of segments of RecordBatch v2 batches
 * over the {@link Disk} port, with Kafka's semantics for appends (offset
 * assignment in place, leader epochs, LogAppendTime), reads (whole batches
 * from the file, CRC-checked), rolling, flushing with group commit, crash
 * recovery, truncation, a leader-epoch cache, producer snapshots, and the
 * segment operations the retention/compaction cleaner needs.
 *
 * Invariants: segments ascend by base offset with no offset in two segments;
 * the last segment is the active one; logStartOffset ≤ recoveryPoint ≤
 * logEndOffset; data below the recovery point has been fsynced (with its
 * segments' index files and directory entries); after any crash the log is a
 * prefix of what was appended, with every batch whole.
 *
 * Every operation is synchronous except `flush` and the async wrappers, so a
 * read never sees half of an append, truncation or swap. Disk errors take the
 * log offline: every later call throws KAFKA_STORAGE_ERROR.
 */
export class Log {
  readonly topicPartition: TopicPartition;
  readonly dir: string;
  private configValue: LogConfig;
  private readonly env: SegmentEnv;
  private readonly disk: Disk;
  private readonly scheduler: Scheduler;
  private readonly logger: StorageLogger;
  private readonly prng: Prng;
  private readonly hooks: LogHooks;
  private segmentList: LogSegment[] = [];
  private leo = 0;
  private logStart = 0;
  private recoveryPointValue = 0;
  private readonly epochCache = new LeaderEpochCache();
  private epochDirty = false;
  private snapshots!: ProducerSnapshots;
  private offlineError: TributaryError | undefined;
  // Flush / group commit.
  private flushWaiters: FlushWaiter[] = [];
  private flushing = false;
  private truncations = 0;
  private unflushedMessages = 0;
  private flushTimer: Cancellable | undefined;
  private dirDirty = false;
  // Cleaner.
  private cleanedWriters = new Set<SegmentWriter>();
  private readonly pendingDeletes = new Set<Cancellable>();
  private closed = false;
  private topicIdValue: string | undefined;
  /** Why the last load had to validate data, for tests and metrics. */
  loadReport: { clean: boolean; recoveredSegments: number; truncatedBytes: number; rebuiltEpochCache: boolean } = {
    clean: true,
    recoveredSegments: 0,
    truncatedBytes: 0,
    rebuiltEpochCache: false,
  };

  private constructor(options: LogOptions) {
    this.topicPartition = options.topicPartition;
    this.dir = options.dir;
    this.configValue = resolveLogConfig(options.config ?? {}, DEFAULT_LOG_CONFIG);
    this.disk = options.disk;
    this.scheduler = options.scheduler;
    this.logger = options.logger ?? consoleStorageLogger;
    this.prng = options.prng ?? createPrng((options.topicPartition.partition * 2654435761) >>> 0);
    this.hooks = options.hooks ?? {};
    this.env = {
      disk: options.disk,
      files: options.files ?? new FileCache(options.disk, PRIVATE_FILE_CACHE_SIZE),
      indexCache: options.indexCache ?? new IndexCache(PRIVATE_INDEX_CACHE_BYTES),
      logger: this.logger,
    };
  }

  /**
   * Opens (or creates) the log in `options.dir`: resolves leftovers of an
   * interrupted swap, then either trusts the files (clean shutdown) or
   * validates every segment from the recovery point on, truncating at the
   * first invalid byte. Synchronous; throws disk errors as they are.
   */
  static load(options: LogOptions): Log {
    const log = new Log(options);
    log.disk.mkdir(log.dir);
    log.loadFromDisk(options);
    return log;
  }

  // ================================================================ state

  get config(): LogConfig {
    return this.configValue;
  }

  /** Offset of the next record to be appended (LEO). */
  get logEndOffset(): number {
    return this.leo;
  }

  get logStartOffset(): number {
    return this.logStart;
  }

  /** Offsets below this are durable (fsynced). */
  get recoveryPoint(): number {
    return this.recoveryPointValue;
  }

  get isOffline(): boolean {
    return this.offlineError !== undefined;
  }

  get name(): string {
    return `${this.topicPartition.topic}-${this.topicPartition.partition}`;
  }

  /** Total bytes of all segments. */
  get sizeBytes(): number {
    let total = 0;
    for (const s of this.segmentList) total += s.sizeBytes;
    return total;
  }

  get segmentCount(): number {
    return this.segmentList.length;
  }

  get activeSegmentBaseOffset(): number {
    return this.active().baseOffset;
  }

  /** Applies new settings at once: validation, roll and flush rules use them from the next append. */
  updateConfig(overrides: Partial<LogConfig>): void {
    this.configValue = resolveLogConfig(overrides, this.configValue);
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    this.armFlushTimer();
  }

  /** Replaces the whole config (Kafka defaults plus `overrides`). */
  setConfig(overrides: Partial<LogConfig>): void {
    this.configValue = resolveLogConfig(overrides, DEFAULT_LOG_CONFIG);
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    this.armFlushTimer();
  }

  // ================================================================ append

  /**
   * Appends batches from a producer: validates each (header, CRC, record
   * counts, max.message.bytes, timestamps), assigns offsets from the LEO by
   * rewriting baseOffset in place, stamps `leaderEpoch` and, for
   * LogAppendTime topics, the append time. The bytes are in the file (page
   * cache) when this returns. Throws CORRUPT_MESSAGE, INVALID_RECORD,
   * MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_TIMESTAMP,
   * KAFKA_STORAGE_ERROR. `records` is modified in place.
   */
  appendAsLeader(records: Buffer, leaderEpoch: number, validation: AppendOptions['validation'] = 'client'): LogAppendInfo {
    return this.guard(() => this.doAppend(records, 'leader', leaderEpoch, validation));
  }

  /**
   * Appends batches replicated from the leader, keeping their offsets and
   * epochs: each is validated (structure and CRC), the first must start at or
   * after the LEO and offsets must increase. Throws CORRUPT_MESSAGE,
   * OFFSET_OUT_OF_RANGE (offsets not after the LEO), KAFKA_STORAGE_ERROR.
   */
  appendAsFollower(records: Buffer): LogAppendInfo {
    return this.guard(() => this.doAppend(records, 'follower', -1, 'client'));
  }

  /**
   * Appends as {@link appendAsLeader} / {@link appendAsFollower}; with
   * `durable`, resolves once an fsync covering the append has completed —
   * concurrent durable appends share one fsync (group commit).
   */
  async append(records: Buffer, options: AppendOptions = {}): Promise<LogAppendInfo> {
    const info =
      options.origin === 'follower' ? this.appendAsFollower(records) : this.appendAsLeader(records, options.leaderEpoch ?? -1, options.validation);
    if (options.durable && info.lastOffset >= 0) await this.flush(info.lastOffset + 1);
    return info;
  }

  private doAppend(records: Buffer, origin: 'leader' | 'follower', leaderEpoch: number, validation: AppendOrigin): LogAppendInfo {
    this.ensureWritable();
    if (records.length === 0) return { ...NOT_APPENDED, logStartOffset: this.logStart };
    const config = this.configValue;
    if (records.length > config.segmentBytes) {
      throw new TributaryError('RECORD_LIST_TOO_LARGE', `${records.length} bytes of batches cannot fit a segment of ${config.segmentBytes} bytes`);
    }
    const nowMs = this.scheduler.nowMs();
    const logAppendTime = config.messageTimestampType === 'LogAppendTime';
    const batches: AnalyzedBatch[] = [];
    let position = 0;
    let next = this.leo;
    let prevLast = this.leo - 1;
    let recordCount = 0;
    let maxTimestamp = -1;
    let offsetOfMaxTimestamp = -1;
    while (position < records.length) {
      const header = validateRecordBatch(records, position, {
        origin: origin === 'leader' ? validation : 'log',
        maxBatchBytes: config.maxMessageBytes,
      });
      const size = header.batchLength + LOG_OVERHEAD;
      let baseOffset: number;
      let batchMaxTs = header.maxTimestamp;
      let epoch = header.partitionLeaderEpoch;
      if (origin === 'leader') {
        baseOffset = next;
        writeInt64(records, position, baseOffset);
        records.writeInt32BE(leaderEpoch, position + PARTITION_LEADER_EPOCH_OFFSET);
        epoch = leaderEpoch;
        if (logAppendTime) {
          stampLogAppendTime(records, position, nowMs);
          batchMaxTs = nowMs;
        } else {
          this.checkTimestamps(header.baseTimestamp, header.maxTimestamp, nowMs, position);
        }
      } else {
        baseOffset = header.baseOffset;
        if (baseOffset <= prevLast) {
          throw new TributaryError(
            'OFFSET_OUT_OF_RANGE',
            `follower append to ${this.name}: batch offset ${baseOffset} is not after ${prevLast} (log end offset ${this.leo})`,
          );
        }
      }
      const lastOffset = baseOffset + header.lastOffsetDelta;
      batches.push({ position, size, baseOffset, lastOffset, maxTimestamp: batchMaxTs, recordCount: header.recordCount, partitionLeaderEpoch: epoch });
      if (batchMaxTs > maxTimestamp) {
        maxTimestamp = batchMaxTs;
        offsetOfMaxTimestamp = baseOffset;
      }
      recordCount += header.recordCount;
      prevLast = lastOffset;
      next = lastOffset + 1;
      position += size;
    }
    const firstOffset = batches[0].baseOffset;
    const lastOffset = prevLast;
    // Roll if needed, then write all batches with one pwrite.
    let segment = this.active();
    const reason = shouldRoll(
      {
        baseOffset: segment.baseOffset,
        sizeBytes: segment.sizeBytes,
        firstBatchTimestampMs: segment.sizeBytes === 0 ? -1 : segment.firstBatchTimestamp(),
        createdMs: segment.createdMs,
        rollJitterMs: segment.rollJitterMs,
        offsetIndexFull: segment.offsetIndexFull,
        timeIndexFull: segment.timeIndexFull,
      },
      { sizeBytes: records.length, maxTimestampMs: maxTimestamp, lastOffset },
      config,
      nowMs,
    );
    if (reason) segment = this.rollTo(firstOffset, reason);
    assert(lastOffset - segment.baseOffset <= MAX_RELATIVE_OFFSET, () => `append [${firstOffset}, ${lastOffset}] does not fit segment ${segment.baseOffset}`);
    segment.append(records, batches, config.indexIntervalBytes, nowMs);
    this.leo = lastOffset + 1;
    for (const b of batches) {
      if (this.epochCache.assign(b.partitionLeaderEpoch, b.baseOffset)) this.epochDirty = true;
    }
    this.unflushedMessages += recordCount;
    if (this.unflushedMessages >= config.flushMessages) void this.flush().catch(ignoreError);
    else this.armFlushTimer();
    return {
      firstOffset,
      lastOffset,
      maxTimestamp,
      offsetOfMaxTimestamp,
      logAppendTimeMs: logAppendTime && origin === 'leader' ? nowMs : -1,
      sizeBytes: records.length,
      batchCount: batches.length,
      recordCount,
      logStartOffset: this.logStart,
    };
  }

  private checkTimestamps(baseTimestamp: number, maxTimestamp: number, nowMs: number, position: number): void {
    const { messageTimestampBeforeMaxMs: before, messageTimestampAfterMaxMs: after } = this.configValue;
    if (before < NEVER && baseTimestamp >= 0 && baseTimestamp < nowMs - before) {
      throw new TributaryError('INVALID_TIMESTAMP', `batch at position ${position} has timestamp ${baseTimestamp}, more than ${before} ms before now`);
    }
    if (after < NEVER && maxTimestamp > nowMs + after) {
      throw new TributaryError('INVALID_TIMESTAMP', `batch at position ${position} has timestamp ${maxTimestamp}, more than ${after} ms after now`);
    }
  }

  // ================================================================ roll

  /** Rolls a new active segment at the LEO (no-op when the active segment is empty). */
  roll(): void {
    this.guard(() => {
      this.ensureWritable();
      this.rollTo(this.leo, 'requested');
    });
  }

  private rollTo(newBase: number, reason: string): LogSegment {
    const old = this.active();
    if (old.sizeBytes === 0) {
      if (old.baseOffset === newBase) return old;
      // An empty active segment at another base: replace it (Kafka does the same).
      this.segmentList.pop();
      old.deleteFiles();
    } else {
      assert(newBase >= this.leo, () => `cannot roll at ${newBase} below the log end offset ${this.leo}`);
      old.onRoll();
    }
    const segment = this.newSegment(newBase);
    this.segmentList.push(segment);
    segment.setActive(true);
    this.logger.info(`rolled ${this.name} to a new segment at ${newBase} (${reason})`);
    // Make the rolled segment durable in the background, as Kafka does.
    if (old.sizeBytes > 0) void this.flush(newBase).catch(ignoreError);
    return segment;
  }

  private newSegment(baseOffset: number, state: 'live' | 'cleaned' = 'live'): LogSegment {
    const config = this.configValue;
    const segment = LogSegment.create(this.env, this.dir, baseOffset, state, this.scheduler.nowMs(), {
      indexBytes: config.segmentIndexBytes,
      rollJitterMs: this.drawJitter(),
    });
    if (state === 'live') this.dirDirty = true;
    return segment;
  }

  /** A segment's share of segment.jitter.ms, in [0, min(jitter, segment.ms)). */
  private drawJitter(): number {
    const { segmentJitterMs, segmentMs } = this.configValue;
    return segmentJitterMs > 0 ? Math.floor(this.prng.next() * Math.min(segmentJitterMs, segmentMs)) : 0;
  }

  // ================================================================ flush

  /**
   * Makes everything below `upToOffset` (default: the LEO) durable. Group
   * commit: one fsync round covers every append made before it started;
   * callers arriving during a round share the next one. The recovery point
   * advances after each round.
   */
  flush(upToOffset: number = this.leo): Promise<void> {
    if (this.offlineError) return Promise.reject(this.offlineError);
    const upTo = Math.min(upToOffset, this.leo);
    if (upTo <= this.recoveryPointValue) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.flushWaiters.push({ upTo, resolve, reject });
      if (!this.flushing) void this.runFlushRounds();
    });
  }

  private async runFlushRounds(): Promise<void> {
    this.flushing = true;
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    try {
      while (this.flushWaiters.length > 0 && !this.offlineError) {
        const target = this.leo;
        const generation = this.truncations;
        const unflushedAtStart = this.unflushedMessages;
        const segments = this.segmentList.filter((s) => s.logDirty || s.indexesDirty);
        const dirDirty = this.dirDirty;
        this.dirDirty = false;
        try {
          await Promise.all(segments.map((s) => (s.removed ? undefined : s.flush())));
          // Abandoned or failed meanwhile: touch nothing more.
          if (this.offlineError) return;
          if (dirDirty) await this.disk.fsyncDir(this.dir);
          if (this.offlineError) return;
          if (this.epochDirty && generation === this.truncations) this.writeEpochCheckpoint();
        } catch (error) {
          if (dirDirty) this.dirDirty = true;
          this.fail(error);
          return;
        }
        if (generation === this.truncations) {
          // A segment closed after this round started has index files this round did not fsync: stop below it.
          let point = target;
          for (const s of this.segmentList) {
            if (!s.isActive && s.indexesDirty && s.baseOffset < point) point = s.baseOffset;
          }
          if (this.dirDirty) point = Math.min(point, this.active().baseOffset);
          if (point > this.recoveryPointValue) this.recoveryPointValue = point;
          this.unflushedMessages = Math.max(0, this.unflushedMessages - unflushedAtStart);
        }
        const rp = this.recoveryPointValue;
        const waiting: FlushWaiter[] = [];
        for (const w of this.flushWaiters) {
          if (w.upTo <= rp) w.resolve();
          else if (w.upTo > this.leo) w.reject(new TributaryError('OFFSET_OUT_OF_RANGE', `offsets up to ${w.upTo} of ${this.name} were truncated before they were flushed`));
          else waiting.push(w);
        }
        this.flushWaiters = waiting;
      }
    } finally {
      this.flushing = false;
      if (this.unflushedMessages > 0) this.armFlushTimer();
    }
  }

  private armFlushTimer(): void {
    const flushMs = this.configValue.flushMs;
    if (this.flushTimer || this.flushing || flushMs >= NEVER || this.closed || this.leo <= this.recoveryPointValue) return;
    this.flushTimer = this.scheduler.schedule(flushMs, () => {
      this.flushTimer = undefined;
      void this.flush().catch(ignoreError);
    });
  }

  private writeEpochCheckpoint(): void {
    writeFileAtomicSync(this.disk, path.join(this.dir, LEADER_EPOCH_CHECKPOINT_FILE), Buffer.from(formatEpochCheckpoint(this.epochCache.entries)));
    this.epochDirty = false;
  }

  // ================================================================ read

  /**
   * Reads whole batches starting with the one holding `startOffset`, up to
   * `maxBytes` (the first batch is returned whole even when larger, unless
   * `minOneMessage` is false) and only batches whose last offset is below
   * `maxOffset` (exclusive upper bound, e.g. the high watermark; default LEO).
   * Bytes come straight from the file; each batch returned passed its CRC.
   * Throws OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset],
   * CORRUPT_MESSAGE when the batch at `startOffset` is corrupt,
   * KAFKA_STORAGE_ERROR.
   */
  read(startOffset: number, options: { maxBytes: number; maxOffset?: number; minOneMessage?: boolean }): FetchDataInfo {
    return this.guard(() => {
      this.ensureOnline();
      if (startOffset < this.logStart || startOffset > this.leo) {
        throw new TributaryError('OFFSET_OUT_OF_RANGE', `offset ${startOffset} is outside [${this.logStart}, ${this.leo}] of ${this.name}`);
      }
      const maxOffset = Math.min(options.maxOffset ?? this.leo, this.leo);
      const minOne = options.minOneMessage ?? true;
      const empty = { records: Buffer.alloc(0), logStartOffset: this.logStart, logEndOffset: this.leo };
      if (startOffset >= maxOffset) return empty;
      for (let i = this.floorIndex(startOffset); i < this.segmentList.length; i++) {
        const data = this.segmentList[i].read(startOffset, options.maxBytes, maxOffset, minOne);
        if (data !== undefined) return { records: data, logStartOffset: this.logStart, logEndOffset: this.leo };
      }
      return empty;
    });
  }

  /**
   * ListOffsets: the first record with timestamp ≥ `timestamp` (via the time
   * index), or EARLIEST_TIMESTAMP (-2: log start), LATEST_TIMESTAMP (-1: LEO),
   * MAX_TIMESTAMP (-3: the record with the largest timestamp). Undefined when
   * no record qualifies.
   */
  offsetForTimestamp(timestamp: number): TimestampAndOffset | undefined {
    return this.guard(() => {
      this.ensureOnline();
      if (timestamp === EARLIEST_TIMESTAMP) return { timestamp: -1, offset: this.logStart, leaderEpoch: this.epochCache.epochForOffset(this.logStart) };
      if (timestamp === LATEST_TIMESTAMP) return { timestamp: -1, offset: this.leo, leaderEpoch: this.epochCache.latestEpoch };
      if (timestamp === MAX_TIMESTAMP) return this.maxTimestampOffset();
      if (timestamp < 0) throw new TributaryError('INVALID_REQUEST', `unsupported ListOffsets timestamp ${timestamp}`);
      for (let i = this.floorIndex(this.logStart); i < this.segmentList.length; i++) {
        const segment = this.segmentList[i];
        if (segment.maxTimestampAndOffset().timestamp < timestamp) continue;
        const entry = segment.timeIndexLookup(timestamp);
        const from = Math.max(entry?.offset ?? segment.baseOffset, this.logStart);
        const found = this.findRecord(segment, from, (ts) => ts >= timestamp);
        if (found) return found;
      }
      return undefined;
    });
  }

  private maxTimestampOffset(): TimestampAndOffset | undefined {
    let best: { segment: LogSegment; timestamp: number; offset: number } | undefined;
    for (let i = this.floorIndex(this.logStart); i < this.segmentList.length; i++) {
      const segment = this.segmentList[i];
      const m = segment.maxTimestampAndOffset();
      if (m.timestamp >= 0 && (!best || m.timestamp > best.timestamp)) best = { segment, ...m };
    }
    if (!best) return undefined;
    const target = best.timestamp;
    return this.findRecord(best.segment, Math.max(best.offset, this.logStart), (ts) => ts === target) ?? undefined;
  }

  /** The first record at or after `fromOffset` in `segment` whose timestamp matches. */
  private findRecord(segment: LogSegment, fromOffset: number, matches: (ts: number) => boolean): TimestampAndOffset | undefined {
    let batch = segment.translateOffset(fromOffset);
    while (batch) {
      if (batch.baseOffset >= this.leo) return undefined;
      if (matches(batch.maxTimestamp)) {
        const buf = Buffer.allocUnsafe(batch.size);
        segment.readAt(buf, batch.position, batch.size);
        const decoded = decodeRecordBatch(buf);
        for (const r of decoded.records) {
          if (r.offset < fromOffset) continue;
          if (matches(r.timestamp)) return { timestamp: r.timestamp, offset: r.offset, leaderEpoch: decoded.header.partitionLeaderEpoch };
        }
      }
      batch = segment.translateOffset(batch.lastOffset + 1, batch.position + batch.size);
    }
    return undefined;
  }

  // ================================================================ leader epochs

  get latestEpoch(): number {
    return this.epochCache.latestEpoch;
  }

  get leaderEpochEntries(): readonly EpochEntry[] {
    return this.epochCache.entries;
  }

  /** Kafka's maybeAssignEpochStartOffset: a new leader records that `epoch` starts at `startOffset` (normally the LEO). */
  assignEpochStartOffset(epoch: number, startOffset: number = this.leo): void {
    this.guard(() => {
      this.ensureWritable();
      if (this.epochCache.assign(epoch, startOffset)) {
        this.epochDirty = true;
        this.writeEpochCheckpoint();
      }
    });
  }

  /** OffsetsForLeaderEpoch: the largest epoch ≤ `epoch` and its end offset. */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: number } {
    return this.epochCache.endOffsetFor(epoch, this.leo);
  }

  epochForOffset(offset: number): number {
    return this.epochCache.epochForOffset(offset);
  }

  // ================================================================ truncation

  /**
   * Removes every record at or after `offset` (replication: a follower cuts
   * its divergent tail). A batch holding `offset` is removed whole, so the LEO
   * may end up below `offset`. Updates indexes, the epoch cache, producer
   * snapshots and the persisted recovery point before returning. Returns
   * whether anything was removed.
   */
  truncateTo(offset: number): boolean {
    return this.guard(() => {
      this.ensureWritable();
      assert(Number.isSafeInteger(offset) && offset >= 0, () => `truncation offset must be a non-negative integer, got ${offset}`);
      if (offset >= this.leo) return false;
      if (offset < this.segmentList[0].baseOffset) {
        this.doTruncateFully(offset);
        return true;
      }
      this.truncations++;
      const doomed = this.segmentList.filter((s) => s.baseOffset > offset);
      this.segmentList = this.segmentList.filter((s) => s.baseOffset <= offset);
      for (const s of doomed) this.retire(s, 'truncation', 0);
      const last = this.segmentList[this.segmentList.length - 1];
      if (!last.isActive) last.setActive(true);
      const firstRemoved = last.truncateTo(offset);
      this.leo = firstRemoved !== undefined && firstRemoved < offset ? firstRemoved : offset;
      if (doomed.length > 0) this.disk.fsyncDirSync(this.dir);
      this.afterTruncation();
      this.logger.info(`truncated ${this.name} to ${this.leo}`);
      return true;
    });
  }

  /** Deletes everything and restarts the log empty at `offset` (log start = LEO = recovery point = `offset`). */
  truncateFullyAndStartAt(offset: number): void {
    this.guard(() => {
      this.ensureWritable();
      assert(Number.isSafeInteger(offset) && offset >= 0, () => `offset must be a non-negative integer, got ${offset}`);
      this.doTruncateFully(offset);
    });
  }

  private doTruncateFully(offset: number): void {
    this.truncations++;
    const doomed = this.segmentList;
    this.segmentList = [];
    for (const s of doomed) this.retire(s, 'truncation', 0);
    this.disk.fsyncDirSync(this.dir);
    const segment = this.newSegment(offset);
    this.segmentList.push(segment);
    segment.setActive(true);
    this.disk.fsyncDirSync(this.dir);
    this.dirDirty = false;
    this.leo = offset;
    this.logStart = offset;
    this.recoveryPointValue = offset;
    if (this.epochCache.clear()) this.epochDirty = true;
    this.snapshots.deleteAll();
    this.afterTruncation();
    this.hooks.persistLogStartOffset?.(this);
    this.logger.info(`truncated ${this.name} fully; it now starts at ${offset}`);
  }

  private afterTruncation(): void {
    if (this.recoveryPointValue > this.leo) this.recoveryPointValue = this.leo;
    if (this.logStart > this.leo) this.logStart = this.leo;
    this.hooks.persistRecoveryPoint?.(this);
    if (this.epochCache.truncateFromEnd(this.leo)) this.epochDirty = true;
    if (this.epochDirty) this.writeEpochCheckpoint();
    this.snapshots.deleteAbove(this.leo);
    this.unflushedMessages = 0;
    const waiting: FlushWaiter[] = [];
    for (const w of this.flushWaiters) {
      if (w.upTo > this.leo) w.reject(new TributaryError('OFFSET_OUT_OF_RANGE', `offsets up to ${w.upTo} of ${this.name} were truncated before they were flushed`));
      else waiting.push(w);
    }
    this.flushWaiters = waiting;
  }

  // ================================================================ producer snapshots

  /** Offsets of the producer-state snapshots, ascending. */
  listProducerSnapshots(): readonly number[] {
    return this.snapshots.list();
  }

  readProducerSnapshot(offset: number): Buffer | undefined {
    return this.guard(() => this.snapshots.read(offset));
  }

  /** The newest snapshot at or below `maxOffset` (default: the LEO). */
  latestProducerSnapshot(maxOffset: number = this.leo): { offset: number; payload: Buffer } | undefined {
    return this.guard(() => this.snapshots.latest(maxOffset));
  }

  /**
   * Writes an opaque producer-state snapshot taken at `offset` (≤ LEO),
   * atomically and durably. A snapshot whose offset was truncated away while
   * it was being written is deleted again.
   */
  async writeProducerSnapshot(offset: number, payload: Uint8Array): Promise<void> {
    this.ensureWritable();
    if (offset < this.logStart || offset > this.leo) {
      throw new TributaryError('OFFSET_OUT_OF_RANGE', `snapshot offset ${offset} is outside [${this.logStart}, ${this.leo}] of ${this.name}`);
    }
    const generation = this.truncations;
    try {
      await this.snapshots.write(offset, payload);
    } catch (error) {
      if (diskErrorCode(error)) {
        this.fail(error);
        throw this.offlineError;
      }
      throw error;
    }
    if (generation !== this.truncations && (offset > this.leo || offset < this.logStart)) this.snapshots.delete(offset);
  }

  deleteProducerSnapshot(offset: number): boolean {
    return this.guard(() => this.snapshots.delete(offset));
  }

  // ================================================================ partition metadata

  /** The topic id from partition.metadata, if known. */
  get topicId(): string | undefined {
    return this.topicIdValue;
  }

  /** Records the topic id in partition.metadata (atomically). */
  setTopicId(topicId: string): void {
    this.guard(() => {
      if (this.topicIdValue === topicId) return;
      writeFileAtomicSync(this.disk, path.join(this.dir, PARTITION_METADATA_FILE), Buffer.from(formatPartitionMetadata(topicId)));
      this.topicIdValue = topicId;
    });
  }

  // ================================================================ cleaner interface

  /**
   * The segments, ascending, as the cleanup policies see them. `nextOffset`
   * of a closed segment is the next segment's base offset; of the active one,
   * the LEO. A fresh array each call (no I/O except timestamps loaded once).
   */
  segments(): LogSegmentView[] {
    return this.guard(() =>
      this.segmentList.map((s, i) => {
        const next = this.segmentList[i + 1];
        return {
          baseOffset: s.baseOffset,
          nextOffset: next ? next.baseOffset : this.leo,
          sizeBytes: s.sizeBytes,
          largestTimestampMs: s.maxTimestampAndOffset().timestamp,
          lastModifiedMs: s.lastModifiedMs,
          isActive: s.isActive,
        };
      }),
    );
  }

  /**
   * Iterates the batches of the segment at `baseOffset` (each CRC-checked, a
   * private copy). The segment stays readable while iterating even if it is
   * deleted or swapped out meanwhile (its file removal waits for the
   * iterator). Throws CORRUPT_MESSAGE on a bad batch, OFFSET_OUT_OF_RANGE when
   * no such segment exists.
   */
  *segmentBatches(baseOffset: number, options: { fromPosition?: number } = {}): Generator<SegmentBatch, void, undefined> {
    this.ensureOnline();
    const segment = this.segmentList.find((s) => s.baseOffset === baseOffset);
    if (!segment) throw new TributaryError('OFFSET_OUT_OF_RANGE', `${this.name} has no segment at ${baseOffset}`);
    segment.readers++;
    try {
      // Large sequential reads (1 MiB) through the scanner; each batch fully validated and copied out.
      const scanner = segment.scanner(options.fromPosition ?? 0, true, SEGMENT_READ_CHUNK_BYTES);
      for (let b = scanner.next(); b; b = scanner.next()) {
        const bytes = scanner.bytesOf(b) as Buffer;
        yield { baseOffset: b.baseOffset, lastOffset: b.lastOffset, position: b.position, maxTimestamp: b.maxTimestamp, data: Buffer.from(bytes) };
      }
      if (scanner.error !== undefined) throw this.corruptAt(segment, scanner.position, scanner.error);
    } finally {
      segment.readers--;
    }
  }

  private corruptAt(segment: LogSegment, position: number, why: string): TributaryError {
    return new TributaryError('CORRUPT_MESSAGE', `segment ${segment.path('log')} position ${position}: ${why}`);
  }

  /**
   * Removes closed segments (a prefix of the log: the oldest ones) for
   * retention: their files are renamed `.deleted` at once and removed after
   * file.delete.delay.ms. The log start offset moves to the first remaining
   * segment; epochs and producer snapshots below it are dropped. Never the
   * active segment (roll first). Returns how many were deleted.
   */
  deleteSegments(baseOffsets: readonly number[], reason: SegmentDeletionReason): number {
    return this.guard(() => {
      this.ensureWritable();
      if (baseOffsets.length === 0) return 0;
      const wanted = new Set(baseOffsets);
      let count = 0;
      while (count < this.segmentList.length && wanted.has(this.segmentList[count].baseOffset)) count++;
      if (count !== wanted.size) {
        throw new TributaryError('INVALID_REQUEST', `segments [${[...wanted].join(', ')}] of ${this.name} are not a prefix of the log's closed segments`);
      }
      if (count >= this.segmentList.length) throw new TributaryError('INVALID_REQUEST', `cannot delete the active segment of ${this.name}; roll first`);
      const doomed = this.segmentList.slice(0, count);
      this.segmentList = this.segmentList.slice(count);
      for (const s of doomed) this.retire(s, reason, this.configValue.fileDeleteDelayMs);
      this.moveLogStart(this.segmentList[0].baseOffset);
      this.logger.info(`deleted ${count} segment(s) of ${this.name} (${reason}); log start offset ${this.logStart}`);
      return count;
    });
  }

  /**
   * DeleteRecords: moves the log start offset up to `offset` (≤ LEO); records
   * below it are no longer readable. Segments wholly below it are removed by
   * retention (reason 'log-start-offset').
   */
  advanceLogStartOffset(offset: number): void {
    this.guard(() => {
      this.ensureWritable();
      if (offset > this.leo) throw new TributaryError('OFFSET_OUT_OF_RANGE', `log start offset ${offset} is past the log end offset ${this.leo} of ${this.name}`);
      this.moveLogStart(offset);
    });
  }

  private moveLogStart(offset: number): void {
    if (offset <= this.logStart) return;
    this.logStart = offset;
    if (this.epochCache.truncateFromStart(offset)) this.epochDirty = true;
    this.snapshots.deleteBelow(offset);
  }

  /**
   * Starts a new segment file set for compaction output at `baseOffset`
   * (files `*.cleaned`). Append batches with their offsets, `finish()`, then
   * hand the writers to {@link replaceSegments}. One compaction at a time per
   * log: writers of a previous compaction must be replaced or aborted first.
   */
  createSegmentWriter(baseOffset: number): SegmentWriter {
    return this.guard(() => {
      this.ensureWritable();
      for (const w of this.cleanedWriters) {
        if (w.baseOffset === baseOffset) throw new TributaryError('INVALID_REQUEST', `a segment writer at ${baseOffset} is already open for ${this.name}`);
      }
      const segment = this.newSegment(baseOffset, 'cleaned');
      const writer = new SegmentWriter(this.env, segment, this.configValue.indexIntervalBytes, () => this.cleanedWriters.delete(writer), this.scheduler);
      this.cleanedWriters.add(writer);
      return writer;
    });
  }

  /**
   * Atomically replaces closed segments with compaction output, crash-safe
   * like Kafka: the new segments' `.cleaned` files become `.swap` (highest
   * base offset first), the old segments become `.deleted`, the `.swap` files
   * take their final names, with a directory fsync between the steps. A
   * restart completes or rolls back an interrupted swap (see the README).
   * `oldBaseOffsets` must be contiguous closed segments; every new segment
   * must lie within their offset range and all open writers must be passed
   * (finished). Reads in progress keep working: the old files are removed
   * after file.delete.delay.ms and only once no iterator holds them.
   */
  replaceSegments(oldBaseOffsets: readonly number[], writers: readonly SegmentWriter[]): void {
    this.guard(() => {
      this.ensureWritable();
      const first = this.segmentList.findIndex((s) => s.baseOffset === oldBaseOffsets[0]);
      const olds = first < 0 ? [] : this.segmentList.slice(first, first + oldBaseOffsets.length);
      const ok = olds.length === oldBaseOffsets.length && olds.every((s, i) => s.baseOffset === oldBaseOffsets[i] && !s.isActive);
      if (!ok || oldBaseOffsets.length === 0 || writers.length === 0) {
        throw new TributaryError('INVALID_REQUEST', `segments [${oldBaseOffsets.join(', ')}] are not contiguous closed segments of ${this.name}`);
      }
      const lowest = olds[0].baseOffset;
      const bound = this.segmentList[first + olds.length].baseOffset;
      const sorted = [...writers].sort((a, b) => a.baseOffset - b.baseOffset);
      if (sorted.length !== this.cleanedWriters.size || sorted.some((w) => !this.cleanedWriters.has(w))) {
        throw new TributaryError('INVALID_REQUEST', `replaceSegments must be given every open segment writer of ${this.name}`);
      }
      let prevEnd = lowest;
      for (const w of sorted) {
        if (!w.isFinished) throw new TributaryError('INVALID_REQUEST', `segment writer at ${w.baseOffset} is not finished`);
        if (w.baseOffset < prevEnd || w.nextOffset > bound) {
          throw new TributaryError('INVALID_REQUEST', `new segment [${w.baseOffset}, ${w.nextOffset}) does not fit [${lowest}, ${bound}) in order`);
        }
        prevEnd = Math.max(w.nextOffset, w.baseOffset + 1);
      }
      // 1. .cleaned -> .swap, highest base offset first (so recovery can roll back a partial step by base offset).
      for (const w of [...sorted].reverse()) w.segment.changeState('swap');
      this.disk.fsyncDirSync(this.dir);
      // 2. old -> .deleted.
      for (const s of olds) s.changeState('deleted');
      // 3. .swap -> live names.
      for (const w of sorted) w.segment.changeState('live');
      this.disk.fsyncDirSync(this.dir);
      const fresh = sorted.map((w) => w.segment);
      this.segmentList.splice(first, olds.length, ...fresh);
      for (const s of fresh) s.setActive(false);
      for (const s of olds) this.scheduleRemoval(s, this.configValue.fileDeleteDelayMs);
      for (const w of sorted) this.cleanedWriters.delete(w);
      this.logger.info(`replaced segments [${oldBaseOffsets.join(', ')}] of ${this.name} with [${fresh.map((s) => s.baseOffset).join(', ')}]`);
    });
  }

  /** Takes a segment out of the log: rename to .deleted now, remove the files after `delayMs`. */
  private retire(segment: LogSegment, reason: SegmentDeletionReason, delayMs: number): void {
    segment.setActive(false);
    segment.changeState('deleted');
    this.scheduleRemoval(segment, delayMs);
    this.logger.info(`segment ${segment.baseOffset} of ${this.name} scheduled for deletion (${reason})`);
  }

  private scheduleRemoval(segment: LogSegment, delayMs: number): void {
    segment.release();
    const remove = (): void => {
      this.pendingDeletes.delete(handle);
      if (segment.readers > 0) {
        handle = this.scheduler.schedule(Math.max(delayMs, 1000), remove);
        this.pendingDeletes.add(handle);
        return;
      }
      try {
        segment.deleteFiles();
      } catch (error) {
        if (diskErrorCode(error)) this.fail(error);
      }
    };
    if (delayMs <= 0 && segment.readers === 0) {
      segment.deleteFiles();
      return;
    }
    let handle = this.scheduler.schedule(delayMs, remove);
    this.pendingDeletes.add(handle);
  }

  // ================================================================ lifecycle

  /**
   * Clean close: flush everything (recovery point = LEO), write and fsync the
   * active segment's trimmed indexes and the epoch checkpoint, release fds.
   * Pending `.deleted` removals are done now.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.offlineError) {
      this.releaseAll();
      this.closed = true;
      return;
    }
    try {
      await this.flush();
      const active = this.active();
      active.onRoll();
      active.setActive(true);
      await active.flush();
      if (this.epochDirty) this.writeEpochCheckpoint();
      for (const s of this.segmentList) await s.flush();
      if (this.dirDirty) {
        this.dirDirty = false;
        await this.disk.fsyncDir(this.dir);
      }
    } catch (error) {
      if (diskErrorCode(error)) this.fail(error);
      throw error instanceof TributaryError ? error : (this.offlineError ?? error);
    } finally {
      this.flushTimer?.cancel();
      this.flushTimer = undefined;
    }
    for (const h of this.pendingDeletes) h.cancel();
    this.pendingDeletes.clear();
    this.closed = true;
    this.releaseAll();
  }

  /** Whether `close()` completed. */
  get isClosed(): boolean {
    return this.closed;
  }

  private releaseAll(): void {
    for (const s of this.segmentList) s.release();
    this.env.files.forgetUnder(this.dir + path.sep);
  }

  /** Deletes the whole partition directory (the log must not be used afterwards). */
  deleteAllFiles(): void {
    this.closed = true;
    this.flushTimer?.cancel();
    for (const h of this.pendingDeletes) h.cancel();
    for (const s of this.segmentList) s.release();
    this.env.files.forgetUnder(this.dir + path.sep);
  }

  /** Stops using the log without flushing (see LogManager.abandon). */
  abandon(): void {
    if (!this.closed) this.fail(new Error('abandoned'), false, false);
    this.closed = true;
  }

  /** Takes the log offline (its log dir failed elsewhere). */
  markOffline(error: unknown): void {
    this.fail(error, false);
  }

  // ================================================================ helpers

  private active(): LogSegment {
    return this.segmentList[this.segmentList.length - 1];
  }

  /** Index of the segment holding `offset` (the last with base ≤ offset), or 0. */
  private floorIndex(offset: number): number {
    let lo = 0;
    let hi = this.segmentList.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segmentList[mid].baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private ensureOnline(): void {
    if (this.offlineError) throw this.offlineError;
  }

  private ensureWritable(): void {
    this.ensureOnline();
    if (this.closed) throw new TributaryError('KAFKA_STORAGE_ERROR', `log ${this.name} is closed`);
  }

  /** Runs `fn`; a disk error takes the log offline and surfaces as KAFKA_STORAGE_ERROR. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof TributaryError) throw error;
      if (diskErrorCode(error) !== undefined) {
        this.fail(error);
        throw this.offlineError;
      }
      throw error;
    }
  }

  private fail(error: unknown, notify = true, report = true): void {
    if (this.offlineError) return;
    const message = error instanceof Error ? error.message : String(error);
    this.offlineError = new TributaryError('KAFKA_STORAGE_ERROR', `log ${this.name} in ${this.dir} is offline: ${message}`, { cause: error });
    if (report) this.logger.error(`log ${this.name} is offline after a disk error: ${message}`);
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of waiters) w.reject(this.offlineError);
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    for (const h of this.pendingDeletes) h.cancel();
    this.pendingDeletes.clear();
    try {
      this.env.files.forgetUnder(this.dir + path.sep);
    } catch {
      // best effort
    }
    if (notify) this.hooks.onDiskError?.(this, error);
  }

  // ================================================================ loading

  private loadFromDisk(options: LogOptions): void {
    const disk = this.disk;
    const dir = this.dir;
    let changedDir = false;
    let names = disk.readdir(dir);
    // Leftover temp files of atomic writes.
    for (const name of names) {
      if (name.endsWith(TMP_SUFFIX)) {
        unlinkIfExists(disk, path.join(dir, name));
        changedDir = true;
      }
    }
    changedDir = this.resolveSwapLeftovers(names) || changedDir;
    if (changedDir) disk.fsyncDirSync(dir);
    names = disk.readdir(dir);

    // Partition metadata.
    const meta = readFileIfExists(disk, path.join(dir, PARTITION_METADATA_FILE));
    if (meta) {
      try {
        this.topicIdValue = parsePartitionMetadata(meta.toString('utf8')).topicId;
      } catch (error) {
        this.logger.warn(`ignoring unreadable ${PARTITION_METADATA_FILE} of ${this.name}: ${(error as Error).message}`);
      }
    }

    // Segments.
    const logBases: number[] = [];
    const indexFiles: { name: string; base: number }[] = [];
    for (const name of names) {
      const parsed = parseSegmentFileName(name);
      if (!parsed || parsed.state !== 'live') continue;
      if (parsed.kind === 'log') logBases.push(parsed.baseOffset);
      else if (parsed.kind === 'index' || parsed.kind === 'timeindex') indexFiles.push({ name, base: parsed.baseOffset });
    }
    logBases.sort((a, b) => a - b);
    const logSet = new Set(logBases);
    for (const f of indexFiles) {
      if (!logSet.has(f.base)) {
        this.logger.warn(`deleting orphan index file ${path.join(dir, f.name)} of ${this.name}`);
        unlinkIfExists(disk, path.join(dir, f.name));
      }
    }
    const shape = { indexBytes: this.configValue.segmentIndexBytes, rollJitterMs: 0 };
    const lastShape = { ...shape, rollJitterMs: this.drawJitter() };
    this.segmentList = logBases.map((base, i) => {
      const p = path.join(dir, `${String(base).padStart(20, '0')}.log`);
      const st = disk.stat(p);
      return LogSegment.existing(this.env, dir, base, 'live', st?.size ?? 0, st?.mtimeMs ?? this.scheduler.nowMs(), i === logBases.length - 1 ? lastShape : shape);
    });
    this.snapshots = new ProducerSnapshots(disk, dir, ProducerSnapshots.offsetsIn(names));

    // Leader epochs.
    let epochsTrusted = false;
    const epochBytes = readFileIfExists(disk, path.join(dir, LEADER_EPOCH_CHECKPOINT_FILE));
    if (epochBytes) {
      try {
        for (const e of parseEpochCheckpoint(epochBytes.toString('utf8'))) this.epochCache.assign(e.epoch, e.startOffset);
        epochsTrusted = true;
      } catch (error) {
        if (!(error instanceof CheckpointFormatError)) throw error;
        this.logger.warn(`ignoring garbled ${LEADER_EPOCH_CHECKPOINT_FILE} of ${this.name}; rebuilding it from the batches: ${error.message}`);
      }
    }

    if (this.segmentList.length === 0) {
      const start = options.logStartOffset ?? options.recoveryPoint ?? 0;
      const segment = this.newSegment(start);
      this.segmentList.push(segment);
      disk.fsyncDirSync(dir);
      this.dirDirty = false;
      segment.setActive(true);
      this.leo = start;
      this.logStart = start;
      this.recoveryPointValue = start;
      if (!epochsTrusted) this.epochCache.clear();
      this.finishLoad(epochsTrusted, epochBytes !== undefined);
      return;
    }

    const last = this.segmentList[this.segmentList.length - 1];
    let recoverFrom: number | undefined;
    if (options.hadCleanShutdown && options.recoveryPoint !== undefined) {
      last.setActive(true);
      const problem = last.loadTail();
      if (problem === undefined) {
        this.leo = last.nextOffset();
      } else {
        this.logger.warn(`${this.name}: clean-shutdown marker present but the last segment's tail is invalid (${problem}); recovering it`);
        recoverFrom = last.baseOffset;
      }
    } else {
      recoverFrom = options.recoveryPoint ?? 0;
      if (options.recoveryPoint === undefined && (this.segmentList.length > 1 || last.sizeBytes > 0)) {
        this.logger.warn(`${this.name}: no recovery point checkpointed; validating every segment`);
      }
    }
    if (recoverFrom !== undefined) this.recover(recoverFrom, epochsTrusted);
    else this.recoveryPointValue = this.leo;

    this.logStart = Math.max(options.logStartOffset ?? 0, this.segmentList[0].baseOffset);
    if (this.logStart > this.leo) {
      this.logger.warn(`${this.name}: checkpointed log start offset ${this.logStart} is past the log end ${this.leo}; restarting the log there`);
      const start = this.logStart;
      this.snapshots = new ProducerSnapshots(disk, dir, ProducerSnapshots.offsetsIn(disk.readdir(dir)));
      this.doTruncateFully(start);
    }
    if (!epochsTrusted && recoverFrom === undefined) this.rebuildEpochCache(0);
    this.finishLoad(epochsTrusted, epochBytes !== undefined);
  }

  private finishLoad(epochsTrusted: boolean, hadEpochFile: boolean): void {
    if (this.recoveryPointValue > this.leo) this.recoveryPointValue = this.leo;
    if (this.recoveryPointValue < this.logStart) this.recoveryPointValue = Math.min(this.logStart, this.leo);
    if (this.epochCache.truncateFromEnd(this.leo)) this.epochDirty = true;
    if (this.epochCache.truncateFromStart(this.logStart)) this.epochDirty = true;
    if (!epochsTrusted && (hadEpochFile || this.epochCache.entries.length > 0)) this.epochDirty = true;
    if (this.epochDirty) this.writeEpochCheckpoint();
    this.snapshots.deleteAbove(this.leo);
    this.snapshots.deleteBelow(this.logStart);
    if (this.leo > this.recoveryPointValue) void this.flush().catch(ignoreError);
  }

  /**
   * Crash recovery: validates every segment from the one holding
   * `recoveryPoint - 1` on (always at least the last), rebuilding their indexes;
   * at the first invalid byte the segment is cut there and every later
   * segment deleted, with a warning.
   */
  private recover(recoveryPoint: number, epochsTrusted: boolean): void {
    // The segment holding the offset just below the recovery point: when the recovery point sits exactly on a
    // segment boundary, the segment before it may have been rolled after the last fsync round, its index files unsynced.
    const startIndex = Math.min(this.floorIndex(Math.max(0, recoveryPoint - 1)), this.segmentList.length - 1);
    const startOffset = this.segmentList[startIndex].baseOffset;
    if (!epochsTrusted) {
      this.epochCache.clear();
      if (startIndex > 0) this.rebuildEpochCache(0, startIndex);
    }
    this.epochCache.truncateFromEnd(startOffset);
    this.loadReport = { clean: false, recoveredSegments: 0, truncatedBytes: 0, rebuiltEpochCache: !epochsTrusted };
    for (let i = startIndex; i < this.segmentList.length; i++) {
      const segment = this.segmentList[i];
      const upper = this.segmentList[i + 1]?.baseOffset ?? Number.MAX_SAFE_INTEGER;
      const result = segment.scanAndIndex(true, upper, (b) => this.epochCache.assign(b.partitionLeaderEpoch, b.baseOffset), this.configValue.indexIntervalBytes);
      this.loadReport.recoveredSegments++;
      if (result.error !== undefined || result.validBytes < segment.sizeBytes) {
        const dropped = segment.sizeBytes - result.validBytes;
        this.logger.warn(
          `recovery of ${this.name}: truncating segment ${segment.path('log')} at position ${result.validBytes}, dropping ${dropped} bytes: ${result.error ?? 'trailing bytes'}`,
          { topic: this.topicPartition.topic, partition: this.topicPartition.partition, position: result.validBytes, droppedBytes: dropped },
        );
        this.loadReport.truncatedBytes += dropped;
        segment.finishRecovery(result.validBytes);
        const doomed = this.segmentList.slice(i + 1);
        for (const s of doomed) {
          this.logger.warn(`recovery of ${this.name}: deleting segment ${s.path('log')} after the truncation point (${s.sizeBytes} bytes)`);
          this.loadReport.truncatedBytes += s.sizeBytes;
          s.deleteFiles();
        }
        this.segmentList = this.segmentList.slice(0, i + 1);
        if (doomed.length > 0) this.disk.fsyncDirSync(this.dir);
        break;
      }
      segment.finishRecovery(result.validBytes);
    }
    const last = this.active();
    for (const s of this.segmentList) if (s !== last && s.isActive) s.setActive(false);
    last.setActive(true);
    for (let i = startIndex; i < this.segmentList.length - 1; i++) {
      const s = this.segmentList[i];
      // Recovered closed segments: add Kafka's final time-index entry and trim.
      s.onRoll();
    }
    this.leo = last.nextOffset();
    this.recoveryPointValue = Math.min(recoveryPoint, startOffset, this.leo);
    this.epochDirty = true;
  }

  /** Reads batch headers of segments [from, to) to rebuild the epoch cache (the checkpoint was lost). */
  private rebuildEpochCache(from: number, to = this.segmentList.length): void {
    this.loadReport.rebuiltEpochCache = true;
    for (let i = from; i < to; i++) {
      const segment = this.segmentList[i];
      try {
        let batch = segment.translateOffset(segment.baseOffset);
        while (batch) {
          this.epochCache.assign(batch.partitionLeaderEpoch, batch.baseOffset);
          batch = segment.translateOffset(batch.lastOffset + 1, batch.position + batch.size);
        }
      } catch (error) {
        if (!(error instanceof TributaryError)) throw error;
        // A damaged closed segment: its reads will report CORRUPT_MESSAGE; the epochs of what follows still count.
        this.logger.warn(`${this.name}: leader epochs of segment ${segment.baseOffset} could not be read: ${error.message}`);
      }
    }
    this.epochDirty = true;
  }

  /**
   * Completes or rolls back a swap interrupted by a crash (see
   * replaceSegments): `.deleted` files go; if any `.cleaned` file is left the
   * swap never finished its first step, so `.cleaned` files and `.swap` files
   * at or above the lowest `.cleaned` base offset are deleted (rollback);
   * remaining `.swap` segments replace the live segments they overlap
   * (completion). Returns whether the directory changed.
   */
  private resolveSwapLeftovers(names: readonly string[]): boolean {
    const disk = this.disk;
    const dir = this.dir;
    const parsed = names.map((name) => ({ name, p: parseSegmentFileName(name) })).filter((x) => x.p !== undefined) as {
      name: string;
      p: NonNullable<ReturnType<typeof parseSegmentFileName>>;
    }[];
    let changed = false;
    const remove = (name: string): void => {
      unlinkIfExists(disk, path.join(dir, name));
      changed = true;
    };
    for (const x of parsed) if (x.p.state === 'deleted') remove(x.name);
    const cleaned = parsed.filter((x) => x.p.state === 'cleaned');
    let swaps = parsed.filter((x) => x.p.state === 'swap');
    if (cleaned.length > 0) {
      const minCleaned = Math.min(...cleaned.map((x) => x.p.baseOffset));
      this.logger.warn(`${this.name}: rolling back an unfinished segment swap (.cleaned files from ${minCleaned})`);
      for (const x of cleaned) remove(x.name);
      for (const x of swaps) if (x.p.baseOffset >= minCleaned) remove(x.name);
      swaps = swaps.filter((x) => x.p.baseOffset < minCleaned);
    }
    const swapLogs = swaps.filter((x) => x.p.kind === 'log').map((x) => x.p.baseOffset).sort((a, b) => a - b);
    const swapLogSet = new Set(swapLogs);
    for (const x of swaps) if (x.p.kind !== 'log' && !swapLogSet.has(x.p.baseOffset)) remove(x.name);
    if (swapLogs.length === 0) return changed;
    const shape = { indexBytes: this.configValue.segmentIndexBytes, rollJitterMs: 0 };
    const liveLogs = parsed.filter((x) => x.p.state === 'live' && x.p.kind === 'log').map((x) => x.p.baseOffset);
    for (const base of swapLogs) {
      const st = disk.stat(path.join(dir, `${String(base).padStart(20, '0')}.log.swap`));
      const swap = LogSegment.existing(this.env, dir, base, 'swap', st?.size ?? 0, st?.mtimeMs ?? 0, shape);
      const result = swap.scanAndIndex(true, Number.MAX_SAFE_INTEGER, ignoreError, this.configValue.indexIntervalBytes);
      const end = Math.max(result.nextOffset, base + 1);
      this.logger.warn(`${this.name}: completing an interrupted segment swap at ${base} (covering [${base}, ${end}))`);
      for (const live of liveLogs) {
        if (live >= base && live < end) {
          const old = LogSegment.existing(this.env, dir, live, 'live', 0, 0, shape);
          old.deleteFiles();
        }
      }
      swap.changeState('live');
      swap.finishRecovery(result.validBytes);
      swap.release();
      changed = true;
    }
    return changed;
  }
}
