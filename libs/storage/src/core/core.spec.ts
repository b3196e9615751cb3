import fc from 'fast-check';
import { TributaryError } from '@tributary/errors';
import { CheckpointFormatError, formatEpochCheckpoint, formatOffsetCheckpoint, formatPartitionMetadata, parseEpochCheckpoint, parseOffsetCheckpoint, parsePartitionMetadata } from './checkpoint-format';
import { LeaderEpochCache, UNDEFINED_EPOCH } from './leader-epoch-cache';
import { DEFAULT_LOG_CONFIG, resolveLogConfig } from './log-config';
import { IndexCorruptError, OffsetIndex } from './offset-index';
import { shouldRoll } from './roll-policy';
import { offsetFileName, parsePartitionDirName, parseSegmentFileName, segmentFileName } from './segment-files';
import { TimeIndex } from './time-index';

describe('OffsetIndex', () => {
  it('finds the floor entry for any target (property, against a linear scan)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), { maxLength: 200 }), fc.integer({ min: 0, max: 110_000 }), (rels, target) => {
        const sorted = [...rels].sort((a, b) => a - b);
        const index = new OffsetIndex(1000, 1000, 1);
        sorted.forEach((r, i) => index.append(1000 + r, (i + 1) * 10));
        let expected = { offset: 1000, position: 0 };
        sorted.forEach((r, i) => {
          if (1000 + r <= 1000 + target) expected = { offset: 1000 + r, position: (i + 1) * 10 };
        });
        expect(index.lookup(1000 + target)).toEqual(expected);
        const decoded = OffsetIndex.decode(index.encode(), 1000, 1000, 1_000_000);
        expect(decoded.lookup(1000 + target)).toEqual(expected);
      }),
    );
  });

  it('truncates by position, reports full, and rejects untrustworthy files', () => {
    const index = new OffsetIndex(0, 3);
    index.append(5, 100);
    index.append(9, 200);
    index.append(12, 300);
    expect(index.isFull).toBe(true);
    index.truncateToPosition(200);
    expect(index.entries).toBe(1);
    expect(index.lastOffset).toBe(5);
    expect(() => OffsetIndex.decode(Buffer.alloc(7), 0, 10, 100)).toThrow(IndexCorruptError);
    const bad = Buffer.alloc(16);
    bad.writeInt32BE(5, 0);
    bad.writeInt32BE(50, 4);
    bad.writeInt32BE(4, 8);
    bad.writeInt32BE(60, 12);
    expect(() => OffsetIndex.decode(bad, 0, 10, 100)).toThrow(/does not increase/);
    bad.writeInt32BE(6, 8);
    expect(() => OffsetIndex.decode(bad, 0, 10, 55)).toThrow(/out of range/);
    // A preallocated zero tail decodes to the real entries only.
    const pre = Buffer.concat([bad, Buffer.alloc(80)]);
    expect(OffsetIndex.decode(pre, 0, 100, 1000).entries).toBe(2);
  });
});

describe('TimeIndex', () => {
  it('keeps strictly increasing timestamps and finds the floor entry', () => {
    const index = new TimeIndex(100, 10);
    expect(index.maybeAppend(50, 100)).toBe(true);
    expect(index.maybeAppend(40, 105)).toBe(false);
    expect(index.maybeAppend(70, 110)).toBe(true);
    expect(index.maybeAppend(80, 110)).toBe(true); // same offset: replaced
    expect(index.entries).toBe(2);
    expect(index.lookup(49)).toBeUndefined();
    expect(index.lookup(75)).toEqual({ timestamp: 50, offset: 100 });
    expect(index.lookup(80)).toEqual({ timestamp: 80, offset: 110 });
    const decoded = TimeIndex.decode(Buffer.concat([index.encode(), Buffer.alloc(24)]), 100, 10);
    expect(decoded.last).toEqual({ timestamp: 80, offset: 110 });
    index.truncateToOffset(110);
    expect(index.last).toEqual({ timestamp: 50, offset: 100 });
    expect(() => TimeIndex.decode(Buffer.alloc(13), 0, 10)).toThrow(IndexCorruptError);
  });

  it('round-trips large timestamps', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 50 }), { maxLength: 50 }), (tss) => {
        const index = new TimeIndex(0, 100);
        [...new Set(tss)].sort((a, b) => a - b).forEach((t, i) => index.maybeAppend(t + 1, i));
        const decoded = TimeIndex.decode(index.encode(), 0, 100);
        expect(decoded.entries).toBe(index.entries);
        for (let i = 0; i < index.entries; i++) expect(decoded.entryAt(i)).toEqual(index.entryAt(i));
      }),
    );
  });
});

