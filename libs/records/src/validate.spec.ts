import { TributaryError } from '@tributary/errors';
import {
  batchSizeAt,
  CompressionType,
  decodeRecordBatch,
  encodeControlBatch,
  encodeRecordBatch,
  iterateBatches,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
  stampLogAppendTime,
  TimestampType,
  validateRecordBatch,
} from './index';
import { buildRawBatch } from './test-support/batch-builder';

const b = (s: string) => Buffer.from(s);
const one = (extra = {}) => encodeRecordBatch({ records: [{ key: null, value: b('v'), timestamp: 5 }], ...extra });

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof TributaryError) return `${error.codeName}: ${error.message}`;
    throw error;
  }
  return 'ok';
}

describe('validateRecordBatch', () => {
  it('returns the header of a good batch at any position', () => {
    const batch = one({ baseOffset: 3, producerId: 8, producerEpoch: 1, baseSequence: 0 });
    const buf = Buffer.concat([Buffer.alloc(7), batch]);
    expect(validateRecordBatch(buf, 7)).toEqual(readBatchHeader(buf, 7));
    expect(validateRecordBatch(buf, 7)).toMatchObject({ baseOffset: 3, producerId: 8, recordCount: 1, lastOffsetDelta: 0 });
  });

  it("applies Kafka's produce-path rules for origin 'client' (the default)", () => {
    const empty = encodeRecordBatch({ records: [], lastOffsetDelta: 0 });
    expect(codeOf(() => validateRecordBatch(empty))).toMatch(/^INVALID_RECORD: batch has no records/);
    expect(codeOf(() => validateRecordBatch(empty, 0, { origin: 'log' }))).toBe('ok');
    const gap = encodeRecordBatch({ records: [{ key: null, value: null, timestamp: 0, offsetDelta: 1 }] });
    expect(codeOf(() => validateRecordBatch(gap))).toMatch(/^INVALID_RECORD: inconsistent batch offset range \[0, 1\] and count of records 1/);
    expect(codeOf(() => validateRecordBatch(gap, 0, { origin: 'log' }))).toBe('ok');
    const control = encodeControlBatch({ type: 'ABORT', producerId: 1, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 0 });
    expect(codeOf(() => validateRecordBatch(control))).toMatch(/^INVALID_RECORD: clients are not allowed to write control batches/);
    expect(codeOf(() => validateRecordBatch(control, 0, { origin: 'coordinator' }))).toBe('ok');
    expect(codeOf(() => validateRecordBatch(one({ producerId: 4 })))).toMatch(/^INVALID_RECORD: invalid sequence number -1 for producer id 4/);
    expect(codeOf(() => validateRecordBatch(one({ isTransactional: true })))).toMatch(/^INVALID_RECORD: transactional batch has no producer id/);
  });

  it("for origin 'log' allows compacted batches but not more records than offsets", () => {
    const tooMany = buildRawBatch(Buffer.from('0e000000010100'.repeat(2) + '0e000002010100', 'hex'), { recordCount: 3, lastOffsetDelta: 1 });
    expect(codeOf(() => validateRecordBatch(tooMany, 0, { origin: 'log' }))).toMatch(/^CORRUPT_MESSAGE: recordCount 3 is more than the 2 offsets/);
  });

  it('enforces max.message.bytes and segment.bytes', () => {
    const batch = one();
    expect(codeOf(() => validateRecordBatch(batch, 0, { maxBatchBytes: batch.length }))).toBe('ok');
    expect(codeOf(() => validateRecordBatch(batch, 0, { maxBatchBytes: batch.length - 1 }))).toMatch(/^MESSAGE_TOO_LARGE/);
    expect(codeOf(() => validateRecordBatch(batch, 0, { maxSegmentBytes: batch.length - 1 }))).toMatch(/^RECORD_LIST_TOO_LARGE/);
  });

  it('checks the CRC unless told not to', () => {
    const batch = one();
    batch[batch.length - 1] ^= 0xff;
    expect(codeOf(() => validateRecordBatch(batch))).toMatch(/^CORRUPT_MESSAGE: .*stored CRC \d+ does not match computed CRC \d+/);
    expect(codeOf(() => validateRecordBatch(batch, 0, { verifyCrc: false }))).toBe('ok');
  });

  it('rejects positions outside the buffer', () => {
    expect(codeOf(() => validateRecordBatch(one(), -1))).toMatch(/^CORRUPT_MESSAGE/);
    expect(codeOf(() => validateRecordBatch(one(), 1.5))).toMatch(/^CORRUPT_MESSAGE/);
    expect(codeOf(() => validateRecordBatch(one(), 1000))).toMatch(/^CORRUPT_MESSAGE/);
  });
});

