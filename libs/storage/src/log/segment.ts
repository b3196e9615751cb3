import * as path from 'node:path';
import { TributaryError } from '@tributary/errors';
import { BATCH_LENGTH_OFFSET, LOG_OVERHEAD, MAX_TIMESTAMP_OFFSET, RECORD_BATCH_OVERHEAD, readSafeInt64Fast, validateRecordBatch } from '@tributary/records';
import type { Disk } from '../disk/disk';
import { IndexCorruptError, MAX_RELATIVE_OFFSET, OFFSET_INDEX_ENTRY_BYTES, OffsetIndex } from '../core/offset-index';
import { type SegmentFileKind, type SegmentFileState, segmentFileName } from '../core/segment-files';
import { TIME_INDEX_ENTRY_BYTES, TimeIndex } from '../core/time-index';
import { readFileIfExists, unlinkIfExists } from './atomic-file';
import { BatchScanner, type ScannedBatch } from './batch-scanner';
import type { FileCache } from './file-cache';
import type { EvictableIndexes, IndexCache } from './index-cache';
import type { StorageLogger } from './logger';

/** Shared services of the segments of one log manager. */
export interface SegmentEnv {
  readonly disk: Disk;
  readonly files: FileCache;
  readonly indexCache: IndexCache;
  readonly logger: StorageLogger;
}

/** One batch of an append, with its position relative to the start of the appended buffer. */
export interface AppendedBatch {
  readonly position: number;
  readonly size: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
}

/** Outcome of scanning a segment during recovery or an index rebuild. */
export interface SegmentScanResult {
  /** Bytes of valid batches from the start of the segment. */
  readonly validBytes: number;
  /** Offset after the last valid batch (the base offset when there is none). */
  readonly nextOffset: number;
  /** Why the scan stopped before the end, if it did. */
  readonly error?: string;
}

export interface SegmentShape {
  /** segment.index.bytes at the segment's creation. */
  readonly indexBytes: number;
  readonly rollJitterMs: number;
}

/** Header-walk chunk for lookups: an index interval (4 KiB) plus headers. */
const LOOKUP_CHUNK_BYTES = 16 * 1024;
/** Sequential-scan chunk for recovery and rebuilds. */
const SCAN_CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * One segment: a `.log` file of batches plus its sparse `.index` and
 * `.timeindex`. The active (last) segment keeps its indexes in memory and
 * writes them out on roll and close; closed segments load theirs on demand
 * (sanity-checked, rebuilt from the log when they cannot be trusted) and may
 * drop them again under memory pressure (IndexCache). File descriptors come
 * from the shared FileCache. Not thread-safe by design: everything is
 * synchronous except fsync.
 */
export class LogSegment implements EvictableIndexes {
  private stateValue: SegmentFileState;
  /** Bytes in the .log file that belong to the log. */
  sizeBytes: number;
  private offsetIndex: OffsetIndex | undefined;
  private timeIndex: TimeIndex | undefined;
  /** Index entries already in the files. */
  private indexWritten = 0;
  private timeIndexWritten = 0;
  private needsTrim = false;
  /** Largest batch max timestamp and the base offset of that batch; undefined until computed. */
  private maxTs: { timestamp: number; offset: number } | undefined;
  /** Max timestamp of the first batch (-1: empty segment); undefined until read. */
  private firstBatchTs: number | undefined;
  /** Offset after the last batch, when known. */
  private nextOffsetValue: number | undefined;
  bytesSinceLastIndexEntry = 0;
  lastModifiedMs: number;
  /** Writes to the .log since the last fsync. */
  logDirty = false;
  /** Index files written since their last fsync. */
  indexesDirty = false;
  /** Readers iterating this segment's file (deletion waits for them). */
  readers = 0;
  /** The files are gone. */
  removed = false;
  private active = false;

  private constructor(
    private readonly env: SegmentEnv,
    readonly dir: string,
    readonly baseOffset: number,
    state: SegmentFileState,
    sizeBytes: number,
    readonly createdMs: number,
    private readonly shape: SegmentShape,
  ) {
    this.stateValue = state;
    this.sizeBytes = sizeBytes;
    this.lastModifiedMs = createdMs;
  }

