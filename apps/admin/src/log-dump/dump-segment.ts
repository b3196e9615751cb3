import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import {
  CompressionType,
  LOG_OVERHEAD,
  NO_SEQUENCE,
  RECORD_BATCH_OVERHEAD,
  TimestampType,
  computeBatchCrc,
  decodeAttributes,
  decodeControlRecord,
  decodeRecordBatch,
  readBatchHeader,
} from '@tributary/records';
import { type EncodedBytes, encodeBytes } from './bytes-text';

/** A batch larger than this is reported as corrupt rather than read into memory (Kafka's max.message.bytes is far lower). */
export const MAX_DUMP_BATCH_BYTES = 256 * 1024 * 1024;

const INT32_MAX = 0x7fffffff;

/** One record of a batch, as `log dump --print-records` shows it; sizes are -1 for null. */
export interface RecordDump {
  readonly offset: number;
  readonly timestamp: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly key: EncodedBytes | null;
  readonly value: EncodedBytes | null;
  readonly headers: readonly { readonly key: string; readonly value: EncodedBytes | null }[];
  /** For records of control batches: the marker type (COMMIT, ABORT…). */
  readonly control?: string;
}

/** One batch of a `.log` file, as kafka-dump-log prints it. */
export interface BatchDump {
  /** Byte position of the batch in the file. */
  readonly position: number;
  /** Bytes of the whole batch, LOG_OVERHEAD included. */
  readonly sizeBytes: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly count: number;
  readonly magic: number;
  readonly crc: number;
  readonly crcValid: boolean;
  readonly compression: string;
  readonly timestampType: 'CreateTime' | 'LogAppendTime';
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly lastSequence: number;
  readonly partitionLeaderEpoch: number;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
  /** With `printRecords`: the decoded records, or why they could not be decoded. */
  readonly records?: readonly RecordDump[];
  readonly recordsError?: string;
}

/** Bytes that are not a readable batch; the dump stops there because batch boundaries are lost. */
export interface Corruption {
  readonly position: number;
  readonly reason: string;
}

/** What `dumpSegment` found in one `.log` file. */
export interface SegmentDump {
  readonly kind: 'log';
  readonly file: string;
  readonly sizeBytes: number;
  readonly batches: readonly BatchDump[];
  readonly corruption: Corruption | null;
}

/** Whether to decode records too (decompressing them), not only batch headers. */
export interface DumpOptions {
  readonly printRecords: boolean;
}

const COMPRESSION_NAMES: Record<number, string> = {
  [CompressionType.None]: 'none',
  [CompressionType.Gzip]: 'gzip',
  [CompressionType.Snappy]: 'snappy',
  [CompressionType.Lz4]: 'lz4',
  [CompressionType.Zstd]: 'zstd',
};

/**
 * Reads a `.log` segment batch by batch (never the whole file at once) and
 * describes every batch. A CRC mismatch is reported on the batch and the dump
 * goes on (the length still frames it); bytes that cannot frame a batch
 * (a short tail, a nonsense length, a wrong magic) end the dump with a
 * `corruption` entry instead of an exception. I/O errors (missing file,
 * permissions) are thrown.
 */
export function dumpSegment(file: string, options: DumpOptions): SegmentDump {
  const fd = openSync(file, 'r');
  try {
    const sizeBytes = fstatSync(fd).size;
    const batches: BatchDump[] = [];
    let corruption: Corruption | null = null;
    let position = 0;
    const head = Buffer.alloc(LOG_OVERHEAD);
    while (position < sizeBytes) {
      const left = sizeBytes - position;
      if (left < LOG_OVERHEAD) {
        corruption = { position, reason: `${left} trailing bytes are too few for a batch header` };
        break;
      }
      readFully(fd, head, position);
      const batchLength = head.readInt32BE(8);
      const size = batchLength + LOG_OVERHEAD;
      if (batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD || size > MAX_DUMP_BATCH_BYTES) {
        corruption = { position, reason: `batch length ${batchLength} is not a valid batch length` };
        break;
      }
      if (size > left) {
        corruption = { position, reason: `batch of ${size} bytes runs past the end of the file (${left} bytes left)` };
        break;
      }
      const bytes = Buffer.alloc(size);
      readFully(fd, bytes, position);
      const described = describeBatch(bytes, position, options);
      if ('reason' in described) {
        corruption = described;
        break;
      }
      batches.push(described);
      position += size;
    }
    return { kind: 'log', file, sizeBytes, batches, corruption };
  } finally {
    closeSync(fd);
  }
}

function readFully(fd: number, into: Buffer, position: number): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new Error(`unexpected end of file at ${position + done}`);
    done += n;
  }
}

function describeBatch(bytes: Buffer, position: number, options: DumpOptions): BatchDump | Corruption {
  let header;
  try {
    header = readBatchHeader(bytes, 0);
  } catch (error) {
    return { position, reason: (error as Error).message };
  }
  const attributes = decodeAttributes(header.attributes);
  const crcValid = computeBatchCrc(bytes, 0, bytes.length) === header.crc;
  const base: BatchDump = {
    position,
    sizeBytes: bytes.length,
    baseOffset: header.baseOffset,
    lastOffset: header.baseOffset + header.lastOffsetDelta,
    count: header.recordCount,
    magic: header.magic,
    crc: header.crc,
    crcValid,
    compression: COMPRESSION_NAMES[attributes.compression] ?? `unknown(${attributes.compression})`,
    timestampType: attributes.timestampType === TimestampType.LogAppendTime ? 'LogAppendTime' : 'CreateTime',
    baseTimestamp: header.baseTimestamp,
    maxTimestamp: header.maxTimestamp,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    lastSequence: lastSequence(header.baseSequence, header.lastOffsetDelta),
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    isTransactional: attributes.isTransactional,
    isControl: attributes.isControl,
  };
  if (!options.printRecords) return base;
  try {
    // The CRC verdict is already on the batch; decode anyway so a reader can see what the bytes say.
    const decoded = decodeRecordBatch(bytes, { verifyCrc: false });
    const records = decoded.records.map((record): RecordDump => {
      const dump: RecordDump = {
        offset: record.offset,
        timestamp: record.timestamp,
        keySize: record.key === null ? -1 : record.key.length,
        valueSize: record.value === null ? -1 : record.value.length,
        key: encodeBytes(record.key),
        value: encodeBytes(record.value),
        headers: record.headers.map((h) => ({ key: h.key, value: encodeBytes(h.value) })),
      };
      return attributes.isControl ? { ...dump, control: controlType(record) } : dump;
    });
    return { ...base, records };
  } catch (error) {
    return { ...base, recordsError: (error as Error).message };
  }
}

function controlType(record: Parameters<typeof decodeControlRecord>[0]): string {
  try {
    return decodeControlRecord(record).type;
  } catch (error) {
    return `invalid (${(error as Error).message})`;
  }
}

/** The sequence of the batch's last record; sequences wrap at int32 max, as in Kafka. */
export function lastSequence(baseSequence: number, lastOffsetDelta: number): number {
  if (baseSequence === NO_SEQUENCE) return NO_SEQUENCE;
  if (baseSequence > INT32_MAX - lastOffsetDelta) return lastOffsetDelta - (INT32_MAX - baseSequence) - 1;
  return baseSequence + lastOffsetDelta;
}
