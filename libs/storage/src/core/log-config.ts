import { TributaryError } from '@tributary/errors';

/** Kafka's Long.MAX_VALUE defaults, as the largest safe integer. */
export const NEVER = Number.MAX_SAFE_INTEGER;

export type TimestampTypeName = 'CreateTime' | 'LogAppendTime';

/**
 * The per-partition log settings: Kafka's topic configs, camelCased, with
 * Kafka's defaults ({@link DEFAULT_LOG_CONFIG}). Sizes in bytes, times in ms.
 * The broker maps its typed config onto this; `Log.updateConfig` applies a
 * change without a restart (segment-shape settings apply from the next segment).
 */
export interface LogConfig {
  /** segment.bytes: roll when the active segment would grow past this. */
  readonly segmentBytes: number;
  /** segment.ms: roll when the active segment's first batch is this old. */
  readonly segmentMs: number;
  /** segment.jitter.ms: a random amount in [0, this) subtracted from segment.ms per segment. */
  readonly segmentJitterMs: number;
  /** segment.index.bytes: maximum size of an offset index (time index: 12/8 of entries alike); a full index rolls. */
  readonly segmentIndexBytes: number;
  /** index.interval.bytes: bytes of log between two index entries. */
  readonly indexIntervalBytes: number;
  /** flush.messages: fsync after this many unflushed messages. */
  readonly flushMessages: number;
  /** flush.ms: fsync when data has been unflushed this long. */
  readonly flushMs: number;
  /** max.message.bytes: the largest batch accepted (MESSAGE_TOO_LARGE above). */
  readonly maxMessageBytes: number;
  /** message.timestamp.type. */
  readonly messageTimestampType: TimestampTypeName;
  /** message.timestamp.before.max.ms: CreateTime batches older than now minus this are INVALID_TIMESTAMP. */
  readonly messageTimestampBeforeMaxMs: number;
  /** message.timestamp.after.max.ms: CreateTime batches newer than now plus this are INVALID_TIMESTAMP. */
  readonly messageTimestampAfterMaxMs: number;
  /** retention.ms (-1: no limit). Used by the retention policy. */
  readonly retentionMs: number;
  /** retention.bytes (-1: no limit). Used by the retention policy. */
  readonly retentionBytes: number;
  /** cleanup.policy: e.g. ['delete'], ['compact'], ['compact', 'delete'] or a plugin's name. */
  readonly cleanupPolicy: readonly string[];
  /** delete.retention.ms: how long tombstones survive compaction. */
  readonly deleteRetentionMs: number;
  readonly minCompactionLagMs: number;
  readonly maxCompactionLagMs: number;
  readonly minCleanableDirtyRatio: number;
  /** file.delete.delay.ms: delay between a segment leaving the log and its files being removed. */
  readonly fileDeleteDelayMs: number;
  /**
   * preallocate: accepted for compatibility and ignored — Kafka extends new .log files to segment.bytes up front;
   * here only the index files are preallocated (to segment.index.bytes), as sparse files.
   */
  readonly preallocate: boolean;
}

export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  segmentJitterMs: 0,
  segmentIndexBytes: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  flushMessages: NEVER,
  flushMs: NEVER,
  maxMessageBytes: 1024 * 1024 + 12,
  messageTimestampType: 'CreateTime',
  messageTimestampBeforeMaxMs: NEVER,
  messageTimestampAfterMaxMs: NEVER,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  cleanupPolicy: Object.freeze(['delete']),
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCompactionLagMs: 0,
  maxCompactionLagMs: NEVER,
  minCleanableDirtyRatio: 0.5,
  fileDeleteDelayMs: 60_000,
  preallocate: false,
});

/** Smallest segment.bytes Kafka accepts (LegacyRecord.RECORD_OVERHEAD_V0 + 1 rounded up); we take one batch header. */
const MIN_SEGMENT_BYTES = 14;
const MIN_INDEX_BYTES = 8 * 4;