  /** Creates a fresh, empty segment file set (truncating leftovers), preallocating the index files. */
  static create(env: SegmentEnv, dir: string, baseOffset: number, state: SegmentFileState, nowMs: number, shape: SegmentShape): LogSegment {
    const segment = new LogSegment(env, dir, baseOffset, state, 0, nowMs, shape);
    env.files.pin(segment.path('log'), 'truncate');
    env.files.unpin(segment.path('log'));
    for (const [kind, bytes] of [
      ['index', segment.maxIndexEntries() * OFFSET_INDEX_ENTRY_BYTES],
      ['timeindex', segment.maxTimeIndexEntries() * TIME_INDEX_ENTRY_BYTES],
    ] as const) {
      env.files.with(segment.path(kind), (fd) => env.disk.truncate(fd, bytes), 'truncate');
    }
    segment.offsetIndex = new OffsetIndex(baseOffset, segment.maxIndexEntries());
    segment.timeIndex = new TimeIndex(baseOffset, segment.maxTimeIndexEntries());
    segment.needsTrim = true;
    segment.maxTs = { timestamp: -1, offset: baseOffset };
    segment.firstBatchTs = -1;
    segment.nextOffsetValue = baseOffset;
    return segment;
  }

  /** A segment found on disk; no I/O until it is used. */
  static existing(env: SegmentEnv, dir: string, baseOffset: number, state: SegmentFileState, sizeBytes: number, mtimeMs: number, shape: SegmentShape): LogSegment {
    return new LogSegment(env, dir, baseOffset, state, sizeBytes, mtimeMs, shape);
  }

  get state(): SegmentFileState {
    return this.stateValue;
  }

  get isActive(): boolean {
    return this.active;
  }

  private pathCache: Partial<Record<SegmentFileKind, string>> = {};

  path(kind: SegmentFileKind, state: SegmentFileState = this.stateValue): string {
    if (state !== this.stateValue) return path.join(this.dir, segmentFileName(this.baseOffset, kind, state));
    return (this.pathCache[kind] ??= path.join(this.dir, segmentFileName(this.baseOffset, kind, state)));
  }

  maxIndexEntries(): number {
    return Math.max(1, Math.floor(this.shape.indexBytes / OFFSET_INDEX_ENTRY_BYTES));
  }

  maxTimeIndexEntries(): number {
    return Math.max(1, Math.floor(this.shape.indexBytes / TIME_INDEX_ENTRY_BYTES));
  }

  get rollJitterMs(): number {
    return this.shape.rollJitterMs;
  }

  get offsetIndexFull(): boolean {
    return this.indexes().offsetIndex.isFull;
  }

  get timeIndexFull(): boolean {
    return this.indexes().timeIndex.isFull;
  }

  /** Offset after the last batch; computed from the index and the tail when not yet known. */
  nextOffset(): number {
    if (this.nextOffsetValue === undefined) {
      const { offsetIndex } = this.indexes();
      const scanner = this.scanner(offsetIndex.lastPosition, false, LOOKUP_CHUNK_BYTES);
      let next = this.baseOffset;
      for (let b = scanner.next(); b; b = scanner.next()) next = b.lastOffset + 1;
      if (scanner.error !== undefined) throw this.corrupt(scanner.error);
      this.nextOffsetValue = next;
    }
    return this.nextOffsetValue;
  }

  // ---------------------------------------------------------------- indexes

  indexMemoryBytes(): number {
    return (this.offsetIndex?.entries ?? 0) * 8 + (this.timeIndex?.entries ?? 0) * 12 + 256;
  }

  dropIndexes(): void {
    if (this.active) return;
    this.offsetIndex = undefined;
    this.timeIndex = undefined;
  }

  /** Marks the segment active (keeps its indexes in memory) or closed (evictable). */
  setActive(active: boolean): void {
    if (active) {
      this.indexes();
      this.env.indexCache.remove(this);
      this.active = true;
    } else {
      this.active = false;
      if (this.offsetIndex) this.env.indexCache.touch(this);
    }
  }

  /** The loaded indexes, loading (or rebuilding) them first if needed. */
  private indexes(): { offsetIndex: OffsetIndex; timeIndex: TimeIndex } {
    if (!this.offsetIndex || !this.timeIndex) {
      this.loadIndexes();
    } else if (!this.active) {
      this.env.indexCache.touch(this);
    }
    return { offsetIndex: this.offsetIndex as OffsetIndex, timeIndex: this.timeIndex as TimeIndex };
  }

