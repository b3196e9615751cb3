import {
  BATCH_LENGTH_OFFSET,
  CompressionType,
  LOG_OVERHEAD,
  TimestampType,
  decodeControlRecord,
  decodeRecordBatch,
  encodeRecordBatch,
} from '@tributary/records';
import type { CompressionName, DecodedBatch, RecordBatchCodec } from './batch-codec';

const COMPRESSION: Record<CompressionName, CompressionType> = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
};

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The record-batch codec over `@tributary/records` (RecordBatch v2, CRC32C, every compression type). */
export const recordsBatchCodec: RecordBatchCodec = {
  encode(input) {
    return encodeRecordBatch({
      producerId: input.producerId,
      producerEpoch: input.producerEpoch,
      baseSequence: input.baseSequence,
      isTransactional: input.isTransactional,
      compression: COMPRESSION[input.compression],
      records: input.records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })),
    });
  },

  decode(bytes, options) {
    const buf = asBuffer(bytes);
    const batches: DecodedBatch[] = [];
    // A fetch may end in a partial batch (it was cut at the size limit): stop before it.
    for (let at = 0; at + LOG_OVERHEAD <= buf.length; ) {
      const size = buf.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
      if (at + size > buf.length) break;
      const { header, attributes, records } = decodeRecordBatch(buf, { at, verifyCrc: options.verifyCrc });
      const controlType = attributes.isControl && records[0] ? decodeControlRecord(records[0]).type : undefined;
      batches.push({
        baseOffset: header.baseOffset,
        lastOffset: header.baseOffset + header.lastOffsetDelta,
        producerId: header.producerId,
        producerEpoch: header.producerEpoch,
        baseSequence: header.baseSequence,
        isTransactional: attributes.isTransactional,
        isControl: attributes.isControl,
        controlType: controlType === 'COMMIT' || controlType === 'ABORT' ? controlType : undefined,
        timestampType: attributes.timestampType === TimestampType.LogAppendTime ? 'LogAppendTime' : 'CreateTime',
        maxTimestamp: header.maxTimestamp,
        partitionLeaderEpoch: header.partitionLeaderEpoch,
        records,
      });
      at += size;
    }
    return batches;
  },
};
