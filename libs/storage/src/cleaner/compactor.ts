import type { CompactAction, SegmentView } from '@tributary/plugins-api';
import { encodeAttributes, lastOffsetOf, type RecordBatchHeader, validateRecordBatch } from '@tributary/records';
import type { Clock } from '@tributary/util';
import { type BatchCleaningCounts, BatchCleaner } from './batch-cleaner';
import type { CleanableLog, CleanedSegment } from './cleanable-log';
import type { OffsetMap } from './offset-map';
import { RecordScanner } from './record-scanner';
import { groupSegmentsBySize } from './segment-groups';
import type { Throttler } from './throttler';

/** Figures of one compaction pass over one log. */
export interface CompactionStats extends BatchCleaningCounts {
  bytesRead: number;
  bytesWritten: number;
  /** Records removed for any reason. */
  recordsRemoved: number;
  batchesRewritten: number;
  batchesDropped: number;
  /** Old segments swapped out, and cleaned segments swapped in. */
  segmentsReplaced: number;
  segmentsWritten: number;
  /** Keys in the offset map at the end of the map phase, and whether it filled up. */
  mapEntries: number;
  mapFull: boolean;
  /** Time of the map phase, and of the whole compaction (ms, monotonic clock). */
  mapDurationMs: number;
  durationMs: number;
}

export interface CompactionResult {
  readonly stats: CompactionStats;
  /** The log is compacted up to here (exclusive): the new cleaner checkpoint. Equal to the old one if nothing was done. */
  readonly cleanedUpToOffset: number;
}

/** How often the cleaner lets the event loop run appends, reads and fsync completions: every this many bytes it processes. */
export const DEFAULT_YIELD_EVERY_BYTES = 1024 * 1024;

export interface CompactorOptions {
  readonly clock: Clock;
  /** Cleared and reused by each pass; its size is log.cleaner.dedupe.buffer.size. */
  readonly map: OffsetMap;
  readonly throttler: Throttler;
  /** Cap on a compressed batch's decompressed records (the records library's default otherwise). */
  readonly maxDecompressedBytes?: number;
  /** Default DEFAULT_YIELD_EVERY_BYTES. */
  readonly yieldEveryBytes?: number;
  /** Default: a macrotask turn (setImmediate), so pending I/O callbacks run. */
  readonly yieldToEventLoop?: () => Promise<void>;
}

/** One compaction of one log: the policy's action plus what the manager knows of the log. */
export interface CompactionRequest {
  readonly action: CompactAction;
  /** The log's cleaner checkpoint (clamped into the log's range). */
  readonly cleanedUpToOffset: number;
  /** The time the plan was made at (the view's nowMs): tombstone horizons are measured from it. */
  readonly nowMs: number;
  /** The topic's segment.bytes: segments are grouped so each group's input fits in one. */
  readonly segmentBytes: number;
}

const TRANSACTIONAL_OR_CONTROL = encodeAttributes({ isTransactional: true, isControl: true });

const yieldWithSetImmediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Kafka's log cleaner for one log at a time: map the dirty range, then rewrite
 * the cleanable segments keeping the latest record per key. It only reads
 * closed segments and swaps them through `replaceSegments`, so appends and
 * reads go on meanwhile; it yields to the event loop every
 * `yieldEveryBytes` and is paced by the throttler.
 */
export class Compactor {
  private readonly scanner: RecordScanner;
  private bytesSinceYield = 0;

  constructor(private readonly options: CompactorOptions) {
    this.scanner = new RecordScanner(options.maxDecompressedBytes);
  }

