import { TributaryError } from '@tributary/errors';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  type BatchAttributes,
  CompressionType,
  CRC_OFFSET,
  CURRENT_MAGIC,
  decodeAttributes,
  encodeAttributes,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  type RecordBatchHeader,
  TimestampType,
} from './batch-header';
import { codecFor, DEFAULT_MAX_DECOMPRESSED_BYTES, tooLarge } from './compression';
import { crc32c } from './crc32c';
import { writeInt64 } from './int64';
import { MIN_RECORD_BYTES, validateRecordBatch } from './validate';
import { ByteReader, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint';

/** One header of a record: a UTF-8 key and a nullable value. */
export interface RecordHeaderInput {
  key: string;
  value: Uint8Array | null;
}

export interface RecordInput {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers?: readonly RecordHeaderInput[];
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** Offset relative to the batch's base offset; defaults to the record's index. */
  offsetDelta?: number;
}

export interface RecordBatchInput {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  compression?: CompressionType;
  timestampType?: TimestampType;
  /** Defaults to the first record's timestamp (NO_TIMESTAMP, -1, for an empty batch). */
  baseTimestamp?: number;
  /** Defaults to the max record timestamp (baseTimestamp for an empty batch). */
  maxTimestamp?: number;
  /**
   * Defaults to the last record's offsetDelta. Only compaction needs more: a
   * batch whose tail records were removed keeps its original offset range.
   */
  lastOffsetDelta?: number;
  records: readonly RecordInput[];
}

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A decoded record. `key`, `value` and header values are views into the batch (or its decompressed records). */
export interface Record {
  offset: number;
  /** For LogAppendTime batches, the batch's maxTimestamp, as in Kafka. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  offsetDelta: number;
  timestampDelta: number;
  attributes: number;
}

export interface DecodedRecordBatch {
  header: RecordBatchHeader;
  attributes: BatchAttributes;
  records: Record[];
}

export interface DecodeOptions {
  /** Cap on the decompressed size of a compressed batch's records (default 64 MiB). Above it: MESSAGE_TOO_LARGE. */
  maxDecompressedBytes?: number;
  /** Position of the batch in `buf` (default 0). Bytes after the batch are ignored. */
  at?: number;
  /** Verify the CRC (default true). Only skip it for bytes validated moments ago. */
  verifyCrc?: boolean;
}

function invalid(message: string): TributaryError {
  return new TributaryError('INVALID_RECORD', message);
}

function corrupt(message: string): TributaryError {
  return new TributaryError('CORRUPT_MESSAGE', message);
}

// Per-encode scratch space, reused across calls (encoding is synchronous).
let bodySizes = new Int32Array(1024);
let headerKeySizes = new Int32Array(64);

function checkInt(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${what} ${value} is not an integer in [${min}, ${max}]`);
  }
  return value;
}

const INT16_MAX = 0x7fff;
const INT32_MAX = 0x7fffffff;

/**
 * Measures the records (pass 1). Returns the records' encoded size and fills
 * `bodySizes`/`headerKeySizes`; checks offsetDeltas and timestamps.
 */
function measureRecords(records: readonly RecordInput[], baseTimestamp: number): { size: number; maxTimestamp: number; lastOffsetDelta: number } {
  const n = records.length;
  if (bodySizes.length < n) bodySizes = new Int32Array(Math.max(n, bodySizes.length * 2));
  let size = 0;
  let maxTimestamp = -Infinity;
  let previousDelta = -1;
  let headerIndex = 0;
  for (let i = 0; i < n; i++) {
    const record = records[i];
    const offsetDelta = record.offsetDelta ?? i;
    if (offsetDelta <= previousDelta || offsetDelta > INT32_MAX || !Number.isInteger(offsetDelta)) {
      throw invalid(`record ${i}: offsetDelta ${offsetDelta} must be an int32 greater than the previous record's (${previousDelta})`);
    }
    previousDelta = offsetDelta;
    const timestamp = record.timestamp;
    const timestampDelta = timestamp - baseTimestamp;
    if (!Number.isSafeInteger(timestamp) || !Number.isSafeInteger(timestampDelta)) {
      throw invalid(`record ${i}: timestamp ${timestamp} is not a safe integer relative to baseTimestamp ${baseTimestamp}`);
    }
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const key = record.key;
    const value = record.value;
    let body =
      1 +
      sizeOfVarlong(timestampDelta) +
      sizeOfVarint(offsetDelta) +
      (key === null ? 1 : sizeOfVarint(key.length) + key.length) +
      (value === null ? 1 : sizeOfVarint(value.length) + value.length);
    const headers = record.headers;
    if (headers === undefined || headers.length === 0) {
      body += 1;
    } else {
      body += sizeOfVarint(headers.length);
      if (headerKeySizes.length < headerIndex + headers.length) {
        const grown = new Int32Array(Math.max(headerIndex + headers.length, headerKeySizes.length * 2));
        grown.set(headerKeySizes);
        headerKeySizes = grown;
      }
      for (let h = 0; h < headers.length; h++) {
        const header = headers[h];
        if (typeof header.key !== 'string') throw invalid(`record ${i}: header ${h} has no string key`);
        const keySize = Buffer.byteLength(header.key, 'utf8');
        headerKeySizes[headerIndex++] = keySize;
        const hv = header.value;
        body += sizeOfVarint(keySize) + keySize + (hv === null ? 1 : sizeOfVarint(hv.length) + hv.length);
      }
    }
    if (body > INT32_MAX) throw invalid(`record ${i} is larger than 2 GiB`);
    bodySizes[i] = body;
    size += sizeOfVarint(body) + body;
  }
  return { size, maxTimestamp, lastOffsetDelta: previousDelta };
}

