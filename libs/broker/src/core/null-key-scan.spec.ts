import { TributaryError } from '@tributary/errors';
import { CompressionType, encodeRecordBatch } from '@tributary/records';
import { firstNullKeyIndex } from './null-key-scan';

function batchOf(keys: readonly (string | null)[], compression = CompressionType.None): Buffer {
  return encodeRecordBatch({
    compression,
    records: keys.map((k, i) => ({ key: k === null ? null : Buffer.from(k), value: Buffer.from(`v${i}`), headers: [{ key: 'h', value: Buffer.from('x') }], timestamp: 1000 + i })),
  });
}

describe('firstNullKeyIndex', () => {
  it.each([
    ['uncompressed', CompressionType.None],
    ['gzip', CompressionType.Gzip],
  ])('finds the first record without a key (%s)', (_name, compression) => {
    expect(firstNullKeyIndex(batchOf(['a', 'b', 'c'], compression), 0)).toBe(-1);
    expect(firstNullKeyIndex(batchOf([null, 'b'], compression), 0)).toBe(0);
    expect(firstNullKeyIndex(batchOf(['a', 'b', null, null], compression), 0)).toBe(2);
    expect(firstNullKeyIndex(batchOf(['', 'x'], compression), 0)).toBe(-1);
  });

  it('walks a batch at a position inside a larger buffer', () => {
    const first = batchOf(['a']);
    const second = batchOf(['b', null]);
    const both = Buffer.concat([first, second]);
    expect(firstNullKeyIndex(both, 0)).toBe(-1);
    expect(firstNullKeyIndex(both, first.length)).toBe(1);
  });

  it('reports records that do not parse as CORRUPT_MESSAGE, never a crash', () => {
    const bytes = batchOf(['a', 'b']);
    bytes.writeInt32BE(50, 57); // recordCount larger than the records present
    expect(() => firstNullKeyIndex(bytes, 0)).toThrow(TributaryError);
    const garbled = batchOf(['a']);
    garbled.fill(0xff, 61);
    expect(() => firstNullKeyIndex(garbled, 0)).toThrow(/varint|past the batch end|truncated/);
  });
});
