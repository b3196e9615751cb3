import { TributaryError } from '@tributary/errors';
import {
  CompressionType,
  decodeControlRecord,
  decodeRecordBatch,
  encodeControlBatch,
  encodeRecordBatch,
  iterateBatches,
  stampLogAppendTime,
  TimestampType,
  validateRecordBatch,
} from './index';

const b = (s: string) => Buffer.from(s, 'utf8');

describe('encodeRecordBatch / decodeRecordBatch', () => {
  it('round-trips records with keys, nulls and headers', () => {
    const buf = encodeRecordBatch({
      baseOffset: 100,
      records: [
        { key: b('k'), value: b('v'), timestamp: 1000 },
        { key: null, value: null, timestamp: 1005, headers: [{ key: 'h', value: b('x') }, { key: 'n', value: null }] },
      ],
    });
    const batch = decodeRecordBatch(buf);
    expect(batch.header.recordCount).toBe(2);
    expect(batch.header.baseOffset).toBe(100);
    expect(batch.header.maxTimestamp).toBe(1005);
    expect(batch.records.map((r) => r.offset)).toEqual([100, 101]);
    expect(batch.records[0].key?.toString()).toBe('k');
    expect(batch.records[1].value).toBeNull();
    expect(batch.records[1].headers).toEqual([
      { key: 'h', value: b('x') },
      { key: 'n', value: null },
    ]);
    expect(validateRecordBatch(buf).recordCount).toBe(2);
    expect([...iterateBatches(Buffer.concat([buf, buf]))].map((x) => x.position)).toEqual([0, buf.length]);
  });

  it('round-trips gzip', () => {
    const buf = encodeRecordBatch({ compression: CompressionType.Gzip, records: [{ key: null, value: b('hello'), timestamp: 5 }] });
    expect(decodeRecordBatch(buf).records[0].value?.toString()).toBe('hello');
  });

  it('stamps LogAppendTime', () => {
    const buf = encodeRecordBatch({ records: [{ key: null, value: b('hello'), timestamp: 5 }] });
    stampLogAppendTime(buf, 0, 99);
    const batch = decodeRecordBatch(buf);
    expect(batch.attributes.timestampType).toBe(TimestampType.LogAppendTime);
    expect(batch.records[0].timestamp).toBe(99);
  });

  it('encodes control batches', () => {
    const buf = encodeControlBatch({ type: 'COMMIT', producerId: 7, producerEpoch: 1, coordinatorEpoch: 3, timestamp: 10 });
    const batch = decodeRecordBatch(buf);
    expect(batch.attributes.isControl).toBe(true);
    expect(decodeControlRecord(batch.records[0])).toEqual({ type: 'COMMIT', typeId: 1, version: 0, coordinatorEpoch: 3 });
  });

  it('rejects a flipped bit', () => {
    const buf = encodeRecordBatch({ records: [{ key: null, value: b('hello'), timestamp: 5 }] });
    buf[buf.length - 3] ^= 1;
    expect(() => decodeRecordBatch(buf)).toThrow(TributaryError);
  });
});