/** Writes the measured records at `pos` (pass 2); returns the position after them. */
function writeRecords(out: Buffer, pos: number, records: readonly RecordInput[], baseTimestamp: number): number {
  let headerIndex = 0;
  for (let i = 0, n = records.length; i < n; i++) {
    const record = records[i];
    pos = writeVarint(out, pos, bodySizes[i]);
    out[pos++] = 0; // record attributes: unused
    pos = writeVarlong(out, pos, record.timestamp - baseTimestamp);
    pos = writeVarint(out, pos, record.offsetDelta ?? i);
    const key = record.key;
    if (key === null) {
      out[pos++] = 1; // zigzag(-1)
    } else {
      pos = writeVarint(out, pos, key.length);
      out.set(key, pos);
      pos += key.length;
    }
    const value = record.value;
    if (value === null) {
      out[pos++] = 1;
    } else {
      pos = writeVarint(out, pos, value.length);
      out.set(value, pos);
      pos += value.length;
    }
    const headers = record.headers;
    if (headers === undefined || headers.length === 0) {
      out[pos++] = 0;
    } else {
      pos = writeVarint(out, pos, headers.length);
      for (let h = 0; h < headers.length; h++) {
        const header = headers[h];
        const keySize = headerKeySizes[headerIndex++];
        pos = writeVarint(out, pos, keySize);
        pos += out.write(header.key, pos, keySize, 'utf8');
        const hv = header.value;
        if (hv === null) {
          out[pos++] = 1;
        } else {
          pos = writeVarint(out, pos, hv.length);
          out.set(hv, pos);
          pos += hv.length;
        }
      }
    }
  }
  return pos;
}

/**
 * Encodes a RecordBatch v2. The size is computed first and the batch written
 * into one allocation (two for compressed batches: records, then the batch).
 * Throws INVALID_RECORD for input that cannot be encoded (non-increasing
 * offsetDeltas, unsafe timestamps, out-of-range header fields).
 */
