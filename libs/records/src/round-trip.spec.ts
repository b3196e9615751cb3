import fc from 'fast-check';
import {
  CompressionType,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  iterateBatches,
  type RecordBatchInput,
  TimestampType,
  validateRecordBatch,
} from './index';
import { batchInputArb, inputFromDecoded } from './test-support/arbitraries';

const hexOf = (b: Uint8Array | null) => (b === null ? 'null' : Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex'));

/** Checks a decoded batch against its input, comparing one string per record (jest's deep equality is slow on Buffers). */
function expectMatches(input: RecordBatchInput, buf: Buffer): void {
  const batch = decodeRecordBatch(buf);
  const baseOffset = input.baseOffset ?? 0;
  expect(batch.header.recordCount).toBe(input.records.length);
  expect(batch.attributes.compression).toBe(input.compression ?? CompressionType.None);
  const logAppendTime = input.timestampType === TimestampType.LogAppendTime;
  const expected = input.records.map((r, i) => {
    const offsetDelta = r.offsetDelta ?? i;
    const headers = (r.headers ?? []).map((h) => `${Buffer.from(h.key).toString()}=${hexOf(h.value)}`);
    const timestamp = logAppendTime ? batch.header.maxTimestamp : r.timestamp;
    return `${baseOffset + offsetDelta}/${offsetDelta} ${timestamp} ${hexOf(r.key)} ${hexOf(r.value)} [${headers.join(',')}]`;
  });
  const actual = batch.records.map((r) => {
    const headers = r.headers.map((h) => `${h.key}=${hexOf(h.value)}`);
    return `${r.offset}/${r.offsetDelta} ${r.timestamp} ${hexOf(r.key)} ${hexOf(r.value)} [${headers.join(',')}]`;
  });
  expect(actual).toEqual(expected);
}

describe('round trips (properties)', () => {
  it('decode(encode(x)) gives x back, uncompressed', () => {
    fc.assert(
      fc.property(batchInputArb(), (input) => {
        const buf = encodeRecordBatch(input);
        expectMatches(input, buf);
        expect(validateRecordBatch(buf, 0, { origin: 'log' }).batchLength).toBe(buf.length - 12);
      }),
      { numRuns: 300 },
    );
  });

  it('decode(encode(x)) gives x back with every codec', () => {
    fc.assert(
      fc.property(batchInputArb([CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]), (input) => {
        expectMatches(input, encodeRecordBatch(input));
      }),
      { numRuns: 150 },
    );
  });

  it('encode(decode(bytes)) gives the same bytes for uncompressed batches', () => {
    fc.assert(
      fc.property(batchInputArb(), (input) => {
        const buf = encodeRecordBatch(input);
        const again = encodeRecordBatch(inputFromDecoded(decodeRecordBatch(buf)));
        expect(again.toString('hex')).toBe(buf.toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('walks concatenated batches', () => {
    fc.assert(
      fc.property(fc.array(batchInputArb(), { minLength: 1, maxLength: 5 }), (inputs) => {
        const parts = inputs.map((input) => encodeRecordBatch(input));
        const all = Buffer.concat(parts);
        const walked = [...iterateBatches(all, { verifyCrc: true })];
        expect(walked.map((w) => w.size)).toEqual(parts.map((p) => p.length));
        expect(decodeRecordBatches(all).map((b) => b.records.length)).toEqual(inputs.map((i) => i.records.length));
      }),
      { numRuns: 50 },
    );
  });

  it('slices keys and values out of the input without copying', () => {
    const buf = encodeRecordBatch({ records: [{ key: Buffer.from('key'), value: Buffer.from('value'), timestamp: 1, headers: [{ key: 'h', value: Buffer.from('hv') }] }] });
    const [record] = decodeRecordBatch(buf).records;
    for (const view of [record.key, record.value, record.headers[0].value]) {
      expect(view?.buffer).toBe(buf.buffer);
      expect(view?.byteOffset).toBeGreaterThanOrEqual(buf.byteOffset + 61);
      expect(view?.byteOffset).toBeLessThan(buf.byteOffset + buf.length);
    }
  });

  it('encodes empty batches as compaction leaves them, and large batches', () => {
    const empty = encodeRecordBatch({ baseOffset: 10, lastOffsetDelta: 4, baseTimestamp: 7, records: [] });
    const header = validateRecordBatch(empty, 0, { origin: 'log' });
    expect(header).toMatchObject({ recordCount: 0, lastOffsetDelta: 4, baseTimestamp: 7, maxTimestamp: 7 });
    expect(decodeRecordBatch(empty).records).toEqual([]);
    const records = Array.from({ length: 5000 }, (_, i) => ({ key: null, value: Buffer.alloc(i % 700, i), timestamp: 1e12 + i }));
    for (const compression of [CompressionType.None, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd, CompressionType.Gzip]) {
      expectMatches({ records, compression }, encodeRecordBatch({ records, compression }));
    }
  });

  it('encodes UTF-8 header keys by their byte length', () => {
    const buf = encodeRecordBatch({ records: [{ key: null, value: null, timestamp: 0, headers: [{ key: 'clé-🙂', value: null }] }] });
    expect(decodeRecordBatch(buf).records[0].headers[0].key).toBe('clé-🙂');
  });
});
