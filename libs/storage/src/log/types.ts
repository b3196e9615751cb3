import type { SegmentView } from '@tributary/plugins-api';

/** ListOffsets special timestamps (Kafka's). */
export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;
export const MAX_TIMESTAMP = -3;

/** What an append did. Offsets are absolute; timestamps ms since epoch. */
export interface LogAppendInfo {
  /** Offset of the first record appended (base offset of the first batch); -1 for an empty append. */
  readonly firstOffset: number;
  /** Offset of the last record appended; -1 for an empty append. */
  readonly lastOffset: number;
  /** Largest batch max timestamp of the append (-1 if none). */
  readonly maxTimestamp: number;
  /** Base offset of the batch holding `maxTimestamp`. */
  readonly offsetOfMaxTimestamp: number;
  /** The time stamped on LogAppendTime topics; -1 for CreateTime. */
  readonly logAppendTimeMs: number;
  /** Bytes appended. */
  readonly sizeBytes: number;
  readonly batchCount: number;
  readonly recordCount: number;
  readonly logStartOffset: number;
}

/** The result of a read: whole batches, as stored, concatenated. */
export interface FetchDataInfo {
  /** Zero or more whole batches; the first may start before the requested offset (the consumer skips). */
  readonly records: Buffer;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
}

/** ListOffsets answer. */
export interface TimestampAndOffset {
  readonly timestamp: number;
  readonly offset: number;
  /** Leader epoch of the record at `offset` (-1 when unknown). */
  readonly leaderEpoch: number;
}

/** The log's segments as the cleaner and policies see them (same shape as the plugin SPI's SegmentView). */
export type LogSegmentView = SegmentView;

/** One batch read from a segment for the cleaner. */
export interface SegmentBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  /** File position in the segment. */
  readonly position: number;
  readonly maxTimestamp: number;
  /** The batch bytes (a private copy; CRC verified). */
  readonly data: Buffer;
}

/** Why segments left the log, for logs and metrics. */
export type SegmentDeletionReason = 'retention.ms' | 'retention.bytes' | 'log-start-offset' | 'custom' | 'truncation' | 'compaction';
