import fc from 'fast-check';
import { TributaryError } from '@tributary/errors';
import { encodeVarint, encodeVarlong, readVarint, readVarlong, sizeOfVarint, sizeOfVarlong } from './index';
import { hex } from './test-support/batch-builder';

function expectCorrupt(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError);
    expect((error as TributaryError).codeName).toBe('CORRUPT_MESSAGE');
    expect((error as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected CORRUPT_MESSAGE');
}

describe('varints', () => {
  // Zigzag maps 0, -1, 1, -2 … to 0, 1, 2, 3 …; then 7 bits per byte, least significant first.
  it.each([
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [63, '7e'],
    [-64, '7f'],
    [64, '8001'],
    [-65, '8101'],
    [8191, 'fe7f'],
    [-8192, 'ff7f'],
    [8192, '808001'],
    [2 ** 31 - 1, 'feffffff0f'],
    [-(2 ** 31), 'ffffffff0f'],
  ])('varint %d ↔ %s', (value, bytes) => {
    expect(encodeVarint(value).toString('hex')).toBe(bytes);
    expect(sizeOfVarint(value)).toBe(bytes.length / 2);
    expect(readVarint(hex(bytes))).toEqual({ value, next: bytes.length / 2 });
  });

  it.each([
    [0, '00'],
    [-1, '01'],
    [2 ** 31, '8080808010'],
    [-(2 ** 31) - 1, '8180808010'],
    [1_700_000_000_000, '80a0abfef962'],
    [Number.MAX_SAFE_INTEGER, 'feffffffffffff1f'],
    [Number.MIN_SAFE_INTEGER, 'fdffffffffffff1f'],
  ])('varlong %d ↔ %s', (value, bytes) => {
    expect(encodeVarlong(value).toString('hex')).toBe(bytes);
    expect(sizeOfVarlong(value)).toBe(bytes.length / 2);
    expect(readVarlong(hex(bytes))).toEqual({ value, next: bytes.length / 2 });
  });

  it('round-trips every int32 and safe integer (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => {
        const bytes = encodeVarint(v);
        expect(bytes.length).toBe(sizeOfVarint(v));
        expect(readVarint(bytes).value).toBe(v);
      }),
    );
    fc.assert(
      fc.property(fc.maxSafeInteger(), (v) => {
        const bytes = encodeVarlong(v);
        expect(bytes.length).toBe(sizeOfVarlong(v));
        expect(readVarlong(bytes).value).toBe(v);
      }),
    );
  });

  it('agrees with a BigInt reference for varlongs', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (v) => {
        let z = (BigInt(v) << 1n) ^ (BigInt(v) >> 63n);
        z = BigInt.asUintN(64, z);
        const bytes: number[] = [];
        while (z >= 0x80n) {
          bytes.push(Number(z & 0x7fn) | 0x80);
          z >>= 7n;
        }
        bytes.push(Number(z));
        expect([...encodeVarlong(v)]).toEqual(bytes);
      }),
    );
  });

  it('rejects overflow and truncation with CORRUPT_MESSAGE', () => {
    expectCorrupt(() => readVarint(hex('ffffffff1f')), /overflows 32 bits/);
    expectCorrupt(() => readVarint(hex('ffffffffff01')), /overflows 32 bits/);
    expectCorrupt(() => readVarint(hex('8080')), /past the end/);
    expectCorrupt(() => readVarint(hex('')), /past the end/);
    expectCorrupt(() => readVarint(hex('80'), 0, 1), /past the end/);
    // Bounded by `end`, not the buffer: the reader never looks past its field.
    expectCorrupt(() => readVarint(hex('8001'), 0, 1), /past the end/);
    // 2^53 does not fit a safe integer: zigzag 2^54 = 8 bytes of 0x80 then 0x01 at bit 56.
    expectCorrupt(() => readVarlong(hex('80808080808080808001')), /not a safe integer/);
    expectCorrupt(() => readVarlong(hex('8080808080808080' + '40')), /not a safe integer/);
    expectCorrupt(() => readVarlong(hex('ffffffffffffffffff7f')), /overflows 64 bits/);
    expectCorrupt(() => readVarlong(hex('ffffffffffffffffff81')), /overflows 64 bits/);
    expectCorrupt(() => readVarlong(hex('ffffffffffffffff')), /past the end/);
    // -(2^53): zigzag 2^54 - 1, one past MIN_SAFE_INTEGER.
    expectCorrupt(() => readVarlong(hex('ffffffffffffff7f')), /not a safe integer/);
  });
});
