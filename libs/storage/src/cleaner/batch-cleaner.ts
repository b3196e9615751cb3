import type { CompactionRecordView } from '@tributary/plugins-api';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  codecFor,
  CompressionType,
  computeBatchCrc,
  CRC_OFFSET,
  decodeAttributes,
  decodeRecordBatch,
  encodeAttributes,
  encodeRecordBatch,
  lastOffsetOf,
  LOG_OVERHEAD,
  NO_TIMESTAMP,
  RECORD_BATCH_OVERHEAD,
  type Record,
  type RecordBatchHeader,
  RECORDS_COUNT_OFFSET,
} from '@tributary/records';
import type { OffsetMap } from './offset-map';
import { RecordScanner } from './record-scanner';

/** Everything one batch's cleaning depends on; the same for every batch of a pass. */
export interface BatchCleaningContext {
  /** key → offset of its latest record in the mapped dirty range. */
  readonly map: OffsetMap;
  /** Only records in [cleanFromOffset, cleanToOffset) may be removed; others are kept untouched. */
  readonly cleanFromOffset: number;
  readonly cleanToOffset: number;
  readonly nowMs: number;
  /** Stamped on batches whose tombstones the cleaner keeps for the first time: nowMs + delete retention. */
  readonly deleteHorizonMs: number;
  /** producerId → last offset of its last batch in the cleaned range: that batch keeps its header even when emptied. */
  readonly lastBatchOffsetOfProducer: ReadonlyMap<number, number>;
  readonly dropRecord?: (record: CompactionRecordView) => boolean;
}

/** What happened to the records; added up into the pass's stats. */
export interface BatchCleaningCounts {
  recordsRead: number;
  supersededRemoved: number;
  tombstonesRemoved: number;
  nullKeyRemoved: number;
  droppedByPolicy: number;
}

export type BatchCleaningResult =
  /** Copy the batch as it is. */
  | { readonly kind: 'keep' }
  /** Leave it out: every record is gone and no producer needs its header. */
  | { readonly kind: 'drop' }
  /** Write these bytes instead (fewer records, a delete horizon, or an empty header kept for its producer). */
  | { readonly kind: 'rewrite'; readonly batch: Buffer };

const KEEP: BatchCleaningResult = { kind: 'keep' };
const DROP: BatchCleaningResult = { kind: 'drop' };
const DELETE_HORIZON_BIT = encodeAttributes({ hasDeleteHorizon: true });

/**
 * Cleans batches the way Kafka's LogCleaner does for RecordBatch v2:
 *
 * - Control batches and transactional batches are kept byte for byte (and
 *   are never entered in the offset map), so transaction markers, aborted
 *   data and the read_committed view are untouched.
 * - Every other record in [cleanFromOffset, cleanToOffset) is removed when a
 *   later record has its key, when its key is null (Kafka's cleaner drops
 *   those as invalid on a compacted topic), when it is a tombstone and the
 *   batch's delete horizon has passed, or when the policy's `dropRecord` says so.
 * - A batch that keeps a tombstone and has no delete horizon yet gets one
 *   (KIP-534): its baseTimestamp becomes `deleteHorizonMs` and the record
 *   timestamps are re-expressed against it, so the countdown starts when the
 *   cleaner first sees the tombstone, whatever its CreateTime says.
 * - A cleaned batch keeps baseOffset, lastOffsetDelta (so its last sequence
 *   number), producer id/epoch, baseSequence, partitionLeaderEpoch, timestamp
 *   type, maxTimestamp and compression; the records it keeps are the original
 *   bytes (recompressed with the batch's codec), so offsets, timestamps and
 *   headers are unchanged. An emptied batch that is its producer's last is
 *   kept as an empty header (recordCount 0) so the producer's sequence and
 *   epoch survive.
 */
export class BatchCleaner {
  private readonly scanner: RecordScanner;
  private retained = new Int32Array(256);

  constructor(
    private readonly ctx: BatchCleaningContext,
    maxDecompressedBytes?: number,
  ) {
    this.scanner = new RecordScanner(maxDecompressedBytes);
  }

  /** Decides what becomes of one whole batch (validated, CRC checked, with this header). */
  clean(batch: Buffer, header: RecordBatchHeader, counts: BatchCleaningCounts): BatchCleaningResult {
    const ctx = this.ctx;
    const attributes = decodeAttributes(header.attributes);
    if (attributes.isControl || attributes.isTransactional) return KEEP;
    if (lastOffsetOf(header) < ctx.cleanFromOffset || header.baseOffset >= ctx.cleanToOffset) return KEEP;

    const scanner = this.scanner;
    scanner.scan(batch, header);
    const count = scanner.count;
    counts.recordsRead += count;
    if (this.retained.length < count) this.retained = new Int32Array(Math.max(count, this.retained.length * 2));
    const records = ctx.dropRecord ? decodeRecordBatch(batch, { verifyCrc: false }).records : undefined;
    const horizonPassed = attributes.hasDeleteHorizon && ctx.nowMs >= header.baseTimestamp;
    let kept = 0;
    let keepsTombstone = false;
    for (let i = 0; i < count; i++) {
      if (this.retain(i, header.baseOffset + scanner.offsetDeltas[i], horizonPassed, records, counts)) {
        this.retained[kept++] = i;
        if (scanner.valueIsNull[i] === 1) keepsTombstone = true;
      }
    }
    const needsHorizon = keepsTombstone && !attributes.hasDeleteHorizon;
    if (kept === count && !needsHorizon) return KEEP;
    if (kept === 0) {
      const isProducersLast = header.producerId >= 0 && ctx.lastBatchOffsetOfProducer.get(header.producerId) === lastOffsetOf(header);
      return isProducersLast ? { kind: 'rewrite', batch: emptyHeaderOf(header) } : DROP;
    }
    return { kind: 'rewrite', batch: needsHorizon ? this.withHorizon(batch, header, kept) : this.splice(batch, header, kept) };
  }

