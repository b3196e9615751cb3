import type { EncodableRecord } from './batch-codec';

/** Bytes of the RecordBatch v2 header (before the records). */
export const RECORD_BATCH_OVERHEAD_BYTES = 61;

const textEncoder = new TextEncoder();

function varintSize(value: number): number {
  // zig-zag, then 7 bits a byte
  let v = value >= 0 ? value * 2 : -value * 2 - 1;
  let bytes = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    bytes++;
  }
  return bytes;
}

/**
 * Uncompressed size of one record inside a v2 batch (Kafka's
 * DefaultRecord.sizeInBytes), used to close batches at batch.size and to
 * check max.request.size before a record enters the accumulator.
 */
export function recordSizeInBytes(record: EncodableRecord, offsetDelta: number, timestampDelta: number): number {
  let body = 1 + varintSize(timestampDelta) + varintSize(offsetDelta);
  body += record.key === null ? 1 : varintSize(record.key.length) + record.key.length;
  body += record.value === null ? 1 : varintSize(record.value.length) + record.value.length;
  body += varintSize(record.headers.length);
  for (const header of record.headers) {
    const keyLength = textEncoder.encode(header.key).length;
    body += varintSize(keyLength) + keyLength;
    body += header.value === null ? 1 : varintSize(header.value.length) + header.value.length;
  }
  return varintSize(body) + body;
}

/** Upper bound of a batch holding only `record` (the size checked against max.request.size). */
export function singleRecordBatchSize(record: EncodableRecord): number {
  return RECORD_BATCH_OVERHEAD_BYTES + recordSizeInBytes(record, 0, 0);
}
