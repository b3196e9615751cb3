import { TributaryError } from '@tributary/errors';
import { LOG_OVERHEAD, validateRecordBatch } from '@tributary/records';
import type { Clock } from '@tributary/util';
import { MAX_RELATIVE_OFFSET } from '../core/offset-index';
import type { AppendedBatch, LogSegment, SegmentEnv } from './segment';

/**
 * Writes one compacted segment for the cleaner: a fresh `.cleaned` file set
 * at `baseOffset` that receives batches with their existing offsets (strictly
 * increasing, at or above the base offset), builds its indexes as it goes,
 * and on `finish()` writes the trimmed indexes and fsyncs all three files.
 * Then hand it to `Log.replaceSegments`; or `abort()` to delete the files.
 * Obtain one from `Log.createSegmentWriter`.
 */
export class SegmentWriter {
  private prevLast: number;
  private finished = false;
  private aborted = false;

  /** @internal */
  constructor(
    private readonly env: SegmentEnv,
    /** @internal */ readonly segment: LogSegment,
    private readonly indexIntervalBytes: number,
    private readonly onAbort: () => void,
    private readonly clock: Pick<Clock, 'nowMs'>,
  ) {
    this.prevLast = segment.baseOffset - 1;
    segment.setActive(true);
  }

  get baseOffset(): number {
    return this.segment.baseOffset;
  }

  /** Offset after the last batch appended (the base offset when empty). */
  get nextOffset(): number {
    return this.prevLast + 1;
  }

  get sizeBytes(): number {
    return this.segment.sizeBytes;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /**
   * Appends one or more whole batches, offsets kept. Each is validated
   * (structure, CRC); offsets must increase and fit this segment. Throws
   * CORRUPT_MESSAGE / INVALID_REQUEST; disk errors as they are.
   */
  append(batches: Buffer): void {
    if (this.finished || this.aborted) throw new TributaryError('INVALID_REQUEST', `segment writer at ${this.baseOffset} is ${this.finished ? 'finished' : 'aborted'}`);
    const list: AppendedBatch[] = [];
    let position = 0;
    let prev = this.prevLast;
    while (position < batches.length) {
      const h = validateRecordBatch(batches, position, { origin: 'log' });
      const size = h.batchLength + LOG_OVERHEAD;
      const lastOffset = h.baseOffset + h.lastOffsetDelta;
      if (h.baseOffset <= prev) throw new TributaryError('INVALID_REQUEST', `batch offset ${h.baseOffset} does not follow ${prev} in segment writer at ${this.baseOffset}`);
      if (lastOffset - this.baseOffset > MAX_RELATIVE_OFFSET) throw new TributaryError('INVALID_REQUEST', `batch offset ${lastOffset} does not fit segment ${this.baseOffset}`);
      list.push({ position, size, baseOffset: h.baseOffset, lastOffset, maxTimestamp: h.maxTimestamp });
      prev = lastOffset;
      position += size;
    }
    if (list.length === 0) return;
    this.segment.append(batches, list, this.indexIntervalBytes, this.clock.nowMs());
    this.prevLast = prev;
  }

  /** Writes the indexes (trimmed, with Kafka's final time-index entry) and fsyncs the files. */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.segment.onRoll();
    await this.segment.flush();
    this.finished = true;
  }

  /** Deletes the files; the writer is unusable afterwards. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.segment.deleteFiles();
    this.onAbort();
  }

  /** @internal */
  get environment(): SegmentEnv {
    return this.env;
  }
}
