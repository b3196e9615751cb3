import { TributaryError } from '@tributary/errors';
import { readSafeInt64Fast, writeInt64 } from './int64';

/**
 * RecordBatch v2 header layout (all big-endian). `batchLength` counts the bytes
 * after itself, so a whole batch is `batchLength + LOG_OVERHEAD` bytes. The CRC
 * (CRC32C) covers attributes through the end, so baseOffset and
 * partitionLeaderEpoch can be rewritten without recomputing it.
 */
export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
/** Size of the fixed batch header; records start here. */
export const RECORD_BATCH_OVERHEAD = 61;
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;
export const CURRENT_MAGIC = 2;

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1;

export enum CompressionType {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

export enum TimestampType {
  CreateTime = 0,
  LogAppendTime = 1,
}

const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_BIT = 0x08;
const TRANSACTIONAL_BIT = 0x10;
const CONTROL_BIT = 0x20;
const DELETE_HORIZON_BIT = 0x40;

/** The decoded fixed header of one batch. Offsets and ids are safe-integer numbers. */
export interface RecordBatchHeader {
  readonly baseOffset: number;
  readonly batchLength: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  readonly crc: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
}

export interface BatchAttributes {
  readonly compression: CompressionType;
  readonly timestampType: TimestampType;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
  readonly hasDeleteHorizon: boolean;
}

export function decodeAttributes(attributes: number): BatchAttributes {
  return {
    compression: attributes & COMPRESSION_MASK,
    timestampType: attributes & TIMESTAMP_TYPE_BIT ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    isTransactional: (attributes & TRANSACTIONAL_BIT) !== 0,
    isControl: (attributes & CONTROL_BIT) !== 0,
    hasDeleteHorizon: (attributes & DELETE_HORIZON_BIT) !== 0,
  };
}

export function encodeAttributes(a: Partial<BatchAttributes>): number {
  return (
    ((a.compression ?? CompressionType.None) & COMPRESSION_MASK) |
    (a.timestampType === TimestampType.LogAppendTime ? TIMESTAMP_TYPE_BIT : 0) |
    (a.isTransactional ? TRANSACTIONAL_BIT : 0) |
    (a.isControl ? CONTROL_BIT : 0) |
    (a.hasDeleteHorizon ? DELETE_HORIZON_BIT : 0)
  );
}

/** Reads an int64 that must be a safe integer; anything larger is corrupt input, not a number we can hold. */
export function readSafeInt64(buf: Buffer, at: number, what: string): number {
  if (at < 0 || at + 8 > buf.length) throw new TributaryError('CORRUPT_MESSAGE', `${what} at ${at} is past the end of the buffer`);
  return readSafeInt64Fast(buf, at, what);
}

/** Total size in bytes of the batch starting at `at`, or undefined if fewer than LOG_OVERHEAD bytes remain. */
export function batchSizeAt(buf: Buffer, at = 0): number | undefined {
  if (buf.length - at < LOG_OVERHEAD) return undefined;
  return buf.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
}

/**
 * Decodes the fixed header of the batch at `at` without checking the CRC or
 * reading records. Throws CORRUPT_MESSAGE when the bytes cannot be a v2 header.
 */
export function readBatchHeader(buf: Buffer, at = 0): RecordBatchHeader {
  if (buf.length - at < RECORD_BATCH_OVERHEAD) {
    throw new TributaryError('CORRUPT_MESSAGE', `batch header needs ${RECORD_BATCH_OVERHEAD} bytes, ${buf.length - at} left`);
  }
  const magic = buf.readInt8(at + MAGIC_OFFSET);
  if (magic !== CURRENT_MAGIC) {
    throw new TributaryError('CORRUPT_MESSAGE', `unsupported magic ${magic}; only RecordBatch v2 is accepted`);
  }
  const batchLength = buf.readInt32BE(at + BATCH_LENGTH_OFFSET);
  if (batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) {
    throw new TributaryError('CORRUPT_MESSAGE', `batchLength ${batchLength} is smaller than the v2 header`);
  }
  return readHeaderFields(buf, at);
}

/**
 * Reads the fixed header fields of the batch at `at`, checking only that the
 * int64s are safe integers: the caller has checked the bytes are there.
 */
export function readHeaderFields(buf: Buffer, at: number): RecordBatchHeader {
  return {
    baseOffset: readSafeInt64Fast(buf, at + BASE_OFFSET_OFFSET, 'baseOffset'),
    batchLength: buf.readInt32BE(at + BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(at + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(at + MAGIC_OFFSET),
    crc: buf.readUInt32BE(at + CRC_OFFSET),
    attributes: buf.readInt16BE(at + ATTRIBUTES_OFFSET),
    lastOffsetDelta: buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: readSafeInt64Fast(buf, at + BASE_TIMESTAMP_OFFSET, 'baseTimestamp'),
    maxTimestamp: readSafeInt64Fast(buf, at + MAX_TIMESTAMP_OFFSET, 'maxTimestamp'),
    producerId: readSafeInt64Fast(buf, at + PRODUCER_ID_OFFSET, 'producerId'),
    producerEpoch: buf.readInt16BE(at + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(at + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(at + RECORDS_COUNT_OFFSET),
  };
}


/** Rewrites baseOffset (a safe integer) in place; outside the CRC, so the batch stays valid. */
export function setBaseOffset(buf: Buffer, baseOffset: number, at = 0): void {
  if (!Number.isSafeInteger(baseOffset)) throw new TributaryError('INVALID_RECORD', `baseOffset ${baseOffset} is not a safe integer`);
  writeInt64(buf, at + BASE_OFFSET_OFFSET, baseOffset);
}

/** Rewrites partitionLeaderEpoch in place; outside the CRC, so the batch stays valid. */
export function setPartitionLeaderEpoch(buf: Buffer, epoch: number, at = 0): void {
  buf.writeInt32BE(epoch, at + PARTITION_LEADER_EPOCH_OFFSET);
}

/** The offset of the last record: baseOffset + lastOffsetDelta. */
export function lastOffsetOf(header: RecordBatchHeader): number {
  return header.baseOffset + header.lastOffsetDelta;
}
