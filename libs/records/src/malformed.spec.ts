/**
 * The malformed-input corpus: every way bytes can be wrong must end in a
 * TributaryError with a Kafka code — never a RangeError from deep inside,
 * never a crash, never an allocation sized by a corrupt length.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { TributaryError } from '@tributary/errors';
import {
  CompressionType,
  decodeRecordBatch,
  encodeControlBatch,
  encodeRecordBatch,
  encodeVarint,
  iterateBatches,
  validateRecordBatch,
} from './index';
import { buildRawBatch, fixCrc, hex } from './test-support/batch-builder';

type Code = 'CORRUPT_MESSAGE' | 'INVALID_RECORD' | 'MESSAGE_TOO_LARGE';
const STRUCTURAL: Code[] = ['CORRUPT_MESSAGE', 'INVALID_RECORD'];
/** A flipped bit inside compressed data may also make it claim more than the cap. */
const ANY: Code[] = ['CORRUPT_MESSAGE', 'INVALID_RECORD', 'MESSAGE_TOO_LARGE'];

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectCode(fn: () => unknown, codes: Code[], message?: RegExp): void {
  const error = thrown(fn);
  if (!(error instanceof TributaryError)) throw new Error(`expected a TributaryError, got ${String(error)}`);
  expect(codes).toContain(error.codeName);
  if (message) expect(error.message).toMatch(message);
}

/** Runs `fn`; it may succeed, but if it throws it must be a TributaryError with one of `codes`. */
function expectCleanOutcome(fn: () => unknown, codes: Code[]): void {
  const error = thrown(fn);
  if (error === undefined) return;
  if (!(error instanceof TributaryError)) throw new Error(`expected a TributaryError, got ${String(error)}`);
  expect(codes).toContain(error.codeName);
}

const b = (s: string) => Buffer.from(s);
const records = [
  { key: b('key-1'), value: b('value one'), timestamp: 1_700_000_000_000, headers: [{ key: 'trace', value: b('abc') }, { key: 'n', value: null }] },
  { key: null, value: b('value two, a little longer than the first one'), timestamp: 1_700_000_000_250 },
  { key: b('k3'), value: null, timestamp: 1_699_999_999_000 },
];

const corpus: [string, Buffer][] = [
  ['uncompressed', encodeRecordBatch({ baseOffset: 42, producerId: 9, producerEpoch: 0, baseSequence: 3, records })],
  ['control', encodeControlBatch({ type: 'ABORT', producerId: 5, producerEpoch: 1, coordinatorEpoch: 2, timestamp: 1 })],
  ...[CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd].map(
    (compression): [string, Buffer] => [CompressionType[compression], encodeRecordBatch({ compression, records })],
  ),
];

describe.each(corpus)('malformed %s batch', (_name, good) => {
  it('is fine as it is', () => {
    expect(decodeRecordBatch(good).records.length).toBeGreaterThan(0);
  });

  it('fails cleanly when truncated at every byte position', () => {
    for (let length = 0; length < good.length; length++) {
      const cut = good.subarray(0, length);
      expectCode(() => decodeRecordBatch(cut), ['CORRUPT_MESSAGE'], /needs|truncated/);
      expectCode(() => validateRecordBatch(cut, 0, { origin: 'log' }), ['CORRUPT_MESSAGE']);
      // A whole batch then a partial one (an empty tail is no batch at all).
      if (length > 0) expectCode(() => [...iterateBatches(Buffer.concat([good, cut]))], ['CORRUPT_MESSAGE']);
    }
  });

  it('fails cleanly when truncated with batchLength and CRC made to match (reaches the record parser)', () => {
    for (let length = 61; length < good.length; length++) {
      const cut = Buffer.from(good.subarray(0, length));
      cut.writeInt32BE(length - 12, 8);
      fixCrc(cut);
      expectCode(() => decodeRecordBatch(cut), STRUCTURAL);
    }
  });

  it('fails the CRC check for every flipped bit the CRC covers', () => {
    for (let bit = 21 * 8; bit < good.length * 8; bit++) {
      const bad = Buffer.from(good);
      bad[bit >> 3] ^= 1 << (bit & 7);
      expectCode(() => decodeRecordBatch(bad), ['CORRUPT_MESSAGE']);
      expectCode(() => validateRecordBatch(bad, 0, { origin: 'log' }), ['CORRUPT_MESSAGE']);
    }
  });

  it('handles every flipped bit in the fields before the CRC (baseOffset, batchLength, epoch, magic, CRC)', () => {
    for (let bit = 0; bit < 21 * 8; bit++) {
      const bad = Buffer.from(good);
      bad[bit >> 3] ^= 1 << (bit & 7);
      const inLengthMagicOrCrc = (bit >= 64 && bit < 96) || bit >= 128;
      if (inLengthMagicOrCrc) expectCode(() => decodeRecordBatch(bad), ['CORRUPT_MESSAGE']);
      else expectCleanOutcome(() => decodeRecordBatch(bad), ['CORRUPT_MESSAGE']);
    }
  });

  it('fails cleanly (or decodes) for every flipped bit when the CRC is made to match', () => {
    for (let bit = 21 * 8; bit < good.length * 8; bit++) {
      const bad = Buffer.from(good);
      bad[bit >> 3] ^= 1 << (bit & 7);
      fixCrc(bad);
      expectCleanOutcome(() => decodeRecordBatch(bad), ANY);
      expectCleanOutcome(() => validateRecordBatch(bad), ANY);
    }
  });
});