  private loadIndexes(): void {
    /** Entry counts of index files that decoded fine but were empty: a rebuild that finds the same is no news. */
    let decodedCounts: [number, number] | undefined;
    try {
      const indexBytes = readFileIfExists(this.env.disk, this.path('index'));
      const timeBytes = readFileIfExists(this.env.disk, this.path('timeindex'));
      if (indexBytes === undefined || timeBytes === undefined) {
        throw new IndexCorruptError(`${indexBytes === undefined ? 'offset' : 'time'} index file is missing`);
      }
      const offsetIndex = OffsetIndex.decode(indexBytes, this.baseOffset, this.maxIndexEntries(), this.sizeBytes);
      const timeIndex = TimeIndex.decode(timeBytes, this.baseOffset, this.maxTimeIndexEntries());
      // Index files of a closed (or cleanly closed) segment are trimmed: zeros at the end mean damage, not preallocation.
      if (indexBytes.length !== offsetIndex.sizeBytes) throw new IndexCorruptError(`offset index has ${indexBytes.length - offsetIndex.sizeBytes} bytes of zero entries`);
      if (timeBytes.length !== timeIndex.sizeBytes) throw new IndexCorruptError(`time index has ${timeBytes.length - timeIndex.sizeBytes} bytes of zero entries`);
      if (this.sizeBytes > 0 && (offsetIndex.entries === 0 || timeIndex.entries === 0)) {
        // Legitimate for a segment of one batch (or without timestamps), but also what an emptied file looks like: check.
        decodedCounts = [offsetIndex.entries, timeIndex.entries];
        throw new IndexCorruptError('an index is empty for a non-empty segment');
      }
      this.offsetIndex = offsetIndex;
      this.timeIndex = timeIndex;
      this.indexWritten = offsetIndex.entries;
      this.timeIndexWritten = timeIndex.entries;
      this.needsTrim = false;
      if (this.maxTs === undefined) {
        const last = timeIndex.last;
        this.maxTs = last ? { timestamp: last.timestamp, offset: last.offset } : { timestamp: -1, offset: this.baseOffset };
      }
    } catch (error) {
      if (!(error instanceof IndexCorruptError)) throw error;
      const result = this.scanAndIndex(false, Number.MAX_SAFE_INTEGER, () => undefined);
      const rebuilt = this.offsetIndex as OffsetIndex;
      const rebuiltTime = this.timeIndex as TimeIndex;
      // Kafka's final time-index entry, so the rebuilt index also answers the segment's largest timestamp.
      const maxTs = this.maxTs;
      if (maxTs && maxTs.timestamp >= 0) rebuiltTime.maybeAppend(maxTs.timestamp, maxTs.offset, true);
      const same = decodedCounts !== undefined && decodedCounts[0] === rebuilt.entries && decodedCounts[1] === rebuiltTime.entries;
      if (!same) this.env.logger.warn(`rebuilt the indexes of segment ${this.path('log')}: ${error.message}`, { segment: this.path('log') });
      if (result.error !== undefined) {
        this.env.logger.warn(`index rebuild of ${this.path('log')} stopped at position ${result.validBytes}: ${result.error}`);
      }
      if (!same) this.persistIndexesFully();
      else {
        this.indexWritten = rebuilt.entries;
        this.timeIndexWritten = rebuiltTime.entries;
        this.needsTrim = false;
      }
    }
    if (!this.active) this.env.indexCache.touch(this);
  }

  /** Writes new index entries to the files; with `trim`, cuts the files to their entries (no preallocated tail). */
  writeIndexes(trim: boolean): void {
    const { offsetIndex, timeIndex } = this.indexes();
    const { disk, files } = this.env;
    let wrote = false;
    if (offsetIndex.entries > this.indexWritten) {
      const bytes = offsetIndex.encode(this.indexWritten, offsetIndex.entries);
      files.with(this.path('index'), (fd) => disk.write(fd, bytes, 0, bytes.length, this.indexWritten * OFFSET_INDEX_ENTRY_BYTES), 'create');
      this.indexWritten = offsetIndex.entries;
      wrote = true;
    }
    if (timeIndex.entries > this.timeIndexWritten) {
      const bytes = timeIndex.encode(this.timeIndexWritten, timeIndex.entries);
      files.with(this.path('timeindex'), (fd) => disk.write(fd, bytes, 0, bytes.length, this.timeIndexWritten * TIME_INDEX_ENTRY_BYTES), 'create');
      this.timeIndexWritten = timeIndex.entries;
      wrote = true;
    }
    if (trim && this.needsTrim) {
      files.with(this.path('index'), (fd) => disk.truncate(fd, offsetIndex.sizeBytes), 'create');
      files.with(this.path('timeindex'), (fd) => disk.truncate(fd, timeIndex.sizeBytes), 'create');
      this.needsTrim = false;
      wrote = true;
    }
    if (wrote) this.indexesDirty = true;
  }

