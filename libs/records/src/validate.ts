import { TributaryError } from '@tributary/errors';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  CompressionType,
  CRC_OFFSET,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  RECORD_BATCH_OVERHEAD,
  readHeaderFields,
  type RecordBatchHeader,
} from './batch-header';
import { crc32c } from './crc32c';
import { writeInt64 } from './int64';

/**
 * Who wrote the batch, as Kafka's AppendOrigin: the checks differ.
 * - `client`: a produce request. Kafka's LogValidator rules: at least one
 *   record, recordCount === lastOffsetDelta + 1, no control batches, a
 *   baseSequence for batches with a producer id.
 * - `coordinator`: the broker's own writes (transaction markers, internal
 *   topics): as `client` but control batches and batches with a producer id
 *   and no sequence (markers) are allowed.
 * - `log`: bytes already in a log (segment recovery, replication, fetch).
 *   Compaction may have removed records, so only recordCount <= lastOffsetDelta + 1
 *   is required and empty batches are allowed.
 */
export type AppendOrigin = 'client' | 'coordinator' | 'log';

export interface ValidateOptions {
  /** Kafka's max.message.bytes: a larger batch is MESSAGE_TOO_LARGE. */
  maxBatchBytes?: number;
  /** Kafka's segment.bytes: a larger batch is RECORD_LIST_TOO_LARGE. */
  maxSegmentBytes?: number;
  /** Default 'client' (the strictest). */
  origin?: AppendOrigin;
  /** Default true. */
  verifyCrc?: boolean;
}

const MIN_BATCH_LENGTH = RECORD_BATCH_OVERHEAD - LOG_OVERHEAD;
/** Smallest possible encoded record: length, attributes, timestampDelta, offsetDelta, key, value, header count. */
export const MIN_RECORD_BYTES = 7;
const HIGHEST_COMPRESSION = CompressionType.Zstd;

function corrupt(message: string): TributaryError {
  return new TributaryError('CORRUPT_MESSAGE', message);
}

function invalid(message: string): TributaryError {
  return new TributaryError('INVALID_RECORD', message);
}

/**
 * Checks the structure of the batch at `at` — enough bytes for the batch,
 * magic 2, a sane batchLength — and returns its size in bytes. Does not check
 * the CRC. Throws CORRUPT_MESSAGE (or MESSAGE_TOO_LARGE/RECORD_LIST_TOO_LARGE
 * for the given limits).
 */
function checkFrame(buf: Buffer, at: number, options: ValidateOptions): number {
  if (!Number.isInteger(at) || at < 0) throw corrupt(`position ${at} is not a byte position`);
  const left = buf.length - at;
  if (left < LOG_OVERHEAD) {
    throw corrupt(`a batch needs at least ${LOG_OVERHEAD} bytes for baseOffset and batchLength, ${Math.max(left, 0)} left at position ${at}`);
  }
  const batchLength = buf.readInt32BE(at + BATCH_LENGTH_OFFSET);
  if (batchLength < MIN_BATCH_LENGTH) {
    throw corrupt(`batchLength ${batchLength} at position ${at} is smaller than the v2 header (${MIN_BATCH_LENGTH})`);
  }
  const size = batchLength + LOG_OVERHEAD;
  if (options.maxBatchBytes !== undefined && size > options.maxBatchBytes) {
    throw new TributaryError('MESSAGE_TOO_LARGE', `batch of ${size} bytes is larger than the limit of ${options.maxBatchBytes} bytes`);
  }
  if (options.maxSegmentBytes !== undefined && size > options.maxSegmentBytes) {
    throw new TributaryError('RECORD_LIST_TOO_LARGE', `batch of ${size} bytes is larger than the segment size of ${options.maxSegmentBytes} bytes`);
  }
  if (left < RECORD_BATCH_OVERHEAD) {
    throw corrupt(`batch at position ${at} is truncated: the header needs ${RECORD_BATCH_OVERHEAD} bytes, ${left} left`);
  }
  const magic = buf[at + MAGIC_OFFSET];
  if (magic !== CURRENT_MAGIC) {
    throw corrupt(`batch at position ${at} has magic ${(magic << 24) >> 24}; only RecordBatch v2 (magic 2) is accepted`);
  }
  if (size > left) {
    throw corrupt(`batch at position ${at} is truncated: batchLength says ${size} bytes, ${left} left`);
  }
  return size;
}


/** The CRC32C a batch should carry: over attributes through the end. */
export function computeBatchCrc(buf: Buffer, at: number, size: number): number {
  return crc32c(buf.subarray(at + ATTRIBUTES_OFFSET, at + size));
}

/**
 * Validates the batch at `at` without decoding its records — the broker's and
 * storage's check: enough bytes, magic 2, a sane batchLength no larger than the
 * bytes present, a matching CRC32C, safe-integer offsets and timestamps, a known
 * compression type, and counts consistent with the header (per `origin`, see
 * AppendOrigin; the default 'client' is Kafka's produce-path rule).
 *
 * Throws TributaryError CORRUPT_MESSAGE (malformed bytes), INVALID_RECORD
 * (well-formed but not acceptable from `origin`), MESSAGE_TOO_LARGE /
 * RECORD_LIST_TOO_LARGE (over `maxBatchBytes` / `maxSegmentBytes`). An
 * undefined compression id (5–7) is CORRUPT_MESSAGE.
 */
