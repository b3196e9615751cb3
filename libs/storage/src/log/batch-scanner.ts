import {
  BASE_OFFSET_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  readSafeInt64Fast,
  validateRecordBatch,
} from '@tributary/records';

/** What the log needs to know about one batch in a segment file. */
export interface ScannedBatch {
  /** File position of the batch's first byte. */
  readonly position: number;
  /** Total bytes (batchLength + 12). */
  readonly size: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly partitionLeaderEpoch: number;
  readonly recordCount: number;
}

/** Reads `length` bytes at file `position` into `buf` at 0; returns the bytes read. */
export type ReadAt = (buf: Buffer, position: number, length: number) => number;

const MIN_BATCH_SIZE = RECORD_BATCH_OVERHEAD;

/**
 * Walks the batches of a file region [start, end) with large sequential
 * reads. With `verify`, each batch is fully validated (frame, CRC32C, header
 * sanity, as records' validateRecordBatch with origin 'log'); without it only
 * the frame and header are checked. `next()` returns undefined at the end or
 * at the first bad byte — then `error` says why and `position` is where the
 * valid data ends.
 */
export class BatchScanner {
  private chunk: Buffer;
  private view: Buffer;
  private chunkPos = 0;
  /** File position of the next batch (after a failed next(): of the bad batch). */
  position: number;
  error: string | undefined;

  constructor(
    private readonly readAt: ReadAt,
    start: number,
    readonly end: number,
    private readonly verify: boolean,
    private readonly chunkBytes = 1 << 20,
  ) {
    this.position = start;
    this.chunk = Buffer.allocUnsafe(0);
    this.view = this.chunk;
  }

  next(): ScannedBatch | undefined {
    if (this.error !== undefined || this.position >= this.end) return undefined;
    const pos = this.position;
    if (this.end - pos < LOG_OVERHEAD) return this.fail(`${this.end - pos} trailing bytes at position ${pos} cannot hold a batch`);
    if (!this.ensure(pos, LOG_OVERHEAD)) return undefined;
    let at = pos - this.chunkPos;
    const size = this.view.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < MIN_BATCH_SIZE) return this.fail(`batch at position ${pos} has an impossible size ${size}`);
    if (pos + size > this.end) return this.fail(`batch at position ${pos} of ${size} bytes runs past the end of the data (${this.end})`);
    if (!this.ensure(pos, this.verify ? size : RECORD_BATCH_OVERHEAD)) return undefined;
    at = pos - this.chunkPos;
    const v = this.view;
    let batch: ScannedBatch;
    try {
      if (this.verify) {
        const h = validateRecordBatch(v, at, { origin: 'log' });
        batch = {
          position: pos,
          size,
          baseOffset: h.baseOffset,
          lastOffset: h.baseOffset + h.lastOffsetDelta,
          baseTimestamp: h.baseTimestamp,
          maxTimestamp: h.maxTimestamp,
          partitionLeaderEpoch: h.partitionLeaderEpoch,
          recordCount: h.recordCount,
        };
      } else {
        if (v[at + MAGIC_OFFSET] !== CURRENT_MAGIC) return this.fail(`batch at position ${pos} has magic ${v[at + MAGIC_OFFSET]}`);
        const baseOffset = readSafeInt64Fast(v, at + BASE_OFFSET_OFFSET, 'baseOffset');
        const lastOffsetDelta = v.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET);
        if (baseOffset < 0 || lastOffsetDelta < 0) return this.fail(`batch at position ${pos} has offsets ${baseOffset}+${lastOffsetDelta}`);
        batch = {
          position: pos,
          size,
          baseOffset,
          lastOffset: baseOffset + lastOffsetDelta,
          baseTimestamp: readSafeInt64Fast(v, at + BASE_TIMESTAMP_OFFSET, 'baseTimestamp'),
          maxTimestamp: readSafeInt64Fast(v, at + MAX_TIMESTAMP_OFFSET, 'maxTimestamp'),
          partitionLeaderEpoch: v.readInt32BE(at + PARTITION_LEADER_EPOCH_OFFSET),
          recordCount: v.readInt32BE(at + RECORDS_COUNT_OFFSET),
        };
      }
    } catch (error) {
      return this.fail(`batch at position ${pos} is invalid: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.position = pos + size;
    return batch;
  }

  /** The bytes of the batch last returned by next() when verifying (valid until the next call). */
  bytesOf(batch: ScannedBatch): Buffer | undefined {
    const at = batch.position - this.chunkPos;
    if (at < 0 || at + batch.size > this.view.length) return undefined;
    return this.view.subarray(at, at + batch.size);
  }

  private fail(reason: string): undefined {
    this.error = reason;
    return undefined;
  }

  /** Makes [pos, pos + n) available in the chunk; false (with `error`) on a short read. */
  private ensure(pos: number, n: number): boolean {
    if (pos >= this.chunkPos && pos + n <= this.chunkPos + this.view.length) return true;
    const want = Math.min(Math.max(n, this.chunkBytes), this.end - pos);
    if (this.chunk.length < want) this.chunk = Buffer.allocUnsafe(want);
    const got = this.readAt(this.chunk, pos, want);
    this.chunkPos = pos;
    this.view = this.chunk.subarray(0, got);
    if (got < n) {
      this.fail(`short read at position ${pos}: wanted ${n} bytes, the file has ${got}`);
      return false;
    }
    return true;
  }
}