  /** Rewrites both index files from memory, exactly sized. */
  private persistIndexesFully(): void {
    const { disk, files } = this.env;
    const offsetIndex = this.offsetIndex as OffsetIndex;
    const timeIndex = this.timeIndex as TimeIndex;
    const a = offsetIndex.encode();
    const b = timeIndex.encode();
    files.with(this.path('index'), (fd) => {
      disk.truncate(fd, 0);
      disk.write(fd, a, 0, a.length, 0);
    }, 'create');
    files.with(this.path('timeindex'), (fd) => {
      disk.truncate(fd, 0);
      disk.write(fd, b, 0, b.length, 0);
    }, 'create');
    this.indexWritten = offsetIndex.entries;
    this.timeIndexWritten = timeIndex.entries;
    this.needsTrim = false;
    this.indexesDirty = true;
  }

  // ---------------------------------------------------------------- append

  /**
   * Writes `buf` (whole batches with final offsets) at the end of the .log and
   * indexes its batches every `indexIntervalBytes`.
   */
  append(buf: Buffer, batches: readonly AppendedBatch[], indexIntervalBytes: number, nowMs: number): void {
    const { offsetIndex, timeIndex } = this.indexes();
    const start = this.sizeBytes;
    this.env.files.with(this.path('log'), (fd) => this.env.disk.write(fd, buf, 0, buf.length, start));
    this.logDirty = true;
    const maxTs = (this.maxTs ??= { timestamp: -1, offset: this.baseOffset });
    if (start === 0 && batches.length > 0) this.firstBatchTs = batches[0].maxTimestamp;
    for (const b of batches) {
      if (b.maxTimestamp > maxTs.timestamp) {
        maxTs.timestamp = b.maxTimestamp;
        maxTs.offset = b.baseOffset;
      }
      if (this.bytesSinceLastIndexEntry > indexIntervalBytes && !offsetIndex.isFull) {
        offsetIndex.append(b.baseOffset, start + b.position);
        timeIndex.maybeAppend(maxTs.timestamp, maxTs.offset);
        this.bytesSinceLastIndexEntry = 0;
      }
      this.bytesSinceLastIndexEntry += b.size;
    }
    this.sizeBytes = start + buf.length;
    if (batches.length > 0) this.nextOffsetValue = batches[batches.length - 1].lastOffset + 1;
    this.lastModifiedMs = nowMs;
  }

  // ---------------------------------------------------------------- reads

  /** pread from the .log file. */
  readAt(buf: Buffer, position: number, length: number): number {
    return this.env.files.with(this.path('log'), (fd) => this.env.disk.read(fd, buf, 0, length, position));
  }

  /** A scanner over this segment's batches from `start` (see BatchScanner). */
  scanner(start: number, verify: boolean, chunkBytes: number, end = this.sizeBytes): BatchScanner {
    return new BatchScanner((buf, pos, len) => this.readAt(buf, pos, len), start, end, verify, chunkBytes);
  }

  private corrupt(reason: string): TributaryError {
    return new TributaryError('CORRUPT_MESSAGE', `segment ${this.path('log')}: ${reason}`);
  }

  /**
   * The first batch whose last offset is ≥ `target`, found from the index
   * and a short header walk; undefined when the segment has none. Throws
   * CORRUPT_MESSAGE when the walk meets bytes that are not a batch.
   */
  translateOffset(target: number, startPosition = 0): ScannedBatch | undefined {
    const { offsetIndex } = this.indexes();
    const from = Math.max(startPosition, offsetIndex.lookup(target).position);
    const scanner = this.scanner(from, false, LOOKUP_CHUNK_BYTES);
    for (let b = scanner.next(); b; b = scanner.next()) {
      if (b.lastOffset >= target) return b;
    }
    if (scanner.error !== undefined) throw this.corrupt(scanner.error);
    return undefined;
  }

