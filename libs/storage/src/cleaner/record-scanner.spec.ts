import fc from 'fast-check';
import { isTributaryError } from '@tributary/errors';
import { CompressionType, computeBatchCrc, CRC_OFFSET, decodeRecordBatch, encodeRecordBatch, RECORD_BATCH_OVERHEAD, validateRecordBatch } from '@tributary/records';
import { RecordScanner } from './record-scanner';

const recordArb = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 20 }), { nil: null }),
  value: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }),
  timestamp: fc.integer({ min: 0, max: 2 ** 40 }),
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 5 }), value: fc.option(fc.uint8Array({ maxLength: 5 }), { nil: null }) }), { maxLength: 2 }),
});
const batchArb = fc.record({
  records: fc.array(recordArb, { minLength: 1, maxLength: 20 }),
  compression: fc.constantFrom(CompressionType.None, CompressionType.Gzip, CompressionType.Lz4),
  baseOffset: fc.integer({ min: 0, max: 2 ** 40 }),
});

describe('RecordScanner', () => {
  it('finds what decodeRecordBatch finds: offsets, keys, null values, record bytes (property)', () => {
    const scanner = new RecordScanner();
    fc.assert(
      fc.property(batchArb, (input) => {
        const batch = encodeRecordBatch(input);
        const header = validateRecordBatch(batch, 0, { origin: 'log' });
        scanner.scan(batch, header);
        const decoded = decodeRecordBatch(batch).records;
        expect(scanner.count).toBe(decoded.length);
        decoded.forEach((r, i) => {
          expect(header.baseOffset + scanner.offsetDeltas[i]).toBe(r.offset);
          const key = scanner.keyLengths[i] < 0 ? null : Buffer.from(scanner.data.subarray(scanner.keyStarts[i], scanner.keyStarts[i] + scanner.keyLengths[i]));
          expect(key).toEqual(r.key === null ? null : Buffer.from(r.key));
          expect(scanner.valueIsNull[i] === 1).toBe(r.value === null);
        });
        // The record byte ranges tile the record section exactly (the batch's tail, or the decompressed records).
        expect(scanner.ends[scanner.count - 1]).toBe(scanner.data.length);
        for (let i = 1; i < scanner.count; i++) expect(scanner.starts[i]).toBe(scanner.ends[i - 1]);
      }),
    );
  });

  it('throws only CORRUPT_MESSAGE-style TributaryErrors on garbled records with a valid CRC, never reading past the end (property)', () => {
    const scanner = new RecordScanner();
    fc.assert(
      fc.property(batchArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (input, flips) => {
        const batch = encodeRecordBatch({ ...input, compression: CompressionType.None });
        for (const [at, mask] of flips) batch[RECORD_BATCH_OVERHEAD + (at % (batch.length - RECORD_BATCH_OVERHEAD))] ^= mask;
        batch.writeUInt32BE(computeBatchCrc(batch, 0, batch.length), CRC_OFFSET);
        const header = validateRecordBatch(batch, 0, { origin: 'log' });
        try {
          scanner.scan(batch, header);
        } catch (error) {
          expect(isTributaryError(error)).toBe(true);
          return;
        }
        for (let i = 0; i < scanner.count; i++) expect(scanner.ends[i]).toBeLessThanOrEqual(batch.length);
      }),
    );
  });
});
