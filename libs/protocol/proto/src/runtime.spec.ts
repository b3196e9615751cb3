import fc from 'fast-check';
import * as protobuf from 'protobufjs';
import { ProtoDecodeError, Reader, checkInt32, checkInt64, checkUint32, checkUint64, readFixed64, readInt64, readSfixed64, readSint64, readString, readUint64 } from './runtime';

const INT64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const UINT64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const isSafe = (value: bigint) => value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);

/** Writes with protobufjs (the reference), reads with ours: exact when safe, an error otherwise. */
function agrees(write: (writer: protobuf.Writer, value: string) => protobuf.Writer, read: (reader: Reader, field: string) => number, value: bigint): void {
  const bytes = write(protobuf.Writer.create(), value.toString()).finish();
  const reader = Reader.create(bytes);
  if (isSafe(value)) {
    expect(read(reader, 'f')).toBe(Number(value));
    expect(reader.pos).toBe(bytes.length);
  } else {
    expect(() => read(reader, 'f')).toThrow(ProtoDecodeError);
  }
}

describe('64-bit readers', () => {
  const Long = protobuf.util.Long as unknown as { fromString(value: string, unsigned: boolean): protobuf.Long };
  const unsigned = (value: string) => Long.fromString(value, true);
  it('int64', () => fc.assert(fc.property(INT64, (v) => agrees((w, s) => w.int64(s), readInt64, v))));
  it('sint64', () => fc.assert(fc.property(INT64, (v) => agrees((w, s) => w.sint64(s), readSint64, v))));
  it('sfixed64', () => fc.assert(fc.property(INT64, (v) => agrees((w, s) => w.sfixed64(s), readSfixed64, v))));
  it('uint64', () => fc.assert(fc.property(UINT64, (v) => agrees((w, s) => w.uint64(unsigned(s)), readUint64, v))));
  it('fixed64', () => fc.assert(fc.property(UINT64, (v) => agrees((w, s) => w.fixed64(unsigned(s)), readFixed64, v))));

  it('reports truncation', () => {
    expect(() => readFixed64(Reader.create(new Uint8Array(7)), 'f')).toThrow(/f: truncated/);
    expect(() => readInt64(Reader.create(new Uint8Array([0x80])), 'f')).toThrow(/f: truncated/);
  });
});

describe('readString', () => {
  it('reads UTF-8 from Buffers and plain Uint8Arrays', () => {
    const bytes = protobuf.Writer.create().string('häfen ⛵').finish();
    expect(readString(Reader.create(Buffer.from(bytes)), 'f')).toBe('häfen ⛵');
    expect(readString(Reader.create(new Uint8Array(bytes)), 'f')).toBe('häfen ⛵');
  });

  it('rejects a length past the end instead of cutting the string', () => {
    expect(() => readString(Reader.create(new Uint8Array([5, 0x61])), 'f')).toThrow(/f: truncated/);
  });
});

describe('encode-side range checks', () => {
  it('accept in-range values and reject the rest', () => {
    expect(checkInt32(-(2 ** 31), 'f')).toBe(-(2 ** 31));
    expect(() => checkInt32(2 ** 31, 'f')).toThrow(/not an int32/);
    expect(checkUint32(2 ** 32 - 1, 'f')).toBe(2 ** 32 - 1);
    expect(() => checkUint32(-1, 'f')).toThrow(/not a uint32/);
    expect(checkInt64(Number.MIN_SAFE_INTEGER, 'f')).toBe(Number.MIN_SAFE_INTEGER);
    expect(() => checkInt64(0.5, 'f')).toThrow(/not a safe integer/);
    expect(() => checkUint64(-1, 'f')).toThrow(/non-negative/);
  });
});
