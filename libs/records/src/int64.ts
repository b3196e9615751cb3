import { TributaryError } from '@tributary/errors';

const TWO_32 = 2 ** 32;

/**
 * Reads a big-endian int64 that must be a safe integer, without BigInt.
 * Throws CORRUPT_MESSAGE naming `what` otherwise. The caller checks bounds.
 */
export function readSafeInt64Fast(buf: Buffer, at: number, what: string): number {
  const hi = (buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3];
  const lo = ((buf[at + 4] << 24) | (buf[at + 5] << 16) | (buf[at + 6] << 8) | buf[at + 7]) >>> 0;
  // Exact whenever |hi| <= 2^21, the range of safe integers; outside it the result is >= 2^53 in magnitude.
  const value = hi * TWO_32 + lo;
  if (!Number.isSafeInteger(value)) {
    throw new TributaryError('CORRUPT_MESSAGE', `${what} ${buf.readBigInt64BE(at)} is not a safe integer`);
  }
  return value;
}

/** Writes a safe integer as a big-endian int64, without BigInt. */
export function writeInt64(buf: Buffer, at: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  const lo = value - hi * TWO_32;
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(lo, at + 4);
}