describe('checkpoint formats', () => {
  it('round-trip offset checkpoints (Kafka format) and reject garbage', () => {
    const text = formatOffsetCheckpoint([
      { topic: 'b', partition: 1, offset: 7 },
      { topic: 'a.x_y-z', partition: 0, offset: 123456789012 },
    ]);
    expect(text).toBe('0\n2\na.x_y-z 0 123456789012\nb 1 7\n');
    expect(parseOffsetCheckpoint(text)).toEqual([
      { topic: 'a.x_y-z', partition: 0, offset: 123456789012 },
      { topic: 'b', partition: 1, offset: 7 },
    ]);
    for (const bad of ['', '0\n', '1\n0\n', '0\n2\na 0 1\n', '0\n1\na 0 x\n', '0\n1\na 0 1', '\0\0\0\0', '0\n1\na 0 -1\n']) {
      expect(() => parseOffsetCheckpoint(bad)).toThrow(CheckpointFormatError);
    }
  });

  it('round-trip leader-epoch-checkpoint and partition.metadata', () => {
    const entries = [
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 120 },
    ];
    expect(formatEpochCheckpoint(entries)).toBe('0\n2\n0 0\n3 120\n');
    expect(parseEpochCheckpoint(formatEpochCheckpoint(entries))).toEqual(entries);
    expect(() => parseEpochCheckpoint('0\n2\n3 120\n0 0\n')).toThrow(/does not increase/);
    expect(parsePartitionMetadata(formatPartitionMetadata('AAAAAAAAAAAAAAAAAAAAAA'))).toEqual({ topicId: 'AAAAAAAAAAAAAAAAAAAAAA' });
    expect(() => parsePartitionMetadata('version: 0\n')).toThrow(CheckpointFormatError);
  });
});

describe('LeaderEpochCache', () => {
  it('follows Kafka: assign, conflicts, truncation from both ends, end offsets', () => {
    const cache = new LeaderEpochCache();
    expect(cache.assign(0, 0)).toBe(true);
    expect(cache.assign(0, 5)).toBe(false);
    expect(cache.assign(2, 10)).toBe(true);
    expect(cache.assign(1, 12)).toBe(false); // stale epoch after a newer one
    expect(cache.assign(4, 20)).toBe(true);
    expect(cache.latestEpoch).toBe(4);
    expect(cache.epochForOffset(15)).toBe(2);
    expect(cache.endOffsetFor(0, 30)).toEqual({ epoch: 0, endOffset: 10 });
    expect(cache.endOffsetFor(1, 30)).toEqual({ epoch: 0, endOffset: 10 });
    expect(cache.endOffsetFor(3, 30)).toEqual({ epoch: 2, endOffset: 20 });
    expect(cache.endOffsetFor(4, 30)).toEqual({ epoch: 4, endOffset: 30 });
    expect(cache.endOffsetFor(5, 30)).toEqual({ epoch: UNDEFINED_EPOCH, endOffset: -1 });
    cache.truncateFromEnd(20);
    expect(cache.latestEpoch).toBe(2);
    cache.truncateFromStart(12);
    expect(cache.entries).toEqual([{ epoch: 2, startOffset: 12 }]);
    // A new entry below an existing start offset removes the conflicting ones.
    expect(cache.assign(5, 11)).toBe(true);
    expect(cache.entries).toEqual([{ epoch: 5, startOffset: 11 }]);
  });
});