export function encodeRecordBatch(input: RecordBatchInput): Buffer {
  const records = input.records;
  const n = records.length;
  const baseOffset = input.baseOffset ?? 0;
  if (!Number.isSafeInteger(baseOffset)) throw invalid(`baseOffset ${baseOffset} is not a safe integer`);
  const baseTimestamp = input.baseTimestamp ?? (n > 0 ? records[0].timestamp : NO_TIMESTAMP);
  if (!Number.isSafeInteger(baseTimestamp)) throw invalid(`baseTimestamp ${baseTimestamp} is not a safe integer`);
  const producerId = input.producerId ?? NO_PRODUCER_ID;
  if (!Number.isSafeInteger(producerId)) throw invalid(`producerId ${producerId} is not a safe integer`);
  const partitionLeaderEpoch = checkInt(input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, -1, INT32_MAX, 'partitionLeaderEpoch');
  const producerEpoch = checkInt(input.producerEpoch ?? NO_PRODUCER_EPOCH, -1, INT16_MAX, 'producerEpoch');
  const baseSequence = checkInt(input.baseSequence ?? NO_SEQUENCE, -1, INT32_MAX, 'baseSequence');
  const compression = input.compression ?? CompressionType.None;

  const measured = measureRecords(records, baseTimestamp);
  let lastOffsetDelta = measured.lastOffsetDelta < 0 ? 0 : measured.lastOffsetDelta;
  if (input.lastOffsetDelta !== undefined) {
    lastOffsetDelta = checkInt(input.lastOffsetDelta, lastOffsetDelta, INT32_MAX, 'lastOffsetDelta');
  }
  const maxTimestamp = input.maxTimestamp ?? (n > 0 ? measured.maxTimestamp : baseTimestamp);
  if (!Number.isSafeInteger(maxTimestamp)) throw invalid(`maxTimestamp ${maxTimestamp} is not a safe integer`);

  let out: Buffer;
  if (compression === CompressionType.None) {
    out = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + measured.size);
    writeRecords(out, RECORD_BATCH_OVERHEAD, records, baseTimestamp);
  } else {
    const raw = Buffer.allocUnsafe(measured.size);
    writeRecords(raw, 0, records, baseTimestamp);
    const compressed = codecFor(compression).compress(raw);
    out = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + compressed.length);
    compressed.copy(out, RECORD_BATCH_OVERHEAD);
  }
  if (out.length - LOG_OVERHEAD > INT32_MAX) throw invalid('batch is larger than 2 GiB');

  writeInt64(out, BASE_OFFSET_OFFSET, baseOffset);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt32BE(partitionLeaderEpoch, PARTITION_LEADER_EPOCH_OFFSET);
  out[MAGIC_OFFSET] = CURRENT_MAGIC;
  out.writeInt16BE(
    encodeAttributes({
      compression,
      timestampType: input.timestampType ?? TimestampType.CreateTime,
      isTransactional: input.isTransactional ?? false,
      isControl: input.isControl ?? false,
    }),
    ATTRIBUTES_OFFSET,
  );
  out.writeInt32BE(lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
  writeInt64(out, BASE_TIMESTAMP_OFFSET, baseTimestamp);
  writeInt64(out, MAX_TIMESTAMP_OFFSET, maxTimestamp);
  writeInt64(out, PRODUCER_ID_OFFSET, producerId);
  out.writeInt16BE(producerEpoch, PRODUCER_EPOCH_OFFSET);
  out.writeInt32BE(baseSequence, BASE_SEQUENCE_OFFSET);
  out.writeInt32BE(n, RECORDS_COUNT_OFFSET);
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return out;
}

/**
 * Decodes the batch at `options.at` (default 0): validates the header and CRC
 * (as validateRecordBatch with origin 'log'), decompresses with a size cap,
 * then reads every record with each length checked against the bytes left
 * before use. Keys, values and header values of an uncompressed batch are
 * slices of `buf` (no copy).
 *
 * Throws TributaryError: CORRUPT_MESSAGE (truncation, bad CRC, bad lengths,
 * varint overflow, bytes left over), INVALID_RECORD (record fields
 * inconsistent with the header), MESSAGE_TOO_LARGE (decompressed size over
 * the cap), UNSUPPORTED_COMPRESSION_TYPE.
 */
export function decodeRecordBatch(buf: Buffer, options: DecodeOptions = {}): DecodedRecordBatch {
  const at = options.at ?? 0;
  const header = validateRecordBatch(buf, at, { origin: 'log', verifyCrc: options.verifyCrc ?? true });
  const attributes = decodeAttributes(header.attributes);
  const end = at + header.batchLength + LOG_OVERHEAD;
  let reader: ByteReader;
  if (attributes.compression === CompressionType.None) {
    reader = new ByteReader(buf, at + RECORD_BATCH_OVERHEAD, end);
  } else {
    const maxBytes = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
    const raw = codecFor(attributes.compression).decompress(buf.subarray(at + RECORD_BATCH_OVERHEAD, end), maxBytes);
    if (raw.length > maxBytes) throw tooLarge(maxBytes);
    reader = new ByteReader(raw, 0, raw.length);
  }
  const records = readRecords(reader, header, attributes.timestampType === TimestampType.LogAppendTime);
  return { header, attributes, records };
}

