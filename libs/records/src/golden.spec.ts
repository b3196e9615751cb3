/**
 * Golden byte vectors derived by hand from the RecordBatch v2 layout
 * (https://kafka.apache.org/documentation/#recordbatch): every byte is
 * accounted for in the comments. CRCs are CRC32C over attributes→end, checked
 * against a bit-at-a-time reference implementation of the polynomial.
 */
import {
  CompressionType,
  decodeControlRecord,
  decodeRecordBatch,
  encodeControlBatch,
  encodeRecordBatch,
  TimestampType,
  validateRecordBatch,
} from './index';
import { crc32cBitwise, hex } from './test-support/batch-builder';

const b = (s: string) => Buffer.from(s, 'utf8');
const TS = 1_700_000_000_000; // 0x0000018bcfe56800: 395 * 2^32 + 3487918080

describe('golden vectors', () => {
  it('one record, key "k", value "v", ts 1700000000000', () => {
    // Record: attributes 00 | timestampDelta 0 → 00 | offsetDelta 0 → 00 | key length 1 → zigzag 2 → 02 | 'k' 6b
    //   | value length 1 → 02 | 'v' 76 | header count 0 → 00. Body = 8 bytes, so length = zigzag(8) = 16 → 10.
    const expected = hex(`
      0000000000000000 | 0000003a | ffffffff | 02 | e99b8dd8 | 0000 | 00000000
      0000018bcfe56800 | 0000018bcfe56800 | ffffffffffffffff | ffff | ffffffff | 00000001
      10 00 00 00 02 6b 02 76 00`);
    // baseOffset 0 | batchLength 58 = 61 - 12 + 9 | partitionLeaderEpoch -1 | magic 2 | CRC | attributes 0 (none,
    // CreateTime) | lastOffsetDelta 0 | baseTimestamp | maxTimestamp | producerId -1 | producerEpoch -1 |
    // baseSequence -1 | record count 1 | the record.
    expect(crc32cBitwise(expected.subarray(21))).toBe(0xe99b8dd8);
    const encoded = encodeRecordBatch({ records: [{ key: b('k'), value: b('v'), timestamp: TS }] });
    expect(encoded.toString('hex')).toBe(expected.toString('hex'));
    const batch = decodeRecordBatch(expected);
    expect(batch.records).toEqual([
      { offset: 0, timestamp: TS, key: b('k'), value: b('v'), headers: [], offsetDelta: 0, timestampDelta: 0, attributes: 0 },
    ]);
  });

  it('two records with headers, a null key, a null value and a producer id', () => {
    // Record 0 (ts 1000, offsetDelta 0): 00 attributes | 00 tsDelta | 00 offsetDelta | 01 key null (zigzag -1)
    //   | 04 value length 2 | 68 69 "hi" | 04 two headers | 02 61 key "a" | 02 62 value "b" | 02 6e key "n"
    //   | 01 value null. Body 15 bytes → length zigzag(15) = 30 → 1e.
    // Record 1 (ts 1300): 00 | tsDelta 300 → zigzag 600 = 0b100_1011000 → d8 04 | 02 offsetDelta 1 | 04 6b 32 key
    //   "k2" | 01 value null | 00 no headers. Body 9 bytes → 12.
    const expected = hex(`
      0000000000000005 | 0000004b | 00000003 | 02 | 614fdf93 | 0000 | 00000001
      00000000000003e8 | 0000000000000514 | 00000000000003e8 | 0002 | 00000007 | 00000002
      1e 00 00 00 01 04 6869 04 02 61 02 62 02 6e 01
      12 00 d804 02 04 6b32 01 00`);
    // baseOffset 5 | batchLength 75 = 49 + 16 + 10 | leader epoch 3 | magic 2 | CRC | attributes 0 |
    // lastOffsetDelta 1 | baseTimestamp 1000 | maxTimestamp 1300 | producerId 1000 | producerEpoch 2 |
    // baseSequence 7 | 2 records.
    expect(crc32cBitwise(expected.subarray(21))).toBe(0x614fdf93);
    const encoded = encodeRecordBatch({
      baseOffset: 5,
      partitionLeaderEpoch: 3,
      producerId: 1000,
      producerEpoch: 2,
      baseSequence: 7,
      records: [
        { key: null, value: b('hi'), timestamp: 1000, headers: [{ key: 'a', value: b('b') }, { key: 'n', value: null }] },
        { key: b('k2'), value: null, timestamp: 1300 },
      ],
    });
    expect(encoded.toString('hex')).toBe(expected.toString('hex'));
    const batch = decodeRecordBatch(expected);
    expect(batch.header).toMatchObject({ baseOffset: 5, producerId: 1000, producerEpoch: 2, baseSequence: 7, recordCount: 2 });
    expect(batch.records[0]).toEqual({
      offset: 5, timestamp: 1000, key: null, value: b('hi'), offsetDelta: 0, timestampDelta: 0, attributes: 0,
      headers: [{ key: 'a', value: b('b') }, { key: 'n', value: null }],
    });
    expect(batch.records[1]).toMatchObject({ offset: 6, timestamp: 1300, key: b('k2'), value: null, timestampDelta: 300 });
  });

  it('a COMMIT control batch', () => {
    // Attributes 0x0030 = transactional (0x10) | control (0x20). One record whose key is the control key
    // (version int16 0, type int16 1 = COMMIT) and whose value is the end-transaction marker (version int16 0,
    // coordinatorEpoch int32 9): 00 attr | 00 tsDelta | 00 offsetDelta | 08 key length 4 | 0000 0001 | 0c value
    // length 6 | 0000 00000009 | 00 headers. Body 16 bytes → length 20.
    const expected = hex(`
      0000000000000064 | 00000042 | 00000004 | 02 | d3f07462 | 0030 | 00000000
      00000000000007d0 | 00000000000007d0 | 000000000000002a | 0001 | ffffffff | 00000001
      20 00 00 00 08 00000001 0c 0000 00000009 00`);
    // baseOffset 100 | batchLength 66 = 49 + 17 | leader epoch 4 | ... | timestamps 2000 | producerId 42 |
    // producerEpoch 1 | baseSequence -1 (markers carry none) | 1 record.
    expect(crc32cBitwise(expected.subarray(21))).toBe(0xd3f07462);
    const encoded = encodeControlBatch({ type: 'COMMIT', producerId: 42, producerEpoch: 1, coordinatorEpoch: 9, timestamp: 2000, baseOffset: 100, partitionLeaderEpoch: 4 });
    expect(encoded.toString('hex')).toBe(expected.toString('hex'));
    const batch = decodeRecordBatch(expected);
    expect(batch.attributes).toMatchObject({ isControl: true, isTransactional: true });
    expect(decodeControlRecord(batch.records[0])).toEqual({ type: 'COMMIT', typeId: 1, version: 0, coordinatorEpoch: 9 });
    expect(() => validateRecordBatch(expected)).toThrow(/control/);
    expect(validateRecordBatch(expected, 0, { origin: 'coordinator' }).recordCount).toBe(1);
  });

  // Compressed vectors: the records section of three records (key "key<i>", value "tributary tributary tributary <i>",
  // ts 1700000000000 + i) compressed by tools other than this library, wrapped in a header
  // (attributes = compression id, lastOffsetDelta 2, maxTimestamp 1700000000002).
  const threeRecords = [0, 1, 2].map((i) => ({
    offset: i, key: b(`key${i}`), value: b(`tributary tributary tributary ${i}`), timestamp: TS + i,
  }));

  it.each([
    // Python's gzip.compress(section, mtime=0): 1f8b 08 (deflate) 00 flags 00000000 mtime 02 xfl 03 OS.
    ['gzip', CompressionType.Gzip, `000000000000000000000072ffffffff02783df5290001000000020000018bcfe568000000018bcfe56802ffffffffffffffffffffffffffff000000031f8b08000000000002030b626060e0c84ead34b02b29ca4c2a2d492caa54c0c632600862606202a93424a0d210a8928505a4d288804a230600e847da3c7e000000`],
    // The zstd CLI reading stdin: frame header descriptor 0x04 — no content size, so decoding must grow its buffer.
    ['zstd', CompressionType.Zstd, `000000000000000000000074ffffffff02ffa300c30004000000020000018bcfe568000000018bcfe56802ffffffffffffffffffffffffffff0000000328b52ffd0458b50100840252000000086b6579303e74726962757461727920300052000202086b6579313100520004043232000400a005084a538d57ba30014ed729fd`],
    // The lz4 CLI: FLG 0x64 (version 01, independent blocks, content checksum), BD 0x40 (64 KiB blocks).
    ['lz4', CompressionType.Lz4, `00000000000000000000007fffffffff027cdf5e8a0003000000020000018bcfe568000000018bcfe56802ffffffffffffffffffffffffffff0000000304224d186440a73b000000ff0552000000086b6579303e747269627574617279200a0001603000520002022a001f312a000c603100520004042a001f322a000950727920320000000000a2581a10`],
  ])('a %s batch written by another implementation decodes', (_name, compression, bytes) => {
    const batch = decodeRecordBatch(hex(bytes));
    expect(batch.attributes.compression).toBe(compression);
    expect(batch.records.map(({ offset, key, value, timestamp }) => ({ offset, key, value, timestamp }))).toEqual(threeRecords);
  });

  it('a snappy batch in xerial framing built by hand decodes', () => {
    // The records section of the first vector (9 bytes) as one raw snappy block of a single literal:
    // preamble uncompressed length 9 → 09 | literal tag (9 - 1) << 2 = 0x20 | the 9 bytes. xerial frame:
    // 82 'SNAPPY' 00 | version 00000001 | compatible 00000001 | chunk length 0000000b | block.
    const section = hex('10 00 00 00 02 6b 02 76 00');
    const xerial = hex(`82534e41505059 00 00000001 00000001 0000000b 09 20`) ;
    const block = Buffer.concat([xerial, section]);
    const one = encodeRecordBatch({ records: [{ key: b('k'), value: b('v'), timestamp: TS }], compression: CompressionType.Snappy });
    // Same header fields; swap in the hand-built records section and recompute length and CRC.
    const batch = Buffer.concat([one.subarray(0, 61), block]);
    batch.writeInt32BE(batch.length - 12, 8);
    batch.writeUInt32BE(crc32cBitwise(batch.subarray(21)), 17);
    const decoded = decodeRecordBatch(batch);
    expect(decoded.records[0]).toMatchObject({ key: b('k'), value: b('v'), timestamp: TS });
    // And a raw (unframed) snappy block, which Kafka's reader also accepts.
    const raw = Buffer.concat([one.subarray(0, 61), hex('09 20'), section]);
    raw.writeInt32BE(raw.length - 12, 8);
    raw.writeUInt32BE(crc32cBitwise(raw.subarray(21)), 17);
    expect(decodeRecordBatch(raw).records[0].value).toEqual(b('v'));
  });

  it('LogAppendTime batches report maxTimestamp for every record', () => {
    const buf = encodeRecordBatch({ timestampType: TimestampType.LogAppendTime, maxTimestamp: 9999, records: [{ key: null, value: b('x'), timestamp: 5 }] });
    expect(buf.readInt16BE(21)).toBe(0x08);
    expect(decodeRecordBatch(buf).records[0].timestamp).toBe(9999);
  });
});
