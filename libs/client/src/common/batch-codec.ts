/**
 * The record-batch codec port: the client encodes producer batches and decodes
 * fetched ones through this, so the engines do not depend on a codec's shape.
 * `recordsBatchCodec` (over libs/records) is the real one.
 */
export interface RecordHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
export const COMPRESSION_NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export interface EncodableRecord {
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
  /** CreateTime, ms since the epoch. */
  readonly timestamp: number;
}

export interface EncodeBatchInput {
  /** -1 without idempotence. */
  readonly producerId: number;
  readonly producerEpoch: number;
  /** -1 without idempotence. */
  readonly baseSequence: number;
  readonly compression: CompressionName;
  readonly isTransactional: boolean;
  readonly records: readonly EncodableRecord[];
}

export interface DecodedRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
}

export interface DecodedBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
  /** For control batches: the marker they carry. */
  readonly controlType?: 'COMMIT' | 'ABORT';
  readonly timestampType: 'CreateTime' | 'LogAppendTime';
  readonly maxTimestamp: number;
  /** -1 when unknown. */
  readonly partitionLeaderEpoch: number;
  readonly records: readonly DecodedRecord[];
}

export interface RecordBatchCodec {
  /** Encodes one batch (baseOffset 0, offsets 0..n-1); throws for an unsupported compression. */
  encode(input: EncodeBatchInput): Uint8Array;
  /**
   * Decodes the complete batches in `bytes` (a trailing partial batch, as a
   * fetch may return, is ignored). Throws CORRUPT_MESSAGE on a bad CRC when
   * `verifyCrc`.
   */
  decode(bytes: Uint8Array, options: { readonly verifyCrc: boolean }): DecodedBatch[];
}