export function validateRecordBatch(buf: Buffer, at = 0, options: ValidateOptions = {}): RecordBatchHeader {
  const size = checkFrame(buf, at, options);
  if (options.verifyCrc ?? true) {
    const stored = buf.readUInt32BE(at + CRC_OFFSET);
    const computed = computeBatchCrc(buf, at, size);
    if (stored !== computed) {
      throw corrupt(`batch at position ${at} is corrupt: stored CRC ${stored} does not match computed CRC ${computed}`);
    }
  }
  const header = readHeaderFields(buf, at);
  const { recordCount, lastOffsetDelta } = header;
  if (recordCount < 0) throw corrupt(`recordCount ${recordCount} is negative`);
  if (lastOffsetDelta < 0) throw corrupt(`lastOffsetDelta ${lastOffsetDelta} is negative`);
  if (!Number.isSafeInteger(header.baseOffset + lastOffsetDelta)) {
    throw corrupt(`last offset ${header.baseOffset} + ${lastOffsetDelta} is not a safe integer`);
  }
  const compression = header.attributes & 0x07;
  if (compression > HIGHEST_COMPRESSION) {
    throw corrupt(`batch at position ${at} has unknown compression type ${compression}`);
  }
  if (compression === CompressionType.None && recordCount > (size - RECORD_BATCH_OVERHEAD) / MIN_RECORD_BYTES) {
    throw corrupt(`recordCount ${recordCount} cannot fit in ${size - RECORD_BATCH_OVERHEAD} bytes of records`);
  }
  const origin = options.origin ?? 'client';
  if (origin === 'log') {
    if (recordCount > lastOffsetDelta + 1) {
      throw corrupt(`recordCount ${recordCount} is more than the ${lastOffsetDelta + 1} offsets the batch spans`);
    }
    if (header.baseOffset < 0) throw corrupt(`baseOffset ${header.baseOffset} is negative`);
    return header;
  }
  // Kafka's LogValidator.validateBatch for AppendOrigin.CLIENT (and COORDINATOR).
  if (recordCount === 0) throw invalid('batch has no records');
  if (recordCount !== lastOffsetDelta + 1) {
    throw invalid(`inconsistent batch offset range [${header.baseOffset}, ${header.baseOffset + lastOffsetDelta}] and count of records ${recordCount}`);
  }
  const isControl = (header.attributes & 0x20) !== 0;
  if (isControl && origin === 'client') throw invalid('clients are not allowed to write control batches');
  if (origin === 'client' && header.producerId >= 0 && header.baseSequence < 0) {
    throw invalid(`invalid sequence number ${header.baseSequence} for producer id ${header.producerId}`);
  }
  if ((header.attributes & 0x10) !== 0 && header.producerId < 0) {
    throw invalid('transactional batch has no producer id');
  }
  return header;
}

export interface BatchPosition {
  /** Byte offset of the batch in the buffer. */
  position: number;
  header: RecordBatchHeader;
  /** Total bytes of the batch: batchLength + 12. */
  size: number;
}

/**
 * Walks concatenated batches (a produce request's records, a segment, a fetch
 * response). Checks each batch's frame (length, magic, bounds) and header but,
 * unless `verifyCrc` is set, not its CRC. Throws CORRUPT_MESSAGE on a partial
 * or garbled batch, including a truncated one at the end.
 */
export function* iterateBatches(buf: Buffer, options: { verifyCrc?: boolean } = {}): Generator<BatchPosition, void, undefined> {
  let position = 0;
  const frameOptions: ValidateOptions = {};
  while (position < buf.length) {
    const size = checkFrame(buf, position, frameOptions);
    if (options.verifyCrc) {
      const stored = buf.readUInt32BE(position + CRC_OFFSET);
      if (stored !== computeBatchCrc(buf, position, size)) {
        throw corrupt(`batch at position ${position} is corrupt: CRC mismatch`);
      }
    }
    yield { position, header: readHeaderFields(buf, position), size };
    position += size;
  }
}

/**
 * For LogAppendTime topics: sets the batch's timestamp type to LogAppendTime and
 * its maxTimestamp to `timestampMs`, then recomputes the CRC — in place,
 * without touching the records (readers take every record's timestamp from
 * maxTimestamp). Validate the batch first: the new CRC covers whatever bytes
 * are there, so stamping a corrupt batch would hide the corruption. Throws
 * CORRUPT_MESSAGE if no whole batch is at `at`.
 */
export function stampLogAppendTime(buf: Buffer, at: number, timestampMs: number): void {
  if (!Number.isSafeInteger(timestampMs)) throw invalid(`timestamp ${timestampMs} is not a safe integer`);
  const size = checkFrame(buf, at, {});
  buf.writeInt16BE(buf.readInt16BE(at + ATTRIBUTES_OFFSET) | 0x08, at + ATTRIBUTES_OFFSET);
  writeInt64(buf, at + MAX_TIMESTAMP_OFFSET, timestampMs);
  buf.writeUInt32BE(computeBatchCrc(buf, at, size), at + CRC_OFFSET);
}
