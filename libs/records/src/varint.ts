import { TributaryError } from '@tributary/errors';

/**
 * Kafka's zigzag varints (protobuf style): a varint carries a signed int32 in
 * 1–5 bytes, a varlong a signed int64 in 1–10 bytes. Varlongs are limited to
 * JavaScript safe integers: a varlong whose value is not a safe integer is
 * CORRUPT_MESSAGE, as is any varint longer than its type allows.
 */

const TWO_27 = 2 ** 27;

function corrupt(message: string): TributaryError {
  return new TributaryError('CORRUPT_MESSAGE', message);
}

/** Bytes needed for the zigzag varint of the int32 `value`. */
export function sizeOfVarint(value: number): number {
  const z = ((value << 1) ^ (value >> 31)) >>> 0;
  if (z < 0x80) return 1;
  if (z < 0x4000) return 2;
  if (z < 0x200000) return 3;
  if (z < 0x10000000) return 4;
  return 5;
}

/** Bytes needed for the zigzag varlong of the safe integer `value`. */
export function sizeOfVarlong(value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return sizeOfVarint(value);
  // zigzag(v) = 2m + s with m = v or -v-1; it fits in 7k bits iff m < 2^(7k-1).
  const m = value >= 0 ? value : -value - 1;
  let k = 5;
  let limit = 2 ** 34;
  while (m >= limit) {
    k++;
    limit *= 128;
  }
  return k;
}

/** Writes the zigzag varint of the int32 `value` at `at`; returns the position after it. */
export function writeVarint(buf: Uint8Array, at: number, value: number): number {
  let z = ((value << 1) ^ (value >> 31)) >>> 0;
  while (z >= 0x80) {
    buf[at++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[at++] = z;
  return at;
}

/** Writes the zigzag varlong of the safe integer `value` at `at`; returns the position after it. */
export function writeVarlong(buf: Uint8Array, at: number, value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return writeVarint(buf, at, value);
  // Split zigzag(value) into a low 28-bit and a high part so no step loses precision.
  const negative = value < 0;
  const m = negative ? -value - 1 : value;
  let hi = Math.floor(m / TWO_27);
  let lo = (m - hi * TWO_27) * 2 + (negative ? 1 : 0);
  while (hi > 0 || lo >= 0x80) {
    buf[at++] = (lo & 0x7f) | 0x80;
    lo = (lo >>> 7) | ((hi & 0x7f) << 21);
    hi = Math.floor(hi / 128);
  }
  buf[at++] = lo;
  return at;
}

/**
 * A bounds-checked reader over `buf[pos, end)`. Every read checks the bytes
 * left first and throws CORRUPT_MESSAGE instead of reading past `end`.
 */
export class ByteReader {
  constructor(
    public buf: Buffer,
    public pos: number,
    public end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Reads a zigzag int32 varint. */
  readVarint(): number {
    const buf = this.buf;
    let pos = this.pos;
    const end = this.end;
    if (pos >= end) throw corrupt('varint runs past the end of its field');
    let b = buf[pos++];
    let z = b & 0x7f;
    if (b >= 0x80) {
      let shift = 7;
      for (;;) {
        if (pos >= end) throw corrupt('varint runs past the end of its field');
        b = buf[pos++];
        if (shift === 28) {
          if (b > 0x0f) throw corrupt('varint overflows 32 bits');
          z |= b << 28;
          break;
        }
        z |= (b & 0x7f) << shift;
        if (b < 0x80) break;
        shift += 7;
      }
    }
    this.pos = pos;
    return (z >>> 1) ^ -(z & 1);
  }

  /** Reads a zigzag varlong whose value must be a safe integer. */
  readVarlong(): number {
    const buf = this.buf;
    let pos = this.pos;
    const end = this.end;
    // Low 28 bits as an int, the rest as a float: both exact.
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b: number;
    do {
      if (pos >= end) throw corrupt('varlong runs past the end of its field');
      b = buf[pos++];
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift < 63) hi += (b & 0x7f) * 2 ** (shift - 28);
      else if (b > 1) throw corrupt('varlong overflows 64 bits'); // the 10th byte holds bit 63 only
      else hi += b * 2 ** 35;
      shift += 7;
    } while (b >= 0x80);
    this.pos = pos;
    if (hi === 0) return (lo >>> 1) ^ -(lo & 1);
    // zigzag: magnitude = z >>> 1, sign = z & 1; z = hi * 2^28 + lo.
    if (hi >= 2 ** 26) throw corrupt('varlong is not a safe integer');
    const magnitude = hi * TWO_27 + (lo >>> 1);
    const value = lo & 1 ? -magnitude - 1 : magnitude;
    if (!Number.isSafeInteger(value)) throw corrupt('varlong is not a safe integer');
    return value;
  }
}

/** Reads a zigzag varint at `at`, bounded by `end` (default the buffer's end). */
export function readVarint(buf: Buffer, at = 0, end = buf.length): { value: number; next: number } {
  const reader = new ByteReader(buf, at, end);
  const value = reader.readVarint();
  return { value, next: reader.pos };
}

/** Reads a zigzag varlong (a safe integer) at `at`, bounded by `end` (default the buffer's end). */
export function readVarlong(buf: Buffer, at = 0, end = buf.length): { value: number; next: number } {
  const reader = new ByteReader(buf, at, end);
  const value = reader.readVarlong();
  return { value, next: reader.pos };
}

/** Encodes one zigzag varint into a new buffer (for tests and cold paths). */
export function encodeVarint(value: number): Buffer {
  const out = Buffer.allocUnsafe(sizeOfVarint(value));
  writeVarint(out, 0, value);
  return out;
}

/** Encodes one zigzag varlong into a new buffer (for tests and cold paths). */
export function encodeVarlong(value: number): Buffer {
  const out = Buffer.allocUnsafe(sizeOfVarlong(value));
  writeVarlong(out, 0, value);
  return out;
}
