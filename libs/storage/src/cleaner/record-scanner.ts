import { TributaryError } from '@tributary/errors';
import {
  ByteReader,
  codecFor,
  CompressionType,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  LOG_OVERHEAD,
  MIN_RECORD_BYTES,
  RECORD_BATCH_OVERHEAD,
  type RecordBatchHeader,
} from '@tributary/records';

const COMPRESSION_MASK = 0x07;
const INITIAL_CAPACITY = 256;

function corrupt(message: string): TributaryError {
  return new TributaryError('CORRUPT_MESSAGE', message);
}

/**
 * Walks the records of one batch without building record objects: for each
 * record it notes where its bytes are, its offsetDelta, where its key is and
 * whether its value is null — all the cleaner needs to decide. The cleaner
 * then copies the bytes of the records it keeps as they are: a record's bytes
 * only depend on the batch's baseOffset and baseTimestamp, which a cleaned
 * batch keeps. (`decodeRecordBatch` would allocate a record, key, value and
 * header objects per record; this is the cleaner's hot loop.)
 *
 * The arrays are reused from batch to batch; entries [0, count) describe the
 * last batch scanned. Every length is checked against the bytes left
 * (CORRUPT_MESSAGE otherwise), as the records decoder does.
 */
export class RecordScanner {
  /** The record section: the batch itself (uncompressed) or its decompressed records. */
  data: Buffer = Buffer.alloc(0);
  count = 0;
  starts = new Int32Array(INITIAL_CAPACITY);
  ends = new Int32Array(INITIAL_CAPACITY);
  offsetDeltas = new Int32Array(INITIAL_CAPACITY);
  keyStarts = new Int32Array(INITIAL_CAPACITY);
  /** -1 for a null key. */
  keyLengths = new Int32Array(INITIAL_CAPACITY);
  valueIsNull = new Uint8Array(INITIAL_CAPACITY);

  constructor(private readonly maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES) {}

  /** Scans `batch` (one whole, already validated batch with this `header`). */
  scan(batch: Buffer, header: RecordBatchHeader): void {
    const compression = (header.attributes & COMPRESSION_MASK) as CompressionType;
    const size = header.batchLength + LOG_OVERHEAD;
    let from = RECORD_BATCH_OVERHEAD;
    let to = size;
    if (compression === CompressionType.None) {
      this.data = batch;
    } else {
      this.data = codecFor(compression).decompress(batch.subarray(RECORD_BATCH_OVERHEAD, size), this.maxDecompressedBytes);
      from = 0;
      to = this.data.length;
    }
    const count = header.recordCount;
    if (count > (to - from) / MIN_RECORD_BYTES) throw corrupt(`recordCount ${count} cannot fit in ${to - from} bytes of records`);
    this.ensureCapacity(count);
    const reader = new ByteReader(this.data, from, to);
    let previousDelta = -1;
    for (let i = 0; i < count; i++) {
      this.starts[i] = reader.pos;
      reader.end = to;
      const recordSize = reader.readVarint();
      if (recordSize <= 0 || recordSize > to - reader.pos) throw corrupt(`record ${i}: size ${recordSize} does not fit in ${to - reader.pos} bytes`);
      const recordEnd = reader.pos + recordSize;
      reader.end = recordEnd;
      reader.pos++; // attributes
      reader.readVarlong(); // timestampDelta
      const offsetDelta = reader.readVarint();
      if (offsetDelta <= previousDelta || offsetDelta > header.lastOffsetDelta) {
        throw corrupt(`record ${i}: offsetDelta ${offsetDelta} is not in (${previousDelta}, ${header.lastOffsetDelta}]`);
      }
      previousDelta = offsetDelta;
      const keyLength = reader.readVarint();
      if (keyLength < -1 || keyLength > recordEnd - reader.pos) throw corrupt(`record ${i}: key length ${keyLength} is invalid`);
      this.keyStarts[i] = reader.pos;
      this.keyLengths[i] = keyLength;
      if (keyLength > 0) reader.pos += keyLength;
      const valueLength = reader.readVarint();
      if (valueLength < -1 || valueLength > recordEnd - reader.pos) throw corrupt(`record ${i}: value length ${valueLength} is invalid`);
      this.valueIsNull[i] = valueLength === -1 ? 1 : 0;
      this.offsetDeltas[i] = offsetDelta;
      this.ends[i] = recordEnd;
      reader.pos = recordEnd;
    }
    if (reader.pos !== to) throw corrupt(`${to - reader.pos} bytes left over after ${count} records`);
    this.count = count;
  }

  private ensureCapacity(count: number): void {
    if (count <= this.starts.length) return;
    const capacity = Math.max(count, this.starts.length * 2);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.offsetDeltas = new Int32Array(capacity);
    this.keyStarts = new Int32Array(capacity);
    this.keyLengths = new Int32Array(capacity);
    this.valueIsNull = new Uint8Array(capacity);
  }
}