  /**
   * Whole batches from the one holding `startOffset`: at most `maxBytes`
   * (but the first batch whole even when larger, if `minOneMessage`), only
   * batches whose last offset is below `maxOffset`. Every batch returned has
   * passed its CRC check; a bad first batch throws CORRUPT_MESSAGE, a bad
   * later one ends the read before it. Undefined: no batch at or after
   * `startOffset` in this segment.
   */
  read(startOffset: number, maxBytes: number, maxOffset: number, minOneMessage: boolean): Buffer | undefined {
    const first = this.translateOffset(startOffset);
    if (!first) return undefined;
    if (first.lastOffset >= maxOffset) return Buffer.alloc(0);
    const wanted = minOneMessage ? Math.max(maxBytes, first.size) : maxBytes;
    const length = Math.min(this.sizeBytes - first.position, wanted);
    if (length < first.size) return Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(length);
    const got = this.readAt(buf, first.position, length);
    let at = 0;
    let prevLast = -1;
    while (at + LOG_OVERHEAD <= got) {
      const size = buf.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
      if (size < RECORD_BATCH_OVERHEAD || at + size > got) {
        if (at === 0) throw this.corrupt(`batch at position ${first.position} has size ${size}, ${got} bytes readable`);
        break;
      }
      let lastOffset: number;
      try {
        const h = validateRecordBatch(buf, at, { origin: 'log' });
        if (h.baseOffset <= prevLast) throw new Error(`offset ${h.baseOffset} does not follow ${prevLast}`);
        lastOffset = h.baseOffset + h.lastOffsetDelta;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (at === 0) {
          this.env.logger.error(`corrupt batch in ${this.path('log')} at position ${first.position}: ${reason}`);
          throw this.corrupt(`batch at position ${first.position + at} is corrupt: ${reason}`);
        }
        break;
      }
      if (lastOffset >= maxOffset) break;
      prevLast = lastOffset;
      at += size;
    }
    return buf.subarray(0, at);
  }

  // ---------------------------------------------------------------- timestamps

  /** Largest batch max timestamp in the segment (-1 when none) and the base offset of its batch. */
  maxTimestampAndOffset(): { timestamp: number; offset: number } {
    if (this.maxTs === undefined) this.indexes();
    return this.maxTs ?? { timestamp: -1, offset: this.baseOffset };
  }