function readRecords(reader: ByteReader, header: RecordBatchHeader, logAppendTime: boolean): Record[] {
  const count = header.recordCount;
  const sectionEnd = reader.end;
  if (count > (sectionEnd - reader.pos) / MIN_RECORD_BYTES) {
    throw corrupt(`recordCount ${count} cannot fit in ${sectionEnd - reader.pos} bytes of records`);
  }
  const buf = reader.buf;
  const { baseOffset, baseTimestamp, maxTimestamp, lastOffsetDelta } = header;
  const records: Record[] = [];
  let previousDelta = -1;
  for (let i = 0; i < count; i++) {
    reader.end = sectionEnd;
    const size = reader.readVarint();
    if (size < 0 || size > reader.end - reader.pos) {
      throw corrupt(`record ${i}: size ${size} does not fit in the ${reader.end - reader.pos} bytes left`);
    }
    const recordEnd = reader.pos + size;
    reader.end = recordEnd;
    if (size === 0) throw corrupt(`record ${i} is empty`);
    const recordAttributes = (buf[reader.pos++] << 24) >> 24;
    const timestampDelta = reader.readVarlong();
    const offsetDelta = reader.readVarint();
    if (offsetDelta <= previousDelta || offsetDelta > lastOffsetDelta) {
      throw invalid(`record ${i}: offsetDelta ${offsetDelta} is not in (${previousDelta}, lastOffsetDelta ${lastOffsetDelta}]`);
    }
    previousDelta = offsetDelta;
    const key = readBytes(reader, buf, i, 'key');
    const value = readBytes(reader, buf, i, 'value');
    const headerCount = reader.readVarint();
    let headers: RecordHeader[];
    if (headerCount === 0) {
      headers = [];
    } else {
      if (headerCount < 0) throw invalid(`record ${i}: invalid header count ${headerCount}`);
      if (headerCount > (recordEnd - reader.pos) / 2) {
        throw corrupt(`record ${i}: ${headerCount} headers cannot fit in ${recordEnd - reader.pos} bytes`);
      }
      headers = new Array<RecordHeader>(headerCount);
      for (let h = 0; h < headerCount; h++) {
        const keySize = reader.readVarint();
        if (keySize < 0) throw invalid(`record ${i}: header ${h} has negative key size ${keySize}`);
        if (keySize > reader.end - reader.pos) {
          throw corrupt(`record ${i}: header ${h} key size ${keySize} exceeds the ${reader.end - reader.pos} bytes left`);
        }
        const headerKey = buf.toString('utf8', reader.pos, reader.pos + keySize);
        reader.pos += keySize;
        headers[h] = { key: headerKey, value: readBytes(reader, buf, i, 'header value') };
      }
    }
    if (reader.pos !== recordEnd) {
      throw invalid(`record ${i}: size ${size} declared but ${size - (recordEnd - reader.pos)} bytes read`);
    }
    const timestamp = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
    const offset = baseOffset + offsetDelta;
    if (!Number.isSafeInteger(timestamp)) throw corrupt(`record ${i}: timestamp is not a safe integer`);
    records.push({ offset, timestamp, key, value, headers, offsetDelta, timestampDelta, attributes: recordAttributes });
  }
  if (reader.pos !== sectionEnd) {
    throw corrupt(`${sectionEnd - reader.pos} bytes left over after ${count} records`);
  }
  return records;
}

function readBytes(reader: ByteReader, buf: Buffer, index: number, what: string): Buffer | null {
  const length = reader.readVarint();
  if (length < 0) {
    if (length === -1) return null;
    throw corrupt(`record ${index}: ${what} length ${length} is negative`);
  }
  const start = reader.pos;
  if (length > reader.end - start) {
    throw corrupt(`record ${index}: ${what} length ${length} exceeds the ${reader.end - start} bytes left`);
  }
  reader.pos = start + length;
  return buf.subarray(start, start + length);
}

/** Decodes every batch in `buf` (concatenated batches, e.g. a fetch response or a segment slice). */
export function decodeRecordBatches(buf: Buffer, options: Omit<DecodeOptions, 'at'> = {}): DecodedRecordBatch[] {
  const batches: DecodedRecordBatch[] = [];
  let at = 0;
  while (at < buf.length) {
    const batch = decodeRecordBatch(buf, { ...options, at });
    batches.push(batch);
    at += batch.header.batchLength + LOG_OVERHEAD;
  }
  return batches;
}