describe('iterateBatches', () => {
  it('yields position, header and size of each batch', () => {
    const a = one({ baseOffset: 0 });
    const c = encodeRecordBatch({ baseOffset: 1, compression: CompressionType.Lz4, records: [{ key: null, value: b('x'), timestamp: 1 }] });
    const walked = [...iterateBatches(Buffer.concat([a, c]))];
    expect(walked.map((w) => [w.position, w.size, w.header.baseOffset])).toEqual([
      [0, a.length, 0],
      [a.length, c.length, 1],
    ]);
    expect([...iterateBatches(Buffer.alloc(0))]).toEqual([]);
  });

  it('throws CORRUPT_MESSAGE on a partial or garbled batch', () => {
    const a = one();
    expect(codeOf(() => [...iterateBatches(Buffer.concat([a, a.subarray(0, 30)]))])).toMatch(/^CORRUPT_MESSAGE: batch at position \d+ is truncated/);
    const garbled = Buffer.concat([a, Buffer.alloc(61)]);
    expect(codeOf(() => [...iterateBatches(garbled)])).toMatch(/^CORRUPT_MESSAGE: batchLength 0/);
    const badCrc = Buffer.from(a);
    badCrc[badCrc.length - 1] ^= 1;
    expect(codeOf(() => [...iterateBatches(badCrc)])).toBe('ok');
    expect(codeOf(() => [...iterateBatches(badCrc, { verifyCrc: true })])).toMatch(/^CORRUPT_MESSAGE: .*CRC/);
  });
});

describe('in-place rewrites', () => {
  it('stampLogAppendTime sets the type bit and maxTimestamp and keeps the batch valid', () => {
    const batch = encodeRecordBatch({
      producerId: 3, producerEpoch: 0, baseSequence: 0, isTransactional: true,
      records: [{ key: null, value: b('a'), timestamp: 10 }, { key: null, value: b('b'), timestamp: 20 }],
    });
    const records = Buffer.from(batch.subarray(61));
    const buf = Buffer.concat([Buffer.alloc(3), batch]);
    stampLogAppendTime(buf, 3, 1_700_000_000_123);
    const header = validateRecordBatch(buf, 3);
    expect(header.maxTimestamp).toBe(1_700_000_000_123);
    expect(header.baseTimestamp).toBe(10);
    const decoded = decodeRecordBatch(buf, { at: 3 });
    expect(decoded.attributes).toMatchObject({ timestampType: TimestampType.LogAppendTime, isTransactional: true });
    expect(decoded.records.map((r) => r.timestamp)).toEqual([1_700_000_000_123, 1_700_000_000_123]);
    expect(buf.subarray(3 + 61).equals(records)).toBe(true); // records untouched
    expect(codeOf(() => stampLogAppendTime(buf.subarray(0, 50), 3, 1))).toMatch(/^CORRUPT_MESSAGE/);
  });

  it('setBaseOffset and setPartitionLeaderEpoch keep the CRC valid', () => {
    const batch = one();
    setBaseOffset(batch, 2 ** 40 + 7);
    setPartitionLeaderEpoch(batch, 12);
    expect(validateRecordBatch(batch)).toMatchObject({ baseOffset: 2 ** 40 + 7, partitionLeaderEpoch: 12 });
    expect(decodeRecordBatch(batch).records[0].offset).toBe(2 ** 40 + 7);
    expect(batchSizeAt(batch)).toBe(batch.length);
  });
});
