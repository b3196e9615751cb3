import { writeFileSync } from 'node:fs';
import { CompressionType, encodeControlBatch, encodeRecordBatch } from '@tributary/records';
import { segmentFileName } from '@tributary/storage';
import { createTempDir } from '@tributary/testing';
import { dumpIndex } from './dump-index';
import { dumpSegment, lastSequence } from './dump-segment';

const T0 = 1_700_000_000_000;

function segmentBytes(): { bytes: Buffer; sizes: number[] } {
  const batches = [
    encodeRecordBatch({
      baseOffset: 0,
      partitionLeaderEpoch: 3,
      records: [
        { key: Buffer.from('k1'), value: Buffer.from('hello'), headers: [{ key: 'h', value: Buffer.from('v') }], timestamp: T0 },
        { key: null, value: Buffer.from([0x00, 0xff]), timestamp: T0 + 5 },
      ],
    }),
    encodeRecordBatch({
      baseOffset: 2,
      producerId: 7,
      producerEpoch: 1,
      baseSequence: 10,
      compression: CompressionType.Gzip,
      records: [1, 2, 3].map((i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp: T0 + i })),
    }),
    encodeControlBatch({ type: 'COMMIT', producerId: 7, producerEpoch: 1, coordinatorEpoch: 0, timestamp: T0 + 9, baseOffset: 5 }),
  ];
  return { bytes: Buffer.concat(batches), sizes: batches.map((b) => b.length) };
}

describe('dumpSegment', () => {
  it('describes every batch and, with printRecords, every record', () => {
    const dir = createTempDir('log-dump');
    const file = dir.join(segmentFileName(0, 'log'));
    const { bytes, sizes } = segmentBytes();
    writeFileSync(file, bytes);
    const dump = dumpSegment(file, { printRecords: true });
    expect(dump.corruption).toBeNull();
    expect(dump.batches.map((b) => [b.baseOffset, b.lastOffset, b.count, b.position, b.sizeBytes, b.compression, b.crcValid])).toEqual([
      [0, 1, 2, 0, sizes[0], 'none', true],
      [2, 4, 3, sizes[0], sizes[1], 'gzip', true],
      [5, 5, 1, sizes[0] + sizes[1], sizes[2], 'none', true],
    ]);
    expect(dump.batches[0]).toMatchObject({ partitionLeaderEpoch: 3, producerId: -1, baseSequence: -1, lastSequence: -1, baseTimestamp: T0, maxTimestamp: T0 + 5 });
    expect(dump.batches[1]).toMatchObject({ producerId: 7, producerEpoch: 1, baseSequence: 10, lastSequence: 12, isTransactional: false });
    expect(dump.batches[2]).toMatchObject({ isControl: true, isTransactional: true });
    expect(dump.batches[0].records).toEqual([
      { offset: 0, timestamp: T0, keySize: 2, valueSize: 5, key: { encoding: 'utf8', text: 'k1' }, value: { encoding: 'utf8', text: 'hello' }, headers: [{ key: 'h', value: { encoding: 'utf8', text: 'v' } }] },
      { offset: 1, timestamp: T0 + 5, keySize: -1, valueSize: 2, key: null, value: { encoding: 'hex', text: '00ff' }, headers: [] },
    ]);
    expect(dump.batches[1].records?.map((r) => r.value?.text)).toEqual(['v1', 'v2', 'v3']);
    expect(dump.batches[2].records?.[0].control).toBe('COMMIT');
    expect(dumpSegment(file, { printRecords: false }).batches[0].records).toBeUndefined();
  });

  it('reports a CRC mismatch on the batch and goes on to the next', () => {
    const dir = createTempDir('log-dump');
    const file = dir.join('corrupt.log');
    const { bytes, sizes } = segmentBytes();
    bytes[sizes[0] - 2] ^= 0xff; // inside the first batch's last record
    writeFileSync(file, bytes);
    const dump = dumpSegment(file, { printRecords: true });
    expect(dump.batches.map((b) => b.crcValid)).toEqual([false, true, true]);
    expect(dump.corruption).toBeNull();
  });

  it('stops with a corruption entry at bytes that cannot frame a batch', () => {
    const dir = createTempDir('log-dump');
    const { bytes, sizes } = segmentBytes();
    const truncated = dir.join('truncated.log');
    writeFileSync(truncated, bytes.subarray(0, sizes[0] + 30));
    expect(dumpSegment(truncated, { printRecords: false })).toMatchObject({
      batches: [{ baseOffset: 0 }],
      corruption: { position: sizes[0], reason: expect.stringContaining('runs past the end of the file') },
    });
    const shortTail = dir.join('short-tail.log');
    writeFileSync(shortTail, bytes.subarray(0, sizes[0] + 5));
    expect(dumpSegment(shortTail, { printRecords: false }).corruption).toEqual({ position: sizes[0], reason: '5 trailing bytes are too few for a batch header' });
    const garbage = dir.join('garbage.log');
    const badLength = Buffer.from(bytes);
    badLength.writeInt32BE(-7, sizes[0] + 8);
    writeFileSync(garbage, badLength);
    expect(dumpSegment(garbage, { printRecords: false }).corruption).toEqual({ position: sizes[0], reason: 'batch length -7 is not a valid batch length' });
    const badMagic = dir.join('magic.log');
    const wrongMagic = Buffer.from(bytes);
    wrongMagic[16] = 1;
    writeFileSync(badMagic, wrongMagic);
    expect(dumpSegment(badMagic, { printRecords: false })).toMatchObject({ batches: [], corruption: { position: 0 } });
  });

  it('lastSequence wraps at int32 max like Kafka', () => {
    expect(lastSequence(-1, 4)).toBe(-1);
    expect(lastSequence(10, 2)).toBe(12);
    expect(lastSequence(0x7fffffff - 1, 3)).toBe(1);
  });
});

describe('dumpIndex', () => {
  it('lists offset index entries up to the preallocated zero tail and checks them against the .log size', () => {
    const dir = createTempDir('log-dump');
    const index = Buffer.alloc(8 * 4);
    index.writeInt32BE(3, 0);
    index.writeInt32BE(100, 4);
    index.writeInt32BE(9, 8);
    index.writeInt32BE(250, 12);
    const file = dir.join(segmentFileName(40, 'index'));
    writeFileSync(file, index);
    writeFileSync(dir.join(segmentFileName(40, 'log')), Buffer.alloc(300));
    expect(dumpIndex(file, 'index')).toMatchObject({
      baseOffset: 40,
      entries: [
        { offset: 43, position: 100 },
        { offset: 49, position: 250 },
      ],
      partialEntryBytes: 0,
      problem: null,
    });
    writeFileSync(dir.join(segmentFileName(40, 'log')), Buffer.alloc(200));
    expect(dumpIndex(file, 'index').problem).toMatch(/out of range/);
  });

  it('reports non-increasing time index entries and partial entries', () => {
    const dir = createTempDir('log-dump');
    const index = Buffer.alloc(12 * 2 + 5);
    index.writeBigInt64BE(BigInt(T0 + 10), 0);
    index.writeInt32BE(1, 8);
    index.writeBigInt64BE(BigInt(T0), 12);
    index.writeInt32BE(2, 20);
    const file = dir.join(segmentFileName(0, 'timeindex'));
    writeFileSync(file, index);
    const dump = dumpIndex(file, 'timeindex');
    expect(dump.entries).toEqual([
      { timestamp: T0 + 10, offset: 1 },
      { timestamp: T0, offset: 2 },
    ]);
    expect(dump.partialEntryBytes).toBe(5);
    expect(dump.problem).not.toBeNull();
  });
});
