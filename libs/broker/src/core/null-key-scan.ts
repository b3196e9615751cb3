import { TributaryError } from '@tributary/errors';
import {
  ATTRIBUTES_OFFSET,
  CompressionType,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  BATCH_LENGTH_OFFSET,
  codecFor,
} from '@tributary/records';

const COMPRESSION_MASK = 0x07;
const MAX_VARINT_BYTES = 5;
const MAX_VARLONG_BYTES = 10;

/** The cursor of the varint reader below: module state, so the walk allocates nothing. */
let cursor = 0;

function corrupt(message: string): TributaryError {
  return new TributaryError('CORRUPT_MESSAGE', message);
}

/** Reads a zig-zag varint (≤ maxBytes bytes) at `cursor` below `end`; advances `cursor`. */
function readZigZag(buf: Buffer, end: number, maxBytes: number): number {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (cursor >= end) throw corrupt('record is truncated inside a varint');
    const byte = buf[cursor++];
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    multiplier *= 128;
  }
  throw corrupt('varint is too long');
}

/**
 * Index (within the batch) of the first record with a null key in the batch
 * at `at`, or -1 when every record has a key. Kafka refuses such batches on
 * compacted topics (INVALID_RECORD). Uncompressed batches are walked in place
 * without allocating; compressed ones are decompressed once (bounded). The
 * batch must already be validated (frame and CRC). Throws CORRUPT_MESSAGE
 * when the records do not parse.
 */
export function firstNullKeyIndex(buf: Buffer, at: number): number {
  const size = buf.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
  const count = buf.readInt32BE(at + RECORDS_COUNT_OFFSET);
  const compression = buf.readInt16BE(at + ATTRIBUTES_OFFSET) & COMPRESSION_MASK;
  let data = buf;
  let start = at + RECORD_BATCH_OVERHEAD;
  let end = at + size;
  if (compression !== CompressionType.None) {
    data = codecFor(compression).decompress(buf.subarray(start, end), DEFAULT_MAX_DECOMPRESSED_BYTES);
    start = 0;
    end = data.length;
  }
  cursor = start;
  for (let i = 0; i < count; i++) {
    const length = readZigZag(data, end, MAX_VARINT_BYTES);
    const recordEnd = cursor + length;
    if (length < 0 || recordEnd > end) throw corrupt(`record ${i} claims ${length} bytes past the batch end`);
    cursor += 1; // attributes
    readZigZag(data, recordEnd, MAX_VARLONG_BYTES); // timestampDelta
    readZigZag(data, recordEnd, MAX_VARINT_BYTES); // offsetDelta
    const keyLength = readZigZag(data, recordEnd, MAX_VARINT_BYTES);
    if (keyLength < 0) return i;
    cursor = recordEnd;
  }
  return -1;
}