function check(ok: boolean, key: string, value: unknown, rule: string): void {
  if (!ok) throw new TributaryError('INVALID_CONFIG', `${key}=${String(value)}: ${rule}`);
}

/** Applies `overrides` on `base` (Kafka defaults) and validates; throws INVALID_CONFIG. */
export function resolveLogConfig(overrides: Partial<LogConfig> = {}, base: LogConfig = DEFAULT_LOG_CONFIG): LogConfig {
  const c: LogConfig = { ...base, ...stripUndefined(overrides) };
  const int = (v: number): boolean => Number.isSafeInteger(v);
  check(int(c.segmentBytes) && c.segmentBytes >= MIN_SEGMENT_BYTES && c.segmentBytes <= 0x7fffffff, 'segment.bytes', c.segmentBytes, `an integer in [${MIN_SEGMENT_BYTES}, 2^31-1]`);
  check(int(c.segmentMs) && c.segmentMs >= 1, 'segment.ms', c.segmentMs, 'at least 1');
  check(int(c.segmentJitterMs) && c.segmentJitterMs >= 0, 'segment.jitter.ms', c.segmentJitterMs, 'at least 0');
  check(int(c.segmentIndexBytes) && c.segmentIndexBytes >= MIN_INDEX_BYTES && c.segmentIndexBytes <= 0x7fffffff, 'segment.index.bytes', c.segmentIndexBytes, `an integer in [${MIN_INDEX_BYTES}, 2^31-1]`);
  check(int(c.indexIntervalBytes) && c.indexIntervalBytes >= 0, 'index.interval.bytes', c.indexIntervalBytes, 'at least 0');
  check(int(c.flushMessages) && c.flushMessages >= 1, 'flush.messages', c.flushMessages, 'at least 1');
  check(int(c.flushMs) && c.flushMs >= 0, 'flush.ms', c.flushMs, 'at least 0');
  check(int(c.maxMessageBytes) && c.maxMessageBytes >= 0, 'max.message.bytes', c.maxMessageBytes, 'at least 0');
  check(c.messageTimestampType === 'CreateTime' || c.messageTimestampType === 'LogAppendTime', 'message.timestamp.type', c.messageTimestampType, 'CreateTime or LogAppendTime');
  check(int(c.messageTimestampBeforeMaxMs) && c.messageTimestampBeforeMaxMs >= 0, 'message.timestamp.before.max.ms', c.messageTimestampBeforeMaxMs, 'at least 0');
  check(int(c.messageTimestampAfterMaxMs) && c.messageTimestampAfterMaxMs >= 0, 'message.timestamp.after.max.ms', c.messageTimestampAfterMaxMs, 'at least 0');
  check(int(c.retentionMs) && c.retentionMs >= -1, 'retention.ms', c.retentionMs, 'at least -1');
  check(int(c.retentionBytes) && c.retentionBytes >= -1, 'retention.bytes', c.retentionBytes, 'at least -1');
  check(Array.isArray(c.cleanupPolicy) && c.cleanupPolicy.length > 0, 'cleanup.policy', c.cleanupPolicy, 'a non-empty list');
  check(int(c.deleteRetentionMs) && c.deleteRetentionMs >= 0, 'delete.retention.ms', c.deleteRetentionMs, 'at least 0');
  check(int(c.minCompactionLagMs) && c.minCompactionLagMs >= 0, 'min.compaction.lag.ms', c.minCompactionLagMs, 'at least 0');
  check(int(c.maxCompactionLagMs) && c.maxCompactionLagMs >= 1, 'max.compaction.lag.ms', c.maxCompactionLagMs, 'at least 1');
  check(c.minCleanableDirtyRatio >= 0 && c.minCleanableDirtyRatio <= 1, 'min.cleanable.dirty.ratio', c.minCleanableDirtyRatio, 'in [0, 1]');
  check(int(c.fileDeleteDelayMs) && c.fileDeleteDelayMs >= 0, 'file.delete.delay.ms', c.fileDeleteDelayMs, 'at least 0');
  return Object.freeze(c);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
