import { TributaryError } from '@tributary/errors';
import { readUuidBytes, UUID_BYTES } from '../records/uuid';
import { MAX_ARRAY_LENGTH, MAX_STRING_BYTES } from './limits';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const MAX_UVARINT_BYTES = 5;
const MAX_VARLONG_BYTES = 10;

/** A CORRUPT_MESSAGE error about a metadata record. */
export function corrupt(message: string): TributaryError {
  return new TributaryError('CORRUPT_MESSAGE', `metadata record: ${message}`);
}

/**
 * Reads what ByteWriter writes, checking every length and range against the
 * bytes that are left and the bounds in `limits.ts`, so garbage input fails
 * with CORRUPT_MESSAGE before any large allocation and never crashes.
 */
export class ByteReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  uvarint(what: string): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_UVARINT_BYTES; i++) {
      const byte = this.byte(what);
      if (i === MAX_UVARINT_BYTES - 1 && byte > 0x0f) throw corrupt(`${what}: varint does not fit in 32 bits`);
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
    throw corrupt(`${what}: varint longer than ${MAX_UVARINT_BYTES} bytes`);
  }

  /** A zig-zag int32, checked to lie in [min, max]. */
  int32(what: string, min = -0x8000_0000, max = 0x7fff_ffff): number {
    const z = this.uvarint(what);
    const value = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    return this.inRange(value, what, min, max);
  }

  /** A zig-zag varlong that must be a safe integer in [min, max]. */
  int64(what: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    let z = 0n;
    for (let i = 0; i < MAX_VARLONG_BYTES; i++) {
      const byte = this.byte(what);
      if (i === MAX_VARLONG_BYTES - 1 && byte > 0x01) throw corrupt(`${what}: varlong does not fit in 64 bits`);
      z |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) {
        const n = (z >> 1n) ^ -(z & 1n);
        if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw corrupt(`${what}: ${n} is not a safe integer`);
        }
        return this.inRange(Number(n), what, min, max);
      }
    }
    throw corrupt(`${what}: varlong longer than ${MAX_VARLONG_BYTES} bytes`);
  }

  int8(what: string): number {
    const byte = this.byte(what);
    return byte > 127 ? byte - 256 : byte;
  }

  bool(what: string): boolean {
    const byte = this.byte(what);
    if (byte > 1) throw corrupt(`${what}: boolean byte ${byte} is neither 0 nor 1`);
    return byte === 1;
  }

  uuid(what: string): string {
    this.need(UUID_BYTES, what);
    const value = readUuidBytes(this.buf, this.pos);
    this.pos += UUID_BYTES;
    return value;
  }

  string(what: string): string {
    const value = this.nullableString(what);
    if (value === null) throw corrupt(`${what}: null where a string is required`);
    return value;
  }

  nullableString(what: string): string | null {
    const lengthPlusOne = this.uvarint(what);
    if (lengthPlusOne === 0) return null;
    const length = lengthPlusOne - 1;
    if (length > MAX_STRING_BYTES) throw corrupt(`${what}: string of ${length} bytes is over ${MAX_STRING_BYTES}`);
    const bytes = this.bytes(length, what);
    try {
      return UTF8.decode(bytes);
    } catch {
      throw corrupt(`${what}: invalid UTF-8`);
    }
  }

  int32Array(what: string, min?: number, max?: number): number[] {
    const values = this.nullableInt32Array(what, min, max);
    if (values === null) throw corrupt(`${what}: null where an array is required`);
    return values;
  }

  nullableInt32Array(what: string, min?: number, max?: number): number[] | null {
    return this.arrayOf(what, () => this.int32(what, min, max));
  }

  /** A compact array; every element takes at least one byte, so the count is checked against what is left. */
  arrayOf<T>(what: string, readOne: () => T): T[] | null {
    const countPlusOne = this.uvarint(what);
    if (countPlusOne === 0) return null;
    const count = countPlusOne - 1;
    if (count > MAX_ARRAY_LENGTH) throw corrupt(`${what}: array of ${count} elements is over ${MAX_ARRAY_LENGTH}`);
    if (count > this.remaining) throw corrupt(`${what}: array of ${count} elements in ${this.remaining} bytes`);
    const values: T[] = [];
    for (let i = 0; i < count; i++) values.push(readOne());
    return values;
  }

  bytes(length: number, what: string): Uint8Array {
    this.need(length, what);
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(length: number, what: string): void {
    this.need(length, what);
    this.pos += length;
  }

  private byte(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }

  private need(length: number, what: string): void {
    if (length > this.remaining) throw corrupt(`${what}: needs ${length} bytes, ${this.remaining} left`);
  }

  private inRange(value: number, what: string, min: number, max: number): number {
    if (value < min || value > max) throw corrupt(`${what}: ${value} is outside [${min}, ${max}]`);
    return value;
  }
}
