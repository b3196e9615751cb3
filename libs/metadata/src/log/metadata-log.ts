import { assert } from '@tributary/util';
import { decodeMetadataRecord, encodeMetadataRecord } from '../codec/metadata-record-codec';
import type { MetadataLogEntry } from '../image/apply';
import type { MetadataRecord } from '../records/metadata-record';

export interface AppendResult {
  /** Offset of the first appended record. */
  readonly baseOffset: number;
  /** Offset of the last appended record. */
  readonly lastOffset: number;
}

/**
 * The port to wherever metadata records are kept: a local log on the
 * single-node broker now, the Raft log `__cluster_metadata` later. Offsets
 * start at 0 and are dense. (Snapshots come later: `read` will then start
 * after the latest snapshot's offset.)
 */
export interface MetadataLog {
  /**
   * Appends the records of one controller operation atomically (one batch),
   * stamped with `epoch`, and resolves once they are durable.
   */
  append(records: readonly MetadataRecord[], epoch: number): Promise<AppendResult>;
  /** Up to `maxRecords` entries from `fromOffset` on, in offset order; empty at the end. */
  read(fromOffset: number, maxRecords: number): Promise<readonly MetadataLogEntry[]>;
  /** The offset the next appended record will get (= the number of records so far). */
  endOffset(): number;
}

interface StoredRecord {
  readonly epoch: number;
  readonly value: Buffer;
}

/**
 * A MetadataLog in memory, for tests. It stores each record encoded, exactly
 * as the broker's storage-backed log will, so everything read back has been
 * through the codec.
 */
export class InMemoryMetadataLog implements MetadataLog {
  private readonly stored: StoredRecord[] = [];

  async append(records: readonly MetadataRecord[], epoch: number): Promise<AppendResult> {
    assert(records.length > 0, 'append needs at least one record');
    assert(Number.isInteger(epoch) && epoch >= 0, () => `bad epoch ${epoch}`);
    const lastEpoch = this.stored.at(-1)?.epoch ?? 0;
    assert(epoch >= lastEpoch, () => `epoch ${epoch} is below the log's last epoch ${lastEpoch}`);
    const encoded = records.map((record) => ({ epoch, value: encodeMetadataRecord(record) }));
    const baseOffset = this.stored.length;
    this.stored.push(...encoded);
    return { baseOffset, lastOffset: this.stored.length - 1 };
  }

  async read(fromOffset: number, maxRecords: number): Promise<readonly MetadataLogEntry[]> {
    assert(Number.isInteger(fromOffset) && fromOffset >= 0 && Number.isInteger(maxRecords) && maxRecords > 0, 'bad read range');
    return this.stored.slice(fromOffset, fromOffset + maxRecords).map((s, i) => ({
      offset: fromOffset + i,
      epoch: s.epoch,
      record: decodeMetadataRecord(s.value),
    }));
  }

  endOffset(): number {
    return this.stored.length;
  }

  /** The encoded record at `offset` (for corruption tests). */
  rawValueAt(offset: number): Buffer | undefined {
    return this.stored[offset]?.value;
  }
}
