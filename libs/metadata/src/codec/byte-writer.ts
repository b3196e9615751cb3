import { assert } from '@tributary/util';
import { isCanonicalUuid, UUID_BYTES, writeUuidBytes } from '../records/uuid';
import { MAX_ARRAY_LENGTH, MAX_STRING_BYTES } from './limits';

const INITIAL_CAPACITY = 64;
const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `value` encodes to at most MAX_STRING_BYTES of UTF-8 and round-trips
 * (no lone surrogates). Request validation checks user strings with this so
 * that encoding never meets a string it must refuse.
 */
export function isEncodableString(value: string): boolean {
  return !LONE_SURROGATE.test(value) && Buffer.byteLength(value, 'utf8') <= MAX_STRING_BYTES;
}

/**
 * Appends metadata-record primitives to a growing buffer: Kafka's unsigned
 * varints for lengths, zig-zag varints/varlongs for signed numbers, compact
 * (length + 1, 0 = null) strings and arrays. Values out of range are bugs in
 * the caller (records are validated before they are encoded), so they assert.
 */
export class ByteWriter {
  private buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
  private pos = 0;

  /** The bytes written so far, as a fresh buffer. */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  uvarint(value: number): void {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff, () => `uvarint out of range: ${value}`);
    this.ensure(5);
    let v = value;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** A signed int32 as a zig-zag varint. */
  int32(value: number, what: string): void {
    assert(Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX, () => `${what} is not an int32: ${value}`);
    this.uvarint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** A signed safe integer as a zig-zag varlong (at most 10 bytes). */
  int64(value: number, what: string): void {
    assert(Number.isSafeInteger(value), () => `${what} is not a safe integer: ${value}`);
    const n = BigInt(value);
    let z = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
    this.ensure(10);
    while (z > 0x7fn) {
      this.buf[this.pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.pos++] = Number(z);
  }

  int8(value: number, what: string): void {
    assert(Number.isInteger(value) && value >= -128 && value <= 127, () => `${what} is not an int8: ${value}`);
    this.ensure(1);
    this.buf.writeInt8(value, this.pos);
    this.pos += 1;
  }

  bool(value: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  uuid(value: string, what: string): void {
    assert(isCanonicalUuid(value), () => `${what} is not a canonical UUID: ${value}`);
    this.ensure(UUID_BYTES);
    writeUuidBytes(value, this.buf, this.pos);
    this.pos += UUID_BYTES;
  }

  string(value: string, what: string): void {
    this.nullableString(value, what);
  }

  nullableString(value: string | null, what: string): void {
    if (value === null) {
      this.uvarint(0);
      return;
    }
    assert(isEncodableString(value), () => `${what} is not an encodable string (lone surrogate or over ${MAX_STRING_BYTES} bytes)`);
    const bytes = Buffer.from(value, 'utf8');
    this.uvarint(bytes.length + 1);
    this.raw(bytes);
  }

  int32Array(values: readonly number[], what: string): void {
    this.nullableInt32Array(values, what);
  }

  nullableInt32Array(values: readonly number[] | null, what: string): void {
    this.arrayOf(values, what, (v) => this.int32(v, what));
  }

  /** A compact array whose elements `writeOne` writes. */
  arrayOf<T>(values: readonly T[] | null, what: string, writeOne: (value: T) => void): void {
    if (values === null) {
      this.uvarint(0);
      return;
    }
    assert(values.length <= MAX_ARRAY_LENGTH, () => `${what} has ${values.length} elements, over ${MAX_ARRAY_LENGTH}`);
    this.uvarint(values.length + 1);
    for (const v of values) writeOne(v);
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
