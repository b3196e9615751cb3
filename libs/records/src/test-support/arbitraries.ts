import fc from 'fast-check';
import { CompressionType, TimestampType } from '../batch-header';
import type { DecodedRecordBatch, RecordBatchInput, RecordInput } from '../record-batch';

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));
const nullableBytes = (maxLength: number) => fc.option(bytes(maxLength), { nil: null, freq: 5 });

export const recordArb: fc.Arbitrary<RecordInput> = fc.record(
  {
    key: nullableBytes(40),
    value: nullableBytes(300),
    headers: fc.array(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 12 }), value: nullableBytes(20) }), { maxLength: 3 }),
    timestamp: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.maxSafeInteger()),
  },
  { requiredKeys: ['key', 'value', 'timestamp'] },
);

/** Records whose timestamps stay within a safe distance of each other (deltas must be safe integers). */
const recordsArb = fc
  .tuple(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.array(recordArb, { maxLength: 20 }))
  .map(([base, records]) => records.map((r) => ({ ...r, timestamp: base + (r.timestamp % 1_000_000_000) })));

export function batchInputArb(compressions: CompressionType[] = [CompressionType.None]): fc.Arbitrary<RecordBatchInput> {
  return fc.record({
    baseOffset: fc.integer({ min: 0, max: 2 ** 40 }),
    partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
    producerId: fc.integer({ min: -1, max: 2 ** 50 }),
    producerEpoch: fc.integer({ min: -1, max: 32767 }),
    baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
    isTransactional: fc.boolean(),
    compression: fc.constantFrom(...compressions),
    timestampType: fc.constantFrom(TimestampType.CreateTime, TimestampType.LogAppendTime),
    records: recordsArb,
    gaps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 20, maxLength: 20 }),
  }).map(({ gaps, records, ...rest }) => {
    // Sometimes leave gaps in offsetDelta, as compaction does.
    let delta = -1;
    const withDeltas = records.map((r, i) => ({ ...r, offsetDelta: (delta += gaps[i] === 3 ? 2 : 1) }));
    return { ...rest, records: gaps[0] === 3 ? withDeltas : records };
  });
}

/** Turns a decoded batch back into encoder input that must give the same bytes. */
export function inputFromDecoded(batch: DecodedRecordBatch): RecordBatchInput {
  const { header, attributes } = batch;
  return {
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    isTransactional: attributes.isTransactional,
    isControl: attributes.isControl,
    compression: attributes.compression,
    timestampType: attributes.timestampType,
    baseTimestamp: header.baseTimestamp,
    maxTimestamp: header.maxTimestamp,
    lastOffsetDelta: header.lastOffsetDelta,
    records: batch.records.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: header.baseTimestamp + r.timestampDelta,
      offsetDelta: r.offsetDelta,
    })),
  };
}
