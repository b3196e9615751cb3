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

  it('refuses input it cannot encode with INVALID_RECORD', () => {
    const r = (extra = {}) => ({ key: null, value: null, timestamp: 5, ...extra });
    const bad: [string, Parameters<typeof encodeRecordBatch>[0], RegExp][] = [
      ['repeated offsetDelta', { records: [r({ offsetDelta: 1 }), r({ offsetDelta: 1 })] }, /offsetDelta 1 must be/],
      ['negative offsetDelta', { records: [r({ offsetDelta: -1 })] }, /offsetDelta -1/],
      ['fractional offsetDelta', { records: [r({ offsetDelta: 0.5 })] }, /offsetDelta 0.5/],
      ['unsafe timestamp', { records: [r({ timestamp: 2 ** 60 })] }, /[tT]imestamp .* not a safe integer/],
      ['unsafe timestamp delta', { baseTimestamp: -(2 ** 52), records: [r({ timestamp: 2 ** 52 })] }, /relative to baseTimestamp/],
      ['producerEpoch out of int16', { producerEpoch: 40000, records: [r()] }, /producerEpoch 40000/],
      ['leader epoch below -1', { partitionLeaderEpoch: -2, records: [r()] }, /partitionLeaderEpoch -2/],
      ['unsafe baseOffset', { baseOffset: 2 ** 60, records: [r()] }, /baseOffset/],
      ['lastOffsetDelta below the last record', { lastOffsetDelta: 0, records: [r(), r()] }, /lastOffsetDelta 0/],
      ['header without a string key', { records: [r({ headers: [{ key: 1, value: null }] })] }, /header 0/],
    ];
    for (const [what, input, message] of bad) {
      let error: unknown;
      try {
        encodeRecordBatch(input);
      } catch (e) {
        error = e;
      }
      expect([what, error instanceof TributaryError && error.codeName]).toEqual([what, 'INVALID_RECORD']);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('takes maxTimestamp from the records, even when they are all negative', () => {
    const buf = encodeRecordBatch({ records: [{ key: null, value: null, timestamp: -5 }, { key: null, value: null, timestamp: -3 }] });
    expect(validateRecordBatch(buf)).toMatchObject({ baseTimestamp: -5, maxTimestamp: -3 });
  });

  it('rejects a flipped bit', () => {
    const buf = encodeRecordBatch({ records: [{ key: null, value: b('hello'), timestamp: 5 }] });
    buf[buf.length - 3] ^= 1;
    expect(() => decodeRecordBatch(buf)).toThrow(TributaryError);
  });
});