/** A record's bytes: length varint then body, from parts given as hex. */
function record(...parts: string[]): Buffer {
  const body = hex(parts.join(''));
  return Buffer.concat([encodeVarint(body.length), body]);
}
const v = (n: number) => encodeVarint(n).toString('hex');
/** attributes 0, timestampDelta 0, offsetDelta 0. */
const PREFIX = '00 00 00';

describe('hand-made malformed records (valid CRC)', () => {
  const raw = (section: Buffer, recordCount = 1, extra = {}) => buildRawBatch(section, { recordCount, ...extra });

  it('accepts the well-formed base case', () => {
    expect(decodeRecordBatch(raw(record(PREFIX, '02 6b', '02 76', '00'))).records[0].value).toEqual(b('v'));
  });

  it.each([
    ['a key length far past the end', record(PREFIX, v(2 ** 31 - 1), '6b', '02 76', '00'), /key length 2147483647 exceeds/],
    ['a value length far past the end', record(PREFIX, '01', v(1_000_000), '00'), /value length 1000000 exceeds/],
    ['a key length of -2', record(PREFIX, v(-2), '02 76', '00'), /key length -2 is negative/],
    ['a record length past the section', Buffer.concat([encodeVarint(1000), hex('00 00 00 01 01 00')]), /size 1000 does not fit/],
    ['a negative record length', Buffer.concat([encodeVarint(-5), hex('00 00 00 01 01 00')]), /size -5/],
    ['a zero record length', hex('00 00 00 00 01 01 00'), /empty/],
    ['a 6-byte varint record length', hex('ffffffffff01 00 00 00 01 01 00'), /overflows 32 bits/],
    ['an 11-byte varlong timestampDelta', record('00', 'ffffffffffffffffff01', '00 01 01 00'), /overflows 64 bits|not a safe/],
    ['an unsafe timestampDelta', record('00', '80808080808080808001', '00 01 01 00'), /not a safe integer/],
    ['a header count far past the end', record(PREFIX, '01 01', v(2 ** 30)), /headers cannot fit/],
    ['a header key length past the end', record(PREFIX, '01 01', '02', v(100), '61'), /header 0 key size 100 exceeds/],
    ['a header value length past the end', record(PREFIX, '01 01', '02', '02 61', v(50)), /header value length 50 exceeds/],
    ['a varint cut off by the record end', record(PREFIX, '01 01 02 02 61', '80'), /past the end/],
    ['bytes left over after the records', Buffer.concat([record(PREFIX, '01 01 00'), hex('00')]), /left over/],
  ])('%s → CORRUPT_MESSAGE', (_what, section, message) => {
    expectCode(() => decodeRecordBatch(raw(section)), ['CORRUPT_MESSAGE'], message);
  });

  it.each([
    ['a negative header count', record(PREFIX, '01 01', v(-1)), /invalid header count -1/],
    ['a negative header key length', record(PREFIX, '01 01', '02', v(-1), '01'), /negative key size/],
    ['a record longer than its fields', record(PREFIX, '01 01 00', '00'), /size 7 declared but 6 bytes read/],
    ['an offsetDelta past lastOffsetDelta', record('00 00', v(5), '01 01 00'), /offsetDelta 5/],
    ['a negative offsetDelta', record('00 00', v(-1), '01 01 00'), /offsetDelta -1/],
  ])('%s → INVALID_RECORD', (_what, section, message) => {
    expectCode(() => decodeRecordBatch(raw(section)), ['INVALID_RECORD'], message);
  });

  it('rejects repeated offsetDeltas', () => {
    const section = Buffer.concat([record('00 00 00 01 01 00'), record('00 00 00 01 01 00')]);
    expectCode(() => decodeRecordBatch(raw(section, 2)), ['INVALID_RECORD'], /offsetDelta 0/);
  });

  it('rejects a huge recordCount before allocating anything', () => {
    for (const count of [2 ** 31 - 1, 1_000_000, 2]) {
      const bad = raw(record(PREFIX, '01 01 00'), count, { lastOffsetDelta: 2 ** 31 - 2 });
      expectCode(() => decodeRecordBatch(bad), ['CORRUPT_MESSAGE'], /recordCount|past the end/);
    }
    expectCode(() => decodeRecordBatch(raw(hex(''), -1)), ['CORRUPT_MESSAGE'], /recordCount -1 is negative/);
  });

  it('rejects a huge recordCount inside a compressed batch', () => {
    const compressed = gzipSync(record(PREFIX, '01 01 00'));
    const bad = buildRawBatch(compressed, { recordCount: 2 ** 31 - 1, lastOffsetDelta: 2 ** 31 - 2, attributes: CompressionType.Gzip });
    expectCode(() => decodeRecordBatch(bad), ['CORRUPT_MESSAGE'], /cannot fit/);
  });

  it('rejects header fields that are not safe integers or are inconsistent', () => {
    const section = record(PREFIX, '01 01 00');
    const unsafe = raw(section, 1);
    unsafe.writeBigInt64BE(2n ** 60n, 27);
    fixCrc(unsafe);
    expectCode(() => decodeRecordBatch(unsafe), ['CORRUPT_MESSAGE'], /baseTimestamp .* not a safe integer/);
    expectCode(() => decodeRecordBatch(raw(section, 1, { baseOffset: -5 })), ['CORRUPT_MESSAGE'], /baseOffset -5/);
    expectCode(() => decodeRecordBatch(raw(section, 1, { lastOffsetDelta: -1 })), ['CORRUPT_MESSAGE'], /lastOffsetDelta -1/);
    expectCode(() => decodeRecordBatch(raw(section, 1, { baseOffset: 2 ** 53 - 2, lastOffsetDelta: 5 })), ['CORRUPT_MESSAGE'], /last offset/);
    expectCode(() => decodeRecordBatch(raw(section, 1, { magic: 1 })), ['CORRUPT_MESSAGE'], /magic 1/);
    expectCode(() => decodeRecordBatch(raw(section, 1, { batchLength: 48 })), ['CORRUPT_MESSAGE'], /batchLength 48/);
    expectCode(() => decodeRecordBatch(raw(section, 1, { batchLength: 2 ** 31 - 1 })), ['CORRUPT_MESSAGE'], /truncated/);
    expectCode(() => decodeRecordBatch(raw(section, 1, { batchLength: -1 })), ['CORRUPT_MESSAGE'], /batchLength -1/);
    expectCode(() => decodeRecordBatch(raw(section, 1, { attributes: 6 })), ['CORRUPT_MESSAGE'], /unknown compression type 6/);
  });

  it('survives random bytes behind a valid header (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 0, max: 300 }),
        fc.constantFrom(0, 1, 2, 3, 4),
        (section, recordCount, compression) => {
          const bad = buildRawBatch(section, { recordCount, lastOffsetDelta: Math.max(recordCount - 1, 0), attributes: compression });
          expectCleanOutcome(() => decodeRecordBatch(bad), ANY);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('survives random records built from plausible pieces (property)', () => {
    const varintPiece = fc.oneof(
      fc.integer({ min: -3, max: 40 }).map((n) => encodeVarint(n).toString('hex')),
      fc.constantFrom('ff', '80', 'ffffffff0f', 'ffffffffff01', '01', '00'),
    );
    fc.assert(
      fc.property(fc.array(fc.array(varintPiece, { maxLength: 12 }), { minLength: 1, maxLength: 4 }), fc.boolean(), (recs, lengthPrefixed) => {
        const section = Buffer.concat(recs.map((parts) => (lengthPrefixed ? record(...parts) : hex(parts.join('')))));
        const bad = buildRawBatch(section, { recordCount: recs.length });
        expectCleanOutcome(() => decodeRecordBatch(bad), ANY);
      }),
      { numRuns: 1000 },
    );
  });
});