  private retain(i: number, offset: number, horizonPassed: boolean, records: Record[] | undefined, counts: BatchCleaningCounts): boolean {
    const { ctx, scanner } = this;
    if (offset < ctx.cleanFromOffset || offset >= ctx.cleanToOffset) return true;
    const keyLength = scanner.keyLengths[i];
    if (keyLength < 0) {
      counts.nullKeyRemoved++;
      return false;
    }
    if (ctx.map.get(scanner.data, scanner.keyStarts[i], keyLength) > offset) {
      counts.supersededRemoved++;
      return false;
    }
    if (scanner.valueIsNull[i] === 1 && horizonPassed) {
      counts.tombstonesRemoved++;
      return false;
    }
    if (records && ctx.dropRecord) {
      const r = records[i];
      if (ctx.dropRecord({ offset: r.offset, timestampMs: r.timestamp, key: r.key, value: r.value, headers: r.headers })) {
        counts.droppedByPolicy++;
        return false;
      }
    }
    return true;
  }

  /** The batch with only the retained records' original bytes (recompressed if the batch was compressed). */
  private splice(batch: Buffer, header: RecordBatchHeader, kept: number): Buffer {
    const { scanner, retained } = this;
    let bytes = 0;
    for (let k = 0; k < kept; k++) bytes += scanner.ends[retained[k]] - scanner.starts[retained[k]];
    const compression = decodeAttributes(header.attributes).compression;
    const compressed = compression !== CompressionType.None;
    const section = Buffer.allocUnsafe(compressed ? bytes : RECORD_BATCH_OVERHEAD + bytes);
    let at = compressed ? 0 : RECORD_BATCH_OVERHEAD;
    for (let k = 0; k < kept; k++) {
      const i = retained[k];
      at += scanner.data.copy(section, at, scanner.starts[i], scanner.ends[i]);
    }
    let out = section;
    if (compressed) {
      const body = codecFor(compression).compress(section);
      out = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + body.length);
      body.copy(out, RECORD_BATCH_OVERHEAD);
    }
    batch.copy(out, 0, 0, RECORD_BATCH_OVERHEAD);
    out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
    out.writeInt32BE(kept, RECORDS_COUNT_OFFSET);
    out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_OFFSET);
    return out;
  }

  /** Re-encodes the retained records against the delete horizon as the new baseTimestamp. */
  private withHorizon(batch: Buffer, header: RecordBatchHeader, kept: number): Buffer {
    const records = decodeRecordBatch(batch, { verifyCrc: false }).records;
    const attributes = decodeAttributes(header.attributes);
    const out = encodeRecordBatch({
      baseOffset: header.baseOffset,
      partitionLeaderEpoch: header.partitionLeaderEpoch,
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      baseSequence: header.baseSequence,
      compression: attributes.compression,
      timestampType: attributes.timestampType,
      baseTimestamp: this.ctx.deleteHorizonMs,
      maxTimestamp: header.maxTimestamp,
      lastOffsetDelta: header.lastOffsetDelta,
      records: Array.from(this.retained.subarray(0, kept), (i) => {
        const r = records[i];
        // The stored timestamp, not the decoded one (which is maxTimestamp for LogAppendTime batches).
        return { key: r.key, value: r.value, headers: r.headers, timestamp: header.baseTimestamp + r.timestampDelta, offsetDelta: r.offsetDelta };
      }),
    });
    // The encoder has no delete-horizon input; the bit is inside the CRC, so set it and recompute.
    out.writeInt16BE(out.readInt16BE(ATTRIBUTES_OFFSET) | DELETE_HORIZON_BIT, ATTRIBUTES_OFFSET);
    out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_OFFSET);
    return out;
  }
}

/** Kafka's empty batch header (DefaultRecordBatch.writeEmptyHeader): no records, same offsets and producer fields. */
function emptyHeaderOf(header: RecordBatchHeader): Buffer {
  return encodeRecordBatch({
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    compression: CompressionType.None,
    timestampType: decodeAttributes(header.attributes).timestampType,
    baseTimestamp: NO_TIMESTAMP,
    maxTimestamp: header.maxTimestamp,
    lastOffsetDelta: header.lastOffsetDelta,
    records: [],
  });
}
