import type { CleanupReason, SegmentView } from '@tributary/plugins-api';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  lastOffsetOf,
  readBatchHeader,
  type Record,
  type RecordBatchInput,
  setBaseOffset,
  validateRecordBatch,
} from '@tributary/records';
import { assert } from '@tributary/util';
import type { CleanableLog, CleanedSegment, CleanedSegmentWriter } from '../cleanable-log';

interface MemorySegment {
  baseOffset: number;
  batches: Buffer[];
  lastModifiedMs: number;
}

interface MemoryCleanedSegment extends CleanedSegment {
  readonly batches: Buffer[];
}

/**
 * A CleanableLog in memory, for cleaner unit and property tests: segments are
 * arrays of batch buffers, `replaceSegments` swaps them in one step. It checks
 * what the real log checks (closed segments only, contiguous replacement,
 * offsets ascending in a cleaned segment) so the cleaner cannot cheat.
 */
export class MemoryLog implements CleanableLog {
  private readonly segs: MemorySegment[];
  private nextOffset = 0;
  logStart = 0;
  readonly deleted: { baseOffsets: number[]; reason: CleanupReason }[] = [];
  /** Called between batches of readBatches: lets a test append while the cleaner runs. */
  onRead?: () => void;

  constructor(
    readonly topic = 't',
    readonly partition = 0,
    private readonly nowMs: () => number = () => 0,
  ) {
    this.segs = [{ baseOffset: 0, batches: [], lastModifiedMs: nowMs() }];
  }

  /** Appends a batch (offsets assigned here, as the log does); returns its base offset. */
  append(input: Omit<RecordBatchInput, 'baseOffset'>): number {
    return this.appendBatch(encodeRecordBatch({ ...input, baseOffset: 0 }));
  }

  /** Appends an encoded batch, giving it the next offsets; returns its base offset. */
  appendBatch(batch: Buffer): number {
    const baseOffset = this.nextOffset;
    setBaseOffset(batch, baseOffset);
    const active = this.segs[this.segs.length - 1];
    active.batches.push(batch);
    active.lastModifiedMs = this.nowMs();
    this.nextOffset = lastOffsetOf(readBatchHeader(batch)) + 1;
    return baseOffset;
  }

  /** Closes the active segment and starts a new one at the log end offset; a no-op on an empty active segment, as in the real log. */
  roll(): void {
    if (this.segs[this.segs.length - 1].batches.length === 0) return;
    this.segs.push({ baseOffset: this.nextOffset, batches: [], lastModifiedMs: this.nowMs() });
  }

  get logEndOffset(): number {
    return this.nextOffset;
  }

  segments(): readonly SegmentView[] {
    return this.segs.map((s, i): SegmentView => {
      const headers = s.batches.map((b) => readBatchHeader(b));
      const last = headers[headers.length - 1];
      const isActive = i === this.segs.length - 1;
      return {
        baseOffset: s.baseOffset,
        nextOffset: isActive ? this.nextOffset : last ? lastOffsetOf(last) + 1 : s.baseOffset,
        sizeBytes: s.batches.reduce((n, b) => n + b.length, 0),
        largestTimestampMs: headers.reduce((m, h) => Math.max(m, h.maxTimestamp), -1),
        lastModifiedMs: s.lastModifiedMs,
        isActive,
      };
    });
  }

  logStartOffset(): number {
    return this.logStart;
  }

  async *readBatches(baseOffset: number): AsyncIterable<Buffer> {
    const segment = this.segs.find((s) => s.baseOffset === baseOffset);
    assert(segment, `no segment ${baseOffset}`);
    for (const batch of [...segment.batches]) {
      this.onRead?.();
      validateRecordBatch(batch, 0, { origin: 'log' }); // the port promises CRC-checked batches
      yield batch;
    }
  }

  async deleteSegments(baseOffsets: readonly number[], reason: CleanupReason): Promise<void> {
    for (const base of baseOffsets) {
      const i = this.segs.findIndex((s) => s.baseOffset === base);
      assert(i >= 0 && i < this.segs.length - 1, `cannot delete segment ${base}`);
      this.segs.splice(i, 1);
    }
    this.logStart = Math.max(this.logStart, this.segs[0].baseOffset);
    this.deleted.push({ baseOffsets: [...baseOffsets], reason });
  }

  async createCleanedSegment(baseOffset: number): Promise<CleanedSegmentWriter> {
    const batches: Buffer[] = [];
    let sizeBytes = 0;
    let lastOffset = -1;
    return {
      baseOffset,
      get sizeBytes() {
        return sizeBytes;
      },
      async append(batch) {
        const header = readBatchHeader(batch);
        assert(header.baseOffset > lastOffset && header.baseOffset >= baseOffset, 'cleaned batches must ascend');
        lastOffset = lastOffsetOf(header);
        batches.push(batch);
        sizeBytes += batch.length;
      },
      finish: async (): Promise<MemoryCleanedSegment> => ({ baseOffset, sizeBytes, batches }),
      abort: async () => undefined,
    };
  }

  async replaceSegments(oldBaseOffsets: readonly number[], cleaned: readonly CleanedSegment[]): Promise<void> {
    const first = this.segs.findIndex((s) => s.baseOffset === oldBaseOffsets[0]);
    assert(first >= 0, `no segment ${oldBaseOffsets[0]}`);
    oldBaseOffsets.forEach((base, i) => {
      assert(this.segs[first + i]?.baseOffset === base && first + i < this.segs.length - 1, 'replaced segments must be closed and contiguous');
    });
    const replacements = (cleaned as MemoryCleanedSegment[]).map((c) => ({ baseOffset: c.baseOffset, batches: c.batches, lastModifiedMs: this.nowMs() }));
    this.segs.splice(first, oldBaseOffsets.length, ...replacements);
  }

  /** Every record at or after `fromOffset`, read across gaps, as a consumer would (empty batches yield nothing). */
  readFrom(fromOffset = 0): Record[] {
    const out: Record[] = [];
    for (const segment of this.segs) {
      for (const batch of segment.batches) {
        for (const record of decodeRecordBatch(batch).records) if (record.offset >= fromOffset) out.push(record);
      }
    }
    return out;
  }

  /** Every batch in the log, in order. */
  allBatches(): Buffer[] {
    return this.segs.flatMap((s) => s.batches);
  }
}
