import { TributaryError } from '@tributary/errors';
import { crc32c, readSafeInt64Fast, writeInt64 } from '@tributary/records';
import { NUM_BATCHES_TO_RETAIN, type ProducerBatch, type ProducerEntry } from './producer-state';

/** The snapshot format version this build writes and reads. */
export const PRODUCER_SNAPSHOT_VERSION = 1;

// Layout (big-endian): version int16 · crc32c uint32 (over everything after it) · entryCount int32 ·
// entries: producerId int64 · producerEpoch int16 · lastTimestampMs int64 · batchCount int8 ·
// batches: baseSequence int32 · lastSequence int32 · firstOffset int64 · lastOffset int64 · maxTimestampMs int64.
const HEADER_BYTES = 2 + 4 + 4;
const CRC_AT = 2;
const ENTRY_BYTES = 8 + 2 + 8 + 1;
const BATCH_BYTES = 4 + 4 + 8 + 8 + 8;
/** Bound on entries a snapshot may declare, so a garbled count cannot drive a huge allocation. */
export const MAX_SNAPSHOT_ENTRIES = 1_000_000;

function corrupt(message: string): TributaryError {
  return new TributaryError('CORRUPT_MESSAGE', `producer snapshot: ${message}`);
}

/**
 * Encodes a partition's producer state (Kafka's producer snapshot, our own
 * versioned layout with a CRC32C), for `Log.writeProducerSnapshot`.
 * Deterministic: entries are written in ascending producer id order.
 */
export function encodeProducerSnapshot(entries: Iterable<ProducerEntry>): Buffer {
  const sorted = [...entries].sort((a, b) => a.producerId - b.producerId);
  let size = HEADER_BYTES;
  for (const e of sorted) size += ENTRY_BYTES + e.batches.length * BATCH_BYTES;
  const out = Buffer.alloc(size);
  out.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, 0);
  out.writeInt32BE(sorted.length, 6);
  let at = HEADER_BYTES;
  for (const e of sorted) {
    writeInt64(out, at, e.producerId);
    out.writeInt16BE(e.producerEpoch, at + 8);
    writeInt64(out, at + 10, e.lastTimestampMs);
    out.writeInt8(e.batches.length, at + 18);
    at += ENTRY_BYTES;
    for (const b of e.batches) {
      out.writeInt32BE(b.baseSequence, at);
      out.writeInt32BE(b.lastSequence, at + 4);
      writeInt64(out, at + 8, b.firstOffset);
      writeInt64(out, at + 16, b.lastOffset);
      writeInt64(out, at + 24, b.maxTimestampMs);
      at += BATCH_BYTES;
    }
  }
  out.writeUInt32BE(crc32c(out.subarray(CRC_AT + 4)), CRC_AT);
  return out;
}

/**
 * Decodes a snapshot written by {@link encodeProducerSnapshot}. Throws
 * CORRUPT_MESSAGE for a wrong CRC, truncated or trailing bytes, or values out
 * of range, and UNSUPPORTED_VERSION for a version this build does not read.
 */
export function decodeProducerSnapshot(bytes: Buffer): ProducerEntry[] {
  if (bytes.length < HEADER_BYTES) throw corrupt(`${bytes.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  const version = bytes.readInt16BE(0);
  if (version !== PRODUCER_SNAPSHOT_VERSION) throw new TributaryError('UNSUPPORTED_VERSION', `producer snapshot version ${version} is not supported`);
  const stored = bytes.readUInt32BE(CRC_AT);
  const computed = crc32c(bytes.subarray(CRC_AT + 4));
  if (stored !== computed) throw corrupt(`stored CRC ${stored} does not match computed CRC ${computed}`);
  const count = bytes.readInt32BE(6);
  if (count < 0 || count > MAX_SNAPSHOT_ENTRIES || count * ENTRY_BYTES > bytes.length - HEADER_BYTES) throw corrupt(`entry count ${count} does not fit`);
  const entries: ProducerEntry[] = [];
  let at = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + ENTRY_BYTES > bytes.length) throw corrupt(`entry ${i} is truncated`);
    const producerId = readSafeInt64Fast(bytes, at, 'producerId');
    const producerEpoch = bytes.readInt16BE(at + 8);
    const lastTimestampMs = readSafeInt64Fast(bytes, at + 10, 'lastTimestampMs');
    const batchCount = bytes.readInt8(at + 18);
    at += ENTRY_BYTES;
    if (producerId < 0 || producerEpoch < 0) throw corrupt(`entry ${i} has producer id ${producerId} epoch ${producerEpoch}`);
    if (batchCount < 0 || batchCount > NUM_BATCHES_TO_RETAIN) throw corrupt(`entry ${i} has ${batchCount} batches`);
    if (at + batchCount * BATCH_BYTES > bytes.length) throw corrupt(`entry ${i}'s batches are truncated`);
    const batches: ProducerBatch[] = [];
    for (let j = 0; j < batchCount; j++) {
      const batch: ProducerBatch = {
        baseSequence: bytes.readInt32BE(at),
        lastSequence: bytes.readInt32BE(at + 4),
        firstOffset: readSafeInt64Fast(bytes, at + 8, 'firstOffset'),
        lastOffset: readSafeInt64Fast(bytes, at + 16, 'lastOffset'),
        maxTimestampMs: readSafeInt64Fast(bytes, at + 24, 'maxTimestampMs'),
      };
      if (batch.baseSequence < 0 || batch.lastSequence < 0 || batch.firstOffset < 0 || batch.lastOffset < batch.firstOffset) {
        throw corrupt(`entry ${i} batch ${j} has impossible sequences or offsets`);
      }
      batches.push(batch);
      at += BATCH_BYTES;
    }
    entries.push({ producerId, producerEpoch, lastTimestampMs, batches });
  }
  if (at !== bytes.length) throw corrupt(`${bytes.length - at} trailing bytes`);
  return entries;
}
