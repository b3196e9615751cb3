import { crc32c } from '../crc32c';

/** Header fields for a hand-built batch; anything left out takes the usual "none" value. */
export interface RawBatchFields {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  magic?: number;
  attributes?: number;
  lastOffsetDelta?: number;
  baseTimestamp?: number;
  maxTimestamp?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  recordCount: number;
  /** Override batchLength (default: the real length). */
  batchLength?: number;
}

/**
 * Builds a v2 batch around an arbitrary records section with a correct CRC,
 * so tests can reach the record parser with bytes no encoder would write.
 */
export function buildRawBatch(section: Uint8Array, fields: RawBatchFields): Buffer {
  const out = Buffer.alloc(61 + section.length);
  out.writeBigInt64BE(BigInt(fields.baseOffset ?? 0), 0);
  out.writeInt32BE(fields.batchLength ?? out.length - 12, 8);
  out.writeInt32BE(fields.partitionLeaderEpoch ?? -1, 12);
  out.writeInt8(fields.magic ?? 2, 16);
  out.writeInt16BE(fields.attributes ?? 0, 21);
  out.writeInt32BE(fields.lastOffsetDelta ?? Math.max(fields.recordCount - 1, 0), 23);
  out.writeBigInt64BE(BigInt(fields.baseTimestamp ?? 0), 27);
  out.writeBigInt64BE(BigInt(fields.maxTimestamp ?? fields.baseTimestamp ?? 0), 35);
  out.writeBigInt64BE(BigInt(fields.producerId ?? -1), 43);
  out.writeInt16BE(fields.producerEpoch ?? -1, 51);
  out.writeInt32BE(fields.baseSequence ?? -1, 53);
  out.writeInt32BE(fields.recordCount, 57);
  out.set(section, 61);
  fixCrc(out);
  return out;
}

/** Rewrites the CRC of the batch at `at` to match its bytes (as far as batchLength and the buffer allow). */
export function fixCrc(buf: Buffer, at = 0): void {
  if (buf.length - at < 21) return;
  const end = Math.min(buf.length, at + 12 + Math.max(buf.readInt32BE(at + 8), 0));
  buf.writeUInt32BE(crc32c(buf.subarray(Math.min(at + 21, end), end)), at + 17);
}

/** Bit-at-a-time CRC32C straight from the polynomial: the reference the fast ones are checked against. */
export function crc32cBitwise(data: Uint8Array): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+|\|/g, ''), 'hex');
}
