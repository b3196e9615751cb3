import { TributaryError } from '@tributary/errors';
import { type AppendResult, decodeMetadataRecord, encodeMetadataRecord, type MetadataLog, type MetadataLogEntry, type MetadataRecord } from '@tributary/metadata';
import { decodeRecordBatch, encodeRecordBatch, iterateBatches } from '@tributary/records';
import type { Log } from '@tributary/storage';
import { assert, type Clock } from '@tributary/util';

/** Bytes read from the log per `read` step: bounds memory while replaying. */
export const METADATA_READ_BYTES = 1024 * 1024;

/**
 * The single-node MetadataLog: metadata records in a storage {@link Log}
 * (`<first log dir>/__cluster_metadata-0`), one RecordBatch v2 per controller
 * operation (each record's value is one encoded metadata record, the batch's
 * partition leader epoch is the metadata epoch). `append` resolves after an
 * fsync covering the batch, so an acknowledged admin change survives a crash.
 * The Raft controller will replace the log underneath, not the records.
 */
export class StorageMetadataLog implements MetadataLog {
  constructor(
    private readonly log: Log,
    private readonly clock: Clock,
  ) {}

  async append(records: readonly MetadataRecord[], epoch: number): Promise<AppendResult> {
    assert(records.length > 0, 'append needs at least one record');
    const timestamp = this.clock.nowMs();
    const batch = encodeRecordBatch({
      partitionLeaderEpoch: epoch,
      records: records.map((record, i) => ({ offsetDelta: i, timestamp, key: null, value: encodeMetadataRecord(record), headers: [] })),
    });
    const info = await this.log.append(batch, { leaderEpoch: epoch, durable: true });
    return { baseOffset: info.firstOffset, lastOffset: info.lastOffset };
  }

  async read(fromOffset: number, maxRecords: number): Promise<readonly MetadataLogEntry[]> {
    const out: MetadataLogEntry[] = [];
    let offset = fromOffset;
    while (out.length < maxRecords && offset < this.log.logEndOffset) {
      const { records } = this.log.read(offset, { maxBytes: METADATA_READ_BYTES });
      if (records.length === 0) break;
      let next = offset;
      for (const { position, size } of iterateBatches(records)) {
        const decoded = decodeRecordBatch(records.subarray(position, position + size));
        for (const r of decoded.records) {
          if (r.offset < offset || out.length >= maxRecords) continue;
          if (r.value === null) throw new TributaryError('CORRUPT_MESSAGE', `metadata record at offset ${r.offset} has no value`);
          out.push({ offset: r.offset, epoch: decoded.header.partitionLeaderEpoch, record: decodeMetadataRecord(r.value) });
          next = r.offset + 1;
        }
        if (out.length >= maxRecords) break;
      }
      if (next === offset) break;
      offset = next;
    }
    return out;
  }

  endOffset(): number {
    return this.log.logEndOffset;
  }
}