  /** Max timestamp of the first batch (segment.ms rolls from it); -1 for an empty segment. */
  firstBatchTimestamp(): number {
    if (this.firstBatchTs === undefined) {
      if (this.sizeBytes < RECORD_BATCH_OVERHEAD) this.firstBatchTs = -1;
      else {
        const buf = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD);
        this.readAt(buf, 0, RECORD_BATCH_OVERHEAD);
        try {
          this.firstBatchTs = readSafeInt64Fast(buf, MAX_TIMESTAMP_OFFSET, 'maxTimestamp');
        } catch {
          this.firstBatchTs = -1;
        }
      }
    }
    return this.firstBatchTs;
  }

  /** The time-index entry with the largest timestamp ≤ `timestamp`. */
  timeIndexLookup(timestamp: number): { timestamp: number; offset: number } | undefined {
    return this.indexes().timeIndex.lookup(timestamp);
  }

  // ---------------------------------------------------------------- recovery

  /**
   * Validates every batch (frame, CRC, offsets increasing from the base
   * offset, below `upperBound`, fitting a relative offset), rebuilds both
   * indexes and the timestamps, and reports each valid batch to `onBatch`.
   * Does not truncate: the caller decides (see Log recovery).
   */
  scanAndIndex(verify: boolean, upperBound: number, onBatch: (b: ScannedBatch) => void, indexIntervalBytes = 4096): SegmentScanResult {
    const offsetIndex = new OffsetIndex(this.baseOffset, this.maxIndexEntries());
    const timeIndex = new TimeIndex(this.baseOffset, this.maxTimeIndexEntries());
    const maxTs = { timestamp: -1, offset: this.baseOffset };
    const scanner = this.scanner(0, verify, SCAN_CHUNK_BYTES);
    let bytesSince = 0;
    let prevLast = this.baseOffset - 1;
    let validBytes = 0;
    let firstTs = -1;
    let error: string | undefined;
    for (let b = scanner.next(); b; b = scanner.next()) {
      if (b.baseOffset <= prevLast) {
        error = `batch at position ${b.position} has base offset ${b.baseOffset}, not above ${prevLast}`;
        break;
      }
      if (b.lastOffset >= upperBound) {
        error = `batch at position ${b.position} has last offset ${b.lastOffset}, at or past the next segment (${upperBound})`;
        break;
      }
      if (b.lastOffset - this.baseOffset > MAX_RELATIVE_OFFSET) {
        error = `batch at position ${b.position} has offset ${b.lastOffset}, too far from the base offset`;
        break;
      }
      if (validBytes === 0) firstTs = b.maxTimestamp;
      if (b.maxTimestamp > maxTs.timestamp) {
        maxTs.timestamp = b.maxTimestamp;
        maxTs.offset = b.baseOffset;
      }
      if (bytesSince > indexIntervalBytes && !offsetIndex.isFull) {
        offsetIndex.append(b.baseOffset, b.position);
        timeIndex.maybeAppend(maxTs.timestamp, maxTs.offset);
        bytesSince = 0;
      }
      bytesSince += b.size;
      onBatch(b);
      prevLast = b.lastOffset;
      validBytes = b.position + b.size;
    }
    if (error === undefined && scanner.error !== undefined) error = scanner.error;
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    this.maxTs = maxTs;
    this.firstBatchTs = firstTs;
    this.bytesSinceLastIndexEntry = bytesSince;
    this.nextOffsetValue = prevLast + 1;
    this.indexWritten = 0;
    this.timeIndexWritten = 0;
    this.needsTrim = true;
    return { validBytes, nextOffset: prevLast + 1, ...(error === undefined ? {} : { error }) };
  }

  /** After scanAndIndex: cut the .log to `validBytes` and write the rebuilt indexes. */
  finishRecovery(validBytes: number): void {
    if (validBytes < this.sizeBytes) {
      this.env.files.with(this.path('log'), (fd) => {
        this.env.disk.truncate(fd, validBytes);
        this.env.disk.fsyncSync(fd);
      });
      this.sizeBytes = validBytes;
    }
    this.persistIndexesFully();
    this.logDirty = true;
  }

  /**
   * Clean-shutdown load of the last segment: trust the indexes (if sane), and
   * validate only the batches after the last index entry to find the next
   * offset and the max timestamp. Returns an error string when the tail is not
   * valid (the caller then recovers the segment).
   */
  loadTail(): string | undefined {
    const { offsetIndex, timeIndex } = this.indexes();
    const start = offsetIndex.lastPosition;
    const scanner = this.scanner(start, true, LOOKUP_CHUNK_BYTES);
    const last = timeIndex.last;
    const maxTs = last ? { ...last } : { timestamp: -1, offset: this.baseOffset };
    let next = this.baseOffset;
    let count = 0;
    for (let b = scanner.next(); b; b = scanner.next()) {
      if (b.baseOffset < next || b.lastOffset - this.baseOffset > MAX_RELATIVE_OFFSET) return `batch at position ${b.position} has out-of-order offset ${b.baseOffset}`;
      if (b.maxTimestamp > maxTs.timestamp) {
        maxTs.timestamp = b.maxTimestamp;
        maxTs.offset = b.baseOffset;
      }
      next = b.lastOffset + 1;
      count++;
    }
    if (scanner.error !== undefined) return scanner.error;
    if (start > 0 && count === 0) return `no batch at the last index entry (position ${start})`;
    this.maxTs = maxTs;
    this.nextOffsetValue = next;
    this.bytesSinceLastIndexEntry = this.sizeBytes - start;
    return undefined;
  }

  // ---------------------------------------------------------------- mutation

  /**
   * Removes every batch whose last offset is ≥ `offset` (a batch holding
   * `offset` goes whole). Returns the base offset of the first batch removed,
   * if any. The .log is cut and fsynced; the indexes follow.
   */
  truncateTo(offset: number): number | undefined {
    const first = this.translateOffset(offset);
    if (!first) return undefined;
    const cut = first.position;
    const { offsetIndex, timeIndex } = this.indexes();
    this.env.files.with(this.path('log'), (fd) => {
      this.env.disk.truncate(fd, cut);
      this.env.disk.fsyncSync(fd);
    });
    this.sizeBytes = cut;
    offsetIndex.truncateToPosition(cut);
    timeIndex.truncateToOffset(first.baseOffset);
    this.indexWritten = Math.min(this.indexWritten, offsetIndex.entries);
    this.timeIndexWritten = Math.min(this.timeIndexWritten, timeIndex.entries);
    this.needsTrim = true;
    // Recompute the tail state from the last index entry on.
    const last = timeIndex.last;
    const maxTs = last ? { ...last } : { timestamp: -1, offset: this.baseOffset };
    const from = offsetIndex.lastPosition;
    const scanner = this.scanner(from, false, LOOKUP_CHUNK_BYTES);
    let next = this.baseOffset;
    for (let b = scanner.next(); b; b = scanner.next()) {
      if (b.maxTimestamp > maxTs.timestamp) {
        maxTs.timestamp = b.maxTimestamp;
        maxTs.offset = b.baseOffset;
      }
      next = b.lastOffset + 1;
    }
    this.maxTs = maxTs;
    this.nextOffsetValue = next;
    this.bytesSinceLastIndexEntry = cut - from;
    if (cut === 0) this.firstBatchTs = -1;
    this.logDirty = false;
    return first.baseOffset;
  }

  /** Closing as the active segment: final time-index entry (Kafka's), indexes written and trimmed. */
  onRoll(): void {
    const { timeIndex } = this.indexes();
    const maxTs = this.maxTimestampAndOffset();
    if (maxTs.timestamp >= 0) {
      if (timeIndex.maybeAppend(maxTs.timestamp, maxTs.offset, true)) this.needsTrim = true;
    }
    this.writeIndexes(true);
    this.setActive(false);
  }

  /** fsyncs what was written since the last flush (log data, and index files when written). */
  async flush(): Promise<void> {
    const work: Promise<void>[] = [];
    if (this.logDirty) {
      this.logDirty = false;
      work.push(this.fsyncFile('log').catch((e: unknown) => {
        this.logDirty = true;
        throw e;
      }));
    }
    if (this.indexesDirty) {
      this.indexesDirty = false;
      work.push(
        Promise.all([this.fsyncFile('index'), this.fsyncFile('timeindex')]).then(
          () => undefined,
          (e: unknown) => {
            this.indexesDirty = true;
            throw e;
          },
        ),
      );
    }
    await Promise.all(work);
  }

  private async fsyncFile(kind: SegmentFileKind): Promise<void> {
    await this.env.files.fsync(this.path(kind), kind === 'log' ? 'readWrite' : 'create');
  }

  /** Renames the file set (index files first, the .log last) to another state suffix. */
  changeState(to: SegmentFileState): void {
    if (to === this.stateValue) return;
    for (const kind of ['index', 'timeindex', 'log'] as const) {
      const from = this.path(kind);
      const dest = this.path(kind, to);
      if (kind !== 'log' && !this.env.disk.stat(from)) continue;
      this.env.disk.rename(from, dest);
      this.env.files.rename(from, dest);
    }
    this.stateValue = to;
    this.pathCache = {};
  }

  /** Removes the files (whatever their state) and forgets their fds. */
  deleteFiles(): void {
    this.env.indexCache.remove(this);
    for (const kind of ['log', 'index', 'timeindex'] as const) {
      const p = this.path(kind);
      this.env.files.forget(p);
      unlinkIfExists(this.env.disk, p);
    }
    this.removed = true;
    this.offsetIndex = undefined;
    this.timeIndex = undefined;
  }

  /** Releases fds and the index cache slot (files stay). */
  release(): void {
    this.env.indexCache.remove(this);
    for (const kind of ['log', 'index', 'timeindex'] as const) this.env.files.forget(this.path(kind));
  }

  /** For the cleaner's writer: adopt indexes built in memory (already persisted). */
  adoptIndexes(offsetIndex: OffsetIndex, timeIndex: TimeIndex, maxTs: { timestamp: number; offset: number }, firstBatchTs: number, nextOffset: number): void {
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    this.indexWritten = offsetIndex.entries;
    this.timeIndexWritten = timeIndex.entries;
    this.needsTrim = false;
    this.maxTs = maxTs;
    this.firstBatchTs = firstBatchTs;
    this.nextOffsetValue = nextOffset;
  }
}