describe('LogConfig', () => {
  it("has Kafka's defaults and validates overrides", () => {
    expect(DEFAULT_LOG_CONFIG.segmentBytes).toBe(1073741824);
    expect(DEFAULT_LOG_CONFIG.indexIntervalBytes).toBe(4096);
    expect(DEFAULT_LOG_CONFIG.maxMessageBytes).toBe(1048588);
    expect(resolveLogConfig({ segmentBytes: 1000 }).segmentBytes).toBe(1000);
    expect(() => resolveLogConfig({ segmentBytes: 0 })).toThrow(TributaryError);
    expect(() => resolveLogConfig({ minCleanableDirtyRatio: 2 })).toThrow(/min.cleanable.dirty.ratio/);
    expect(() => resolveLogConfig({ messageTimestampType: 'Other' as 'CreateTime' })).toThrow(/message.timestamp.type/);
  });
});

describe('segment file names', () => {
  it('use 20-digit base offsets and state suffixes', () => {
    expect(offsetFileName(42)).toBe('00000000000000000042');
    expect(segmentFileName(42, 'log', 'swap')).toBe('00000000000000000042.log.swap');
    expect(parseSegmentFileName('00000000000000000042.timeindex.deleted')).toEqual({ baseOffset: 42, kind: 'timeindex', state: 'deleted' });
    expect(parseSegmentFileName('00000000000000000042.snapshot')).toEqual({ baseOffset: 42, kind: 'snapshot', state: 'live' });
    expect(parseSegmentFileName('42.log')).toBeUndefined();
    expect(parseSegmentFileName('00000000000000000042.log.bak')).toBeUndefined();
    expect(parsePartitionDirName('my-topic-3')).toEqual({ topic: 'my-topic', partition: 3 });
    expect(parsePartitionDirName('my-topic-3.abc-delete')).toBeUndefined();
  });
});

describe('shouldRoll', () => {
  const seg = { baseOffset: 100, sizeBytes: 500, firstBatchTimestampMs: 1000, createdMs: 0, rollJitterMs: 0, offsetIndexFull: false, timeIndexFull: false };
  const cfg = { segmentBytes: 1000, segmentMs: 10_000 };
  it('rolls on size, age (from the first batch), full indexes and offset overflow', () => {
    expect(shouldRoll(seg, { sizeBytes: 400, maxTimestampMs: 2000, lastOffset: 200 }, cfg, 0)).toBeUndefined();
    expect(shouldRoll(seg, { sizeBytes: 501, maxTimestampMs: 2000, lastOffset: 200 }, cfg, 0)).toBe('segment.bytes');
    expect(shouldRoll(seg, { sizeBytes: 1, maxTimestampMs: 11_001, lastOffset: 200 }, cfg, 0)).toBe('segment.ms');
    expect(shouldRoll({ ...seg, rollJitterMs: 5000 }, { sizeBytes: 1, maxTimestampMs: 6001, lastOffset: 200 }, cfg, 0)).toBe('segment.ms');
    expect(shouldRoll({ ...seg, firstBatchTimestampMs: -1 }, { sizeBytes: 1, maxTimestampMs: -1, lastOffset: 200 }, cfg, 10_001)).toBe('segment.ms');
    expect(shouldRoll({ ...seg, offsetIndexFull: true }, { sizeBytes: 1, maxTimestampMs: 2000, lastOffset: 200 }, cfg, 0)).toBe('index-full');
    expect(shouldRoll(seg, { sizeBytes: 1, maxTimestampMs: 2000, lastOffset: 100 + 2 ** 31 }, cfg, 0)).toBe('offset-overflow');
    expect(shouldRoll({ ...seg, sizeBytes: 0 }, { sizeBytes: 5000, maxTimestampMs: 2000, lastOffset: 200 }, cfg, 0)).toBeUndefined();
  });
});