  /**
   * Executes a CompactAction on `log`. The offset map covers the dirty part of
   * the range, [max(fromOffset, cleanedUpToOffset), toOffset); every closed
   * segment overlapping [fromOffset, end) is rewritten against it, where `end`
   * is toOffset, or the offset after the last mapped record when the map filled
   * up (the next pass goes on from there, as Kafka does). Groups of segments
   * whose content does not change are not rewritten. Throws on a corrupt batch
   * or an I/O error; nothing is swapped for the group that failed.
   */
  async compact(log: CleanableLog, request: CompactionRequest): Promise<CompactionResult> {
    const { action, cleanedUpToOffset, nowMs } = request;
    const startMs = this.options.clock.monotonicMs();
    const stats = emptyStats();
    const candidates = closedSegmentsIn(log.segments(), action.fromOffset, action.toOffset);
    if (candidates.length === 0) return { stats, cleanedUpToOffset };
    const firstDirtyOffset = Math.max(action.fromOffset, cleanedUpToOffset);

    const mapped = await this.buildOffsetMap(log, candidates, firstDirtyOffset, action.toOffset, stats);
    stats.mapDurationMs = this.options.clock.monotonicMs() - startMs;
    const cleanToOffset = mapped.endOffset;
    // deleteTombstonesBeforeMs is nowMs - delete.retention.ms: the horizon stamped now is nowMs + that retention.
    const deleteRetentionMs = Math.max(0, nowMs - action.deleteTombstonesBeforeMs);
    const cleaner = new BatchCleaner(
      {
        map: this.options.map,
        cleanFromOffset: action.fromOffset,
        cleanToOffset,
        nowMs,
        deleteHorizonMs: nowMs + deleteRetentionMs,
        lastBatchOffsetOfProducer: mapped.lastBatchOffsetOfProducer,
        dropRecord: action.dropRecord,
      },
      this.options.maxDecompressedBytes,
    );
    const toClean = candidates.filter((s) => s.baseOffset < cleanToOffset);
    for (const group of groupSegmentsBySize(toClean, request.segmentBytes)) {
      await this.cleanGroup(log, group, cleaner, stats);
    }
    stats.durationMs = this.options.clock.monotonicMs() - startMs;
    return { stats, cleanedUpToOffset: Math.max(cleanedUpToOffset, cleanToOffset) };
  }

  /**
   * Phase 1: reads the candidate segments in order. Dirty records go into the
   * offset map until it is full; every batch's producer id is noted (header
   * only) so that each producer's last batch in the range keeps its header.
   * Reading stops at the end of the segment where the map filled up.
   */
  private async buildOffsetMap(
    log: CleanableLog,
    candidates: readonly SegmentView[],
    firstDirtyOffset: number,
    toOffset: number,
    stats: CompactionStats,
  ): Promise<{ endOffset: number; lastBatchOffsetOfProducer: Map<number, number> }> {
    const map = this.options.map;
    map.clear();
    const lastBatchOffsetOfProducer = new Map<number, number>();
    let full = false;
    for (const segment of candidates) {
      if (full) break;
      const mapping = segment.nextOffset > firstDirtyOffset;
      for await (const batch of log.readBatches(segment.baseOffset)) {
        await this.read(batch, stats);
        const header = headerOf(batch);
        if (header.producerId >= 0) lastBatchOffsetOfProducer.set(header.producerId, lastOffsetOf(header));
        if (mapping && !full) full = !this.mapBatch(batch, header, firstDirtyOffset, toOffset);
      }
    }
    stats.mapEntries = map.size;
    stats.mapFull = full;
    const endOffset = full ? map.latestOffset + 1 : Math.min(toOffset, candidates[candidates.length - 1].nextOffset);
    return { endOffset, lastBatchOffsetOfProducer };
  }

  /** Puts the batch's keys in [firstDirtyOffset, toOffset) into the map; false when the map filled up first. */
  private mapBatch(batch: Buffer, header: RecordBatchHeader, firstDirtyOffset: number, toOffset: number): boolean {
    const map = this.options.map;
    const lastOffset = lastOffsetOf(header);
    if (lastOffset < firstDirtyOffset || header.baseOffset >= toOffset) return true;
    // Control and transactional batches are kept whole and never shadow other records.
    if ((header.attributes & TRANSACTIONAL_OR_CONTROL) === 0) {
      const scanner = this.scanner;
      scanner.scan(batch, header);
      for (let i = 0; i < scanner.count; i++) {
        const offset = header.baseOffset + scanner.offsetDeltas[i];
        const keyLength = scanner.keyLengths[i];
        if (offset < firstDirtyOffset || offset >= toOffset || keyLength < 0) continue;
        if (map.isFull && map.get(scanner.data, scanner.keyStarts[i], keyLength) < 0) return false;
        map.put(scanner.data, offset, scanner.keyStarts[i], keyLength);
      }
    }
    map.markScanned(Math.min(lastOffset, toOffset - 1));
    return true;
  }

