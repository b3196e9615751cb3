import fc from 'fast-check';
import { TributaryError } from '@tributary/errors';
import { decodeProducerSnapshot, encodeProducerSnapshot } from './producer-snapshot-codec';
import { NUM_BATCHES_TO_RETAIN, type ProducerEntry } from './producer-state';

const offset = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 1_000_000 });
const batchArb = fc.record({
  baseSequence: fc.integer({ min: 0, max: 0x7fffffff }),
  lastSequence: fc.integer({ min: 0, max: 0x7fffffff }),
  firstOffset: offset,
  span: fc.integer({ min: 0, max: 1000 }),
  maxTimestampMs: fc.integer({ min: -1, max: 2 ** 45 }),
});
const entryArb = fc.record({
  producerId: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  producerEpoch: fc.integer({ min: 0, max: 0x7fff }),
  lastTimestampMs: fc.integer({ min: -1, max: 2 ** 45 }),
  batches: fc.array(batchArb, { maxLength: NUM_BATCHES_TO_RETAIN }),
});
const entriesArb = fc.uniqueArray(entryArb, { selector: (e) => e.producerId, maxLength: 20 }).map((entries) =>
  entries.map(
    (e): ProducerEntry => ({
      ...e,
      batches: e.batches.map((b) => ({ baseSequence: b.baseSequence, lastSequence: b.lastSequence, firstOffset: b.firstOffset, lastOffset: b.firstOffset + b.span, maxTimestampMs: b.maxTimestampMs })),
    }),
  ),
);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof TributaryError) return error.codeName;
    throw error;
  }
  return 'NONE';
}

describe('producer snapshot codec', () => {
  it('round-trips any producer state, entries sorted by producer id', () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const decoded = decodeProducerSnapshot(encodeProducerSnapshot(entries));
        expect(decoded).toEqual([...entries].sort((a, b) => a.producerId - b.producerId));
      }),
    );
  });

  it('rejects every flipped bit as CORRUPT_MESSAGE (CRC32C) or UNSUPPORTED_VERSION (version field)', () => {
    fc.assert(
      fc.property(entriesArb.filter((e) => e.length > 0), fc.nat(), fc.integer({ min: 0, max: 7 }), (entries, at, bit) => {
        const bytes = encodeProducerSnapshot(entries);
        const i = at % bytes.length;
        bytes[i] ^= 1 << bit;
        expect(codeOf(() => decodeProducerSnapshot(bytes))).toBe(i < 2 ? 'UNSUPPORTED_VERSION' : 'CORRUPT_MESSAGE');
      }),
    );
  });

  it('rejects truncated and extended snapshots', () => {
    const bytes = encodeProducerSnapshot([{ producerId: 7, producerEpoch: 1, lastTimestampMs: 5, batches: [{ baseSequence: 0, lastSequence: 4, firstOffset: 10, lastOffset: 14, maxTimestampMs: 5 }] }]);
    for (let n = 0; n < bytes.length; n++) expect(codeOf(() => decodeProducerSnapshot(bytes.subarray(0, n)))).toBe('CORRUPT_MESSAGE');
    expect(codeOf(() => decodeProducerSnapshot(Buffer.concat([bytes, Buffer.alloc(1)])))).toBe('CORRUPT_MESSAGE');
  });

  it('encodes the empty state', () => {
    expect(decodeProducerSnapshot(encodeProducerSnapshot([]))).toEqual([]);
  });
});
