import { TributaryError } from '@tributary/errors';
import fc from 'fast-check';
import { makeRecord, type MetadataRecord, RECORD_TYPE_IDS } from '../records/metadata-record';
import { metadataRecordArb } from '../test-support/arbitraries';
import { ByteWriter } from './byte-writer';
import { MAX_METADATA_RECORD_BYTES } from './limits';
import { decodeMetadataRecord, encodeMetadataRecord, peekMetadataRecordHeader } from './metadata-record-codec';

const TOPIC_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

/** Decodes, and says how it failed: 'ok', or the TributaryError code name. Anything else is a crash and rethrows. */
function outcome(bytes: Uint8Array): string {
  try {
    const record = decodeMetadataRecord(bytes);
    // Whatever decodes must encode again.
    encodeMetadataRecord(record);
    return 'ok';
  } catch (error) {
    if (error instanceof TributaryError) return error.codeName;
    throw error;
  }
}

/** Builds a frame by hand: type id, version, then whatever `fields` writes, then `tags` (default: none). */
function frame(typeId: number, version: number, fields: (w: ByteWriter) => void, tags: (w: ByteWriter) => void = (w) => w.uvarint(0)): Buffer {
  const w = new ByteWriter();
  w.uvarint(typeId);
  w.uvarint(version);
  fields(w);
  tags(w);
  return w.finish();
}

const topicFields = (name: string, id = TOPIC_ID) => (w: ByteWriter) => {
  w.string(name, 'name');
  w.uuid(id, 'topicId');
};