  /**
   * Phase 2: rewrites one group of segments into one cleaned segment named
   * after the group's first base offset (so the segment list keeps its
   * boundaries, as in Kafka) and swaps it in, unless nothing changed.
   */
  private async cleanGroup(log: CleanableLog, group: readonly SegmentView[], cleaner: BatchCleaner, stats: CompactionStats): Promise<void> {
    const writer = await log.createCleanedSegment(group[0].baseOffset);
    const groupStats = emptyStats();
    let cleaned: CleanedSegment | undefined;
    try {
      for (const segment of group) {
        for await (const batch of log.readBatches(segment.baseOffset)) {
          await this.read(batch, groupStats);
          const result = cleaner.clean(batch, headerOf(batch), groupStats);
          if (result.kind === 'drop') {
            groupStats.batchesDropped++;
            continue;
          }
          if (result.kind === 'rewrite') groupStats.batchesRewritten++;
          const out = result.kind === 'keep' ? batch : result.batch;
          await writer.append(out);
          groupStats.bytesWritten += out.length;
          await this.options.throttler.acquire(out.length);
        }
      }
      if (groupStats.batchesDropped > 0 || groupStats.batchesRewritten > 0) cleaned = await writer.finish();
    } finally {
      if (!cleaned) await writer.abort();
    }
    if (!cleaned) {
      // Nothing changed: the old segments stay; only the reading counts.
      addStats(stats, { ...groupStats, bytesWritten: 0 });
      return;
    }
    await log.replaceSegments(
      group.map((s) => s.baseOffset),
      [cleaned],
    );
    groupStats.segmentsReplaced = group.length;
    groupStats.segmentsWritten = 1;
    addStats(stats, groupStats);
  }

  /** Accounts a batch read: stats, throttle, and a turn of the event loop now and then. */
  private async read(batch: Buffer, stats: CompactionStats): Promise<void> {
    stats.bytesRead += batch.length;
    await this.options.throttler.acquire(batch.length);
    this.bytesSinceYield += batch.length;
    if (this.bytesSinceYield >= (this.options.yieldEveryBytes ?? DEFAULT_YIELD_EVERY_BYTES)) {
      this.bytesSinceYield = 0;
      await (this.options.yieldToEventLoop ?? yieldWithSetImmediate)();
    }
  }
}

/** The header of a batch the log has already checked (CRC included): validated again for structure only. */
function headerOf(batch: Buffer): RecordBatchHeader {
  return validateRecordBatch(batch, 0, { origin: 'log', verifyCrc: false });
}

/** Closed segments overlapping [fromOffset, toOffset), ascending. An empty segment counts by its base offset. */
function closedSegmentsIn(segments: readonly SegmentView[], fromOffset: number, toOffset: number): SegmentView[] {
  return segments.filter((s) => !s.isActive && s.baseOffset < toOffset && Math.max(s.nextOffset, s.baseOffset + 1) > fromOffset);
}

function emptyStats(): CompactionStats {
  return {
    recordsRead: 0,
    supersededRemoved: 0,
    tombstonesRemoved: 0,
    nullKeyRemoved: 0,
    droppedByPolicy: 0,
    bytesRead: 0,
    bytesWritten: 0,
    recordsRemoved: 0,
    batchesRewritten: 0,
    batchesDropped: 0,
    segmentsReplaced: 0,
    segmentsWritten: 0,
    mapEntries: 0,
    mapFull: false,
    mapDurationMs: 0,
    durationMs: 0,
  };
}

function addStats(into: CompactionStats, from: CompactionStats): void {
  into.recordsRead += from.recordsRead;
  into.supersededRemoved += from.supersededRemoved;
  into.tombstonesRemoved += from.tombstonesRemoved;
  into.nullKeyRemoved += from.nullKeyRemoved;
  into.droppedByPolicy += from.droppedByPolicy;
  into.bytesRead += from.bytesRead;
  into.bytesWritten += from.bytesWritten;
  into.recordsRemoved += from.supersededRemoved + from.tombstonesRemoved + from.nullKeyRemoved + from.droppedByPolicy;
  into.batchesRewritten += from.batchesRewritten;
  into.batchesDropped += from.batchesDropped;
  into.segmentsReplaced += from.segmentsReplaced;
  into.segmentsWritten += from.segmentsWritten;
}
