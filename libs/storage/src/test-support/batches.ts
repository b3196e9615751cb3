import { type Prng, createPrng } from '@tributary/util';
import { decodeRecordBatch, encodeRecordBatch, iterateBatches } from '@tributary/records';

/** A batch of `count` records whose values are `valueBytes` bytes derived from `seed` (deterministic). */
export function makeBatch(options: { count?: number; valueBytes?: number; seed?: number; timestamp?: number; baseOffset?: number; epoch?: number } = {}): Buffer {
  const count = options.count ?? 1;
  const prng: Prng = createPrng(options.seed ?? 1);
  const ts = options.timestamp ?? 1_700_000_000_000;
  const records = Array.from({ length: count }, (_, i) => {
    const value = Buffer.allocUnsafe(options.valueBytes ?? 16);
    for (let j = 0; j < value.length; j++) value[j] = Math.floor(prng.next() * 256);
    return { key: Buffer.from(`k${options.seed ?? 1}-${i}`), value, timestamp: ts + i };
  });
  return encodeRecordBatch({ baseOffset: options.baseOffset ?? 0, partitionLeaderEpoch: options.epoch ?? -1, records });
}

/** Splits concatenated batches into { baseOffset, lastOffset, bytes } (no CRC check). */
export function splitBatches(buf: Buffer): { baseOffset: number; lastOffset: number; bytes: Buffer }[] {
  return [...iterateBatches(buf)].map((b) => ({
    baseOffset: b.header.baseOffset,
    lastOffset: b.header.baseOffset + b.header.lastOffsetDelta,
    bytes: buf.subarray(b.position, b.position + b.size),
  }));
}

/** Record values of every batch in `buf`, in order, as hex. */
export function recordKeys(buf: Buffer): string[] {
  const out: string[] = [];
  for (const b of splitBatches(buf)) for (const r of decodeRecordBatch(b.bytes).records) out.push(r.key?.toString() ?? '');
  return out;
}

/** Every batch of the log from its start, via `read` (each CRC-checked by the log). */
export function readAllBatches(log: { logStartOffset: number; logEndOffset: number; read(o: number, opts: { maxBytes: number }): { records: Buffer } }): {
  baseOffset: number;
  lastOffset: number;
  bytes: Buffer;
}[] {
  const out: { baseOffset: number; lastOffset: number; bytes: Buffer }[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, { maxBytes: 64 * 1024 });
    const batches = splitBatches(records);
    if (batches.length === 0) break;
    for (const b of batches) out.push({ ...b, bytes: Buffer.from(b.bytes) });
    offset = batches[batches.length - 1].lastOffset + 1;
  }
  return out;
}