describe('metadata record codec', () => {
  it('round-trips every record type (property)', () => {
    fc.assert(
      fc.property(metadataRecordArb, (record) => {
        const bytes = encodeMetadataRecord(record);
        expect(decodeMetadataRecord(bytes)).toEqual(record);
        expect(encodeMetadataRecord(decodeMetadataRecord(bytes))).toEqual(bytes);
        expect(peekMetadataRecordHeader(bytes)).toEqual({ typeId: RECORD_TYPE_IDS[record.type], version: record.version, type: record.type });
      }),
      { numRuns: 300 },
    );
  });

  it('pins the wire format of a TopicRecord (frame, compact string, raw UUID, empty tags)', () => {
    const bytes = encodeMetadataRecord(makeRecord('TopicRecord', { name: 'orders', topicId: TOPIC_ID }));
    expect(bytes.toString('hex')).toBe(`0200` + `07${Buffer.from('orders').toString('hex')}` + TOPIC_ID.replace(/-/g, '') + `00`);
  });

  it('is compact: a 3-replica PartitionRecord takes well under 40 bytes', () => {
    const record = makeRecord('PartitionRecord', {
      partitionId: 7,
      topicId: TOPIC_ID,
      replicas: [1, 2, 3],
      isr: [1, 2, 3],
      removingReplicas: [],
      addingReplicas: [],
      leader: 1,
      leaderEpoch: 0,
      partitionEpoch: 0,
    });
    expect(encodeMetadataRecord(record).length).toBeLessThan(40);
  });

  it('rejects every strict prefix of a valid record with CORRUPT_MESSAGE (property)', () => {
    fc.assert(
      fc.property(metadataRecordArb, (record) => {
        const bytes = encodeMetadataRecord(record);
        for (let length = 0; length < bytes.length; length++) expect(outcome(bytes.subarray(0, length))).toBe('CORRUPT_MESSAGE');
      }),
      { numRuns: 300 },
    );
  });

  it('rejects trailing bytes', () => {
    const bytes = encodeMetadataRecord(makeRecord('RemoveTopicRecord', { topicId: TOPIC_ID }));
    expect(outcome(Buffer.concat([bytes, Buffer.from([0])]))).toBe('CORRUPT_MESSAGE');
  });

  it('never crashes on random bytes or bit-flipped records: decodes, or throws a typed error (property)', () => {
    const typed = new Set(['ok', 'CORRUPT_MESSAGE', 'UNSUPPORTED_VERSION']);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(typed.has(outcome(bytes))).toBe(true);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(metadataRecordArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (record, at, bit) => {
        const bytes = Buffer.from(encodeMetadataRecord(record));
        bytes[at % bytes.length] ^= 1 << bit;
        expect(typed.has(outcome(bytes))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  describe('malformed input corpus', () => {
    const cases: [string, Uint8Array, string, RegExp][] = [
      ['empty input', Buffer.alloc(0), 'CORRUPT_MESSAGE', /record type: needs 1 bytes/],
      ['unknown record type', frame(99, 0, () => undefined), 'UNSUPPORTED_VERSION', /unknown record type 99/],
      ['newer version of a known type', frame(RECORD_TYPE_IDS.TopicRecord, 1, topicFields('t')), 'UNSUPPORTED_VERSION', /TopicRecord v1 is newer/],
      ['type varint longer than 5 bytes', Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 'CORRUPT_MESSAGE', /does not fit in 32 bits|longer than 5/],
      ['type varint over 32 bits', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f, 0x00]), 'CORRUPT_MESSAGE', /does not fit in 32 bits/],
      ['string length 4 GiB in a tiny buffer', Buffer.from([0x02, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'CORRUPT_MESSAGE', /is over 32767/],
      ['string over 32767 bytes', frame(2, 0, (w) => w.uvarint(40_000)), 'CORRUPT_MESSAGE', /is over 32767/],
      ['null topic name', frame(2, 0, (w) => w.uvarint(0)), 'CORRUPT_MESSAGE', /null where a string is required/],
      ['invalid UTF-8 in a string', frame(12, 0, (w) => (w.uvarint(3), w.raw(Buffer.from([0xc3, 0x28])), w.int32(1, 'l'))), 'CORRUPT_MESSAGE', /invalid UTF-8/],
      ['illegal topic name', frame(2, 0, topicFields('a/b')), 'CORRUPT_MESSAGE', /is illegal/],
      ['zero topic id', frame(2, 0, topicFields('t', '00000000-0000-0000-0000-000000000000')), 'CORRUPT_MESSAGE', /is reserved/],
      ['metadata topic id on a user topic', frame(2, 0, topicFields('t', '00000000-0000-0000-0000-000000000001')), 'CORRUPT_MESSAGE', /is reserved/],
      ['array count of a million', frame(3, 0, (w) => (w.int32(0, 'p'), w.uuid(TOPIC_ID, 't'), w.uvarint(1_000_001))), 'CORRUPT_MESSAGE', /is over 65535/],
      ['negative replica id', frame(3, 0, (w) => (w.int32(0, 'p'), w.uuid(TOPIC_ID, 't'), w.int32Array([-4], 'r'))), 'CORRUPT_MESSAGE', /-4 is outside/],
      ['boolean byte 2', frame(0, 0, (w) => (w.int32(1, 'b'), w.uuid(TOPIC_ID, 'i'), w.int64(5, 'e'), w.uvarint(1), w.uvarint(0), w.raw(Buffer.from([2])))), 'CORRUPT_MESSAGE', /neither 0 nor 1/],
      ['unknown fencing change', frame(17, 0, (w) => (w.int32(1, 'b'), w.int64(5, 'e'), w.int8(2, 'f'))), 'CORRUPT_MESSAGE', /unknown fencing change 2/],
      ['unknown config resource type', frame(4, 0, (w) => (w.int8(3, 'rt'), w.string('x', 'rn'), w.string('k', 'n'), w.nullableString(null, 'v'))), 'CORRUPT_MESSAGE', /unknown config resource type 3/],
      ['producer id beyond 2^53', frame(15, 0, (w) => (w.int32(1, 'b'), w.int64(1, 'e'), w.raw(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])))), 'CORRUPT_MESSAGE', /not a safe integer/],
      ['varlong longer than 10 bytes', frame(15, 0, (w) => (w.int32(1, 'b'), w.raw(Buffer.alloc(11, 0x80)))), 'CORRUPT_MESSAGE', /varlong/],
      ['too many tagged fields', frame(9, 0, (w) => w.uuid(TOPIC_ID, 't'), (w) => w.uvarint(1000)), 'CORRUPT_MESSAGE', /1000 tagged fields/],
      ['tags out of order', frame(9, 0, (w) => w.uuid(TOPIC_ID, 't'), (w) => (w.uvarint(2), w.uvarint(5), w.uvarint(0), w.uvarint(5), w.uvarint(0))), 'CORRUPT_MESSAGE', /tags must increase/],
      ['tagged field longer than the record', frame(9, 0, (w) => w.uuid(TOPIC_ID, 't'), (w) => (w.uvarint(1), w.uvarint(0), w.uvarint(50))), 'CORRUPT_MESSAGE', /tagged field 0: needs 50 bytes/],
      ['record over the size bound', Buffer.alloc(MAX_METADATA_RECORD_BYTES + 1), 'CORRUPT_MESSAGE', /is over 1048576/],
    ];
    it.each(cases.map(([name, bytes, expected, why]) => [name, expected, bytes, why] as const))('%s → %s', (_name, expected, bytes, why) => {
      expect(outcome(bytes)).toBe(expected);
      expect(() => decodeMetadataRecord(bytes)).toThrow(why);
    });
  });

  it('skips tagged fields it does not know (forward compatibility within a version)', () => {
    const bytes = frame(
      RECORD_TYPE_IDS.RemoveTopicRecord,
      0,
      (w) => w.uuid(TOPIC_ID, 'topicId'),
      (w) => {
        w.uvarint(2);
        w.uvarint(0);
        w.uvarint(3);
        w.raw(Buffer.from([1, 2, 3]));
        w.uvarint(7);
        w.uvarint(0);
      },
    );
    expect(decodeMetadataRecord(bytes)).toEqual(makeRecord('RemoveTopicRecord', { topicId: TOPIC_ID }));
  });

  it('asserts (a bug, not a decode error) when asked to encode out-of-range fields', () => {
    const bad: MetadataRecord[] = [
      makeRecord('TopicRecord', { name: 't', topicId: 'not-a-uuid' }),
      makeRecord('ProducerIdsRecord', { brokerId: 1, brokerEpoch: 1, nextProducerId: 2 ** 60 }),
      makeRecord('PartitionChangeRecord', { partitionId: 2 ** 31, topicId: TOPIC_ID, isr: null, leader: -2, replicas: null, removingReplicas: null, addingReplicas: null }),
      makeRecord('ConfigRecord', { resourceType: 'TOPIC', resourceName: 't', name: 'k', value: 'x'.repeat(40_000) }),
      { ...makeRecord('RemoveTopicRecord', { topicId: TOPIC_ID }), version: 5 },
    ];
    for (const record of bad) expect(() => encodeMetadataRecord(record)).toThrow(/AssertionError|not|cannot|encodable/);
  });
});
