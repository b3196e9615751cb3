import { TributaryError } from '@tributary/errors';
import { CRC_OFFSET, TimestampType, decodeAttributes, decodeRecordBatch, encodeRecordBatch, readBatchHeader } from '@tributary/records';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP } from './types';
import { makeBatch, readAllBatches, recordKeys, splitBatches } from '../test-support/batches';
import { SimHarness, T0 } from '../test-support/harness';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof TributaryError ? error.codeName : `not a TributaryError: ${String(error)}`;
  }
  return undefined;
};

describe('Log append and read', () => {
  it('assigns offsets in place, stamps the leader epoch and keeps batches whole', async () => {
    const h = new SimHarness();
    await h.open();
    const log = h.log();
    const a = makeBatch({ count: 3, seed: 1, baseOffset: 999 });
    const info = log.appendAsLeader(a, 7);
    expect(info).toMatchObject({ firstOffset: 0, lastOffset: 2, recordCount: 3, batchCount: 1, logAppendTimeMs: -1 });
    const two = Buffer.concat([makeBatch({ count: 2, seed: 2 }), makeBatch({ count: 4, seed: 3 })]);
    expect(log.appendAsLeader(two, 8)).toMatchObject({ firstOffset: 3, lastOffset: 8, batchCount: 2 });
    expect(log.logEndOffset).toBe(9);
    const all = readAllBatches(log);
    expect(all.map((b) => [b.baseOffset, b.lastOffset])).toEqual([
      [0, 2],
      [3, 4],
      [5, 8],
    ]);
    expect(readBatchHeader(all[0].bytes).partitionLeaderEpoch).toBe(7);
    expect(readBatchHeader(all[2].bytes).partitionLeaderEpoch).toBe(8);
    expect(decodeRecordBatch(all[2].bytes).records.map((r) => r.offset)).toEqual([5, 6, 7, 8]);
    expect(log.leaderEpochEntries).toEqual([
      { epoch: 7, startOffset: 0 },
      { epoch: 8, startOffset: 3 },
    ]);
  });

  it('reads from inside a batch, honours maxBytes, minOneMessage and maxOffset, and rejects out-of-range offsets', async () => {
    const h = new SimHarness();
    await h.open();
    const log = h.log();
    for (let i = 0; i < 10; i++) log.appendAsLeader(makeBatch({ count: 5, valueBytes: 100, seed: i }), 0);
    const size = splitBatches(log.read(0, { maxBytes: 1 }).records)[0].bytes.length;
    // Inside a batch: that batch comes back (the consumer skips records before the offset).
    expect(splitBatches(log.read(12, { maxBytes: 1 }).records).map((b) => b.baseOffset)).toEqual([10]);
    // maxBytes bounds whole batches; the first is returned whole even when larger.
    expect(splitBatches(log.read(0, { maxBytes: size * 3 + 10 }).records)).toHaveLength(3);
    expect(log.read(0, { maxBytes: 10 }).records.length).toBe(size);
    expect(log.read(0, { maxBytes: 10, minOneMessage: false }).records.length).toBe(0);
    // maxOffset (e.g. the high watermark) is exclusive and never splits a batch.
    expect(splitBatches(log.read(0, { maxBytes: 1e6, maxOffset: 20 }).records).map((b) => b.lastOffset)).toEqual([4, 9, 14, 19]);
    expect(splitBatches(log.read(0, { maxBytes: 1e6, maxOffset: 22 }).records).map((b) => b.lastOffset)).toEqual([4, 9, 14, 19]);
    expect(log.read(20, { maxBytes: 1e6, maxOffset: 20 }).records.length).toBe(0);
    expect(log.read(50, { maxBytes: 1e6 }).records.length).toBe(0);
    expect(code(() => log.read(51, { maxBytes: 1 }))).toBe('OFFSET_OUT_OF_RANGE');
    log.advanceLogStartOffset(7);
    expect(code(() => log.read(6, { maxBytes: 1 }))).toBe('OFFSET_OUT_OF_RANGE');
    expect(splitBatches(log.read(7, { maxBytes: 1 }).records)[0].baseOffset).toBe(5);
  });

  it('rejects bad input without appending anything', async () => {
    const h = new SimHarness({ maxMessageBytes: 2000, segmentBytes: 10_000 });
    await h.open();
    const log = h.log();
    log.appendAsLeader(makeBatch({ seed: 1 }), 0);
    const corrupt = makeBatch({ count: 2, seed: 2 });
    corrupt[corrupt.length - 1] ^= 0xff;
    expect(code(() => log.appendAsLeader(Buffer.concat([makeBatch({ seed: 3 }), corrupt]), 0))).toBe('CORRUPT_MESSAGE');
    expect(code(() => log.appendAsLeader(makeBatch({ count: 1, valueBytes: 3000 }), 0))).toBe('MESSAGE_TOO_LARGE');
    const many = Buffer.concat(Array.from({ length: 12 }, (_, i) => makeBatch({ count: 1, valueBytes: 900, seed: i })));
    expect(code(() => log.appendAsLeader(many, 0))).toBe('RECORD_LIST_TOO_LARGE');
    expect(code(() => log.appendAsLeader(makeBatch().subarray(0, 40), 0))).toBe('CORRUPT_MESSAGE');
    expect(log.logEndOffset).toBe(1);
    expect(readAllBatches(log)).toHaveLength(1);
    log.updateConfig({ messageTimestampBeforeMaxMs: 1000 });
    expect(code(() => log.appendAsLeader(makeBatch({ timestamp: T0 - 5000 }), 0))).toBe('INVALID_TIMESTAMP');
    log.updateConfig({ maxMessageBytes: 100_000 });
    expect(log.appendAsLeader(makeBatch({ count: 1, valueBytes: 3000, timestamp: T0 }), 0).firstOffset).toBe(1);
  });

  it('stamps LogAppendTime batches with the append time, valid CRC', async () => {
    const h = new SimHarness({ messageTimestampType: 'LogAppendTime' });
    await h.open();
    const log = h.log();
    h.scheduler.advance(1234);
    const info = log.appendAsLeader(makeBatch({ count: 2, timestamp: 5 }), 0);
    expect(info.logAppendTimeMs).toBe(T0 + 1234);
    const [b] = readAllBatches(log);
    const decoded = decodeRecordBatch(b.bytes);
    expect(decodeAttributes(decoded.header.attributes).timestampType).toBe(TimestampType.LogAppendTime);
    expect(decoded.records.map((r) => r.timestamp)).toEqual([T0 + 1234, T0 + 1234]);
  });

  it('appends as a follower keeping offsets and epochs, rejecting offsets at or below the log end', async () => {
    const h = new SimHarness();
    await h.open();
    const log = h.log();
    const batches = Buffer.concat([makeBatch({ count: 2, baseOffset: 0, epoch: 1 }), makeBatch({ count: 3, baseOffset: 2, epoch: 3 })]);
    expect(log.appendAsFollower(batches)).toMatchObject({ firstOffset: 0, lastOffset: 4 });
    expect(code(() => log.appendAsFollower(makeBatch({ baseOffset: 4 })))).toBe('OFFSET_OUT_OF_RANGE');
    expect(code(() => log.appendAsFollower(Buffer.concat([makeBatch({ baseOffset: 9 }), makeBatch({ baseOffset: 9 })])))).toBe('OFFSET_OUT_OF_RANGE');
    // Gaps are allowed (compacted leaders).
    expect(log.appendAsFollower(makeBatch({ baseOffset: 10, epoch: 4 })).firstOffset).toBe(10);
    expect(log.logEndOffset).toBe(11);
    expect(log.leaderEpochEntries).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 2 },
      { epoch: 4, startOffset: 10 },
    ]);
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 3, endOffset: 10 });
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 1, endOffset: 2 });
  });
});

describe('Log rolling', () => {
  it('rolls on segment.bytes and on an offset that would not fit 32 bits', async () => {
    const h = new SimHarness({ segmentBytes: 1000 });
    await h.open();
    const log = h.log();
    for (let i = 0; i < 10; i++) log.appendAsLeader(makeBatch({ count: 1, valueBytes: 300, seed: i }), 0);
    const segs = log.segments();
    expect(segs.length).toBeGreaterThanOrEqual(4);
    expect(segs.every((s) => s.sizeBytes <= 1000)).toBe(true);
    expect(segs.filter((s) => s.isActive)).toHaveLength(1);
    const before = log.segmentCount;
    log.appendAsFollower(makeBatch({ baseOffset: 2 ** 32 }));
    expect(log.segmentCount).toBe(before + 1);
    expect(log.activeSegmentBaseOffset).toBe(2 ** 32);
    expect(readAllBatches(log).map((b) => b.baseOffset).slice(-2)).toEqual([9, 2 ** 32]);
  });

  it('rolls on segment.ms from the first batch timestamp (with jitter) and on a full index', async () => {
    const h = new SimHarness({ segmentMs: 10_000 });
    await h.open();
    const log = h.log();
    log.appendAsLeader(makeBatch({ timestamp: T0 }), 0);
    log.appendAsLeader(makeBatch({ timestamp: T0 + 9_000 }), 0);
    expect(log.segmentCount).toBe(1);
    log.appendAsLeader(makeBatch({ timestamp: T0 + 10_001 }), 0);
    expect(log.segmentCount).toBe(2);
    log.updateConfig({ segmentIndexBytes: 32, indexIntervalBytes: 0, segmentMs: 10 ** 12 });
    log.roll();
    for (let i = 0; i < 12; i++) log.appendAsLeader(makeBatch({ timestamp: T0 + 20_000 + i, seed: i }), 0);
    // 4 index entries per segment (32 bytes): a full index rolls.
    expect(log.segmentCount).toBeGreaterThanOrEqual(5);
    expect(readAllBatches(log)).toHaveLength(15);
  });

  it('applies updateConfig to the next append without a restart', async () => {
    const h = new SimHarness();
    await h.open();
    const log = h.log();
    for (let i = 0; i < 5; i++) log.appendAsLeader(makeBatch({ valueBytes: 200, seed: i }), 0);
    expect(log.segmentCount).toBe(1);
    log.updateConfig({ segmentBytes: 600 });
    for (let i = 0; i < 5; i++) log.appendAsLeader(makeBatch({ valueBytes: 200, seed: i }), 0);
    expect(log.segmentCount).toBeGreaterThan(2);
    expect(log.config.segmentBytes).toBe(600);
    expect(() => log.updateConfig({ segmentBytes: -1 })).toThrow(/segment.bytes/);
  });
});

describe('Log flush and group commit', () => {
  it('advances the recovery point only after an fsync, and one fsync round covers concurrent durable appends', async () => {
    const h = new SimHarness();
    await h.open();
    const log = h.log();
    log.appendAsLeader(makeBatch(), 0);
    expect(log.recoveryPoint).toBe(0);
    await log.flush();
    expect(log.recoveryPoint).toBe(1);
    const fsyncsBefore = h.disk.stats.fsyncs;
    const appends = Array.from({ length: 100 }, (_, i) => log.append(makeBatch({ seed: i }), { leaderEpoch: 0, durable: true }));
    const infos = await Promise.all(appends);
    expect(infos.map((i) => i.firstOffset)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(log.recoveryPoint).toBe(101);
    // 100 durable appends made in one tick share one or two fsync rounds, not 100.
    expect(h.disk.stats.fsyncs - fsyncsBefore).toBeLessThanOrEqual(4);
  });

  it('flushes after flush.messages records and after flush.ms', async () => {
    const h = new SimHarness({ flushMessages: 10 });
    await h.open();
    const log = h.log();
    for (let i = 0; i < 9; i++) log.appendAsLeader(makeBatch({ seed: i }), 0);
    await Promise.resolve();
    expect(log.recoveryPoint).toBe(0);
    log.appendAsLeader(makeBatch({ seed: 9 }), 0);
    await new Promise((r) => setImmediate(r));
    expect(log.recoveryPoint).toBe(10);
    log.updateConfig({ flushMessages: 1_000_000, flushMs: 500 });
    log.appendAsLeader(makeBatch({ seed: 10 }), 0);
    h.scheduler.advance(499);
    await new Promise((r) => setImmediate(r));
    expect(log.recoveryPoint).toBe(10);
    h.scheduler.advance(1);
    await new Promise((r) => setImmediate(r));
    expect(log.recoveryPoint).toBe(11);
  });
});

describe('Log timestamps', () => {
  it('answers ListOffsets by timestamp across segments and after a restart, like a linear scan', async () => {
    const h = new SimHarness({ segmentBytes: 1500, indexIntervalBytes: 100 });
    await h.open();
    let log = h.log();
    const stamps: { offset: number; ts: number }[] = [];
    let ts = T0;
    for (let i = 0; i < 60; i++) {
      // Non-monotonic timestamps within and across batches.
      const records = Array.from({ length: 3 }, (_, j) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(50), timestamp: ts + ((i * 7 + j * 13) % 17) }));
      const info = log.appendAsLeader(encodeRecordBatch({ records }), 0);
      records.forEach((r, j) => stamps.push({ offset: info.firstOffset + j, ts: r.timestamp }));
      ts += 10;
    }
    const expected = (target: number) => stamps.find((s) => s.ts >= target);
    const check = (): void => {
      for (let target = T0 - 5; target < ts + 30; target += 3) {
        const e = expected(target);
        const got = log.offsetForTimestamp(target);
        expect(got && { offset: got.offset, ts: got.timestamp }).toEqual(e && { offset: e.offset, ts: e.ts });
      }
      const max = stamps.reduce((m, s) => (s.ts > m.ts ? s : m));
      expect(log.offsetForTimestamp(MAX_TIMESTAMP)).toMatchObject({ offset: max.offset, timestamp: max.ts });
      expect(log.offsetForTimestamp(EARLIEST_TIMESTAMP)).toMatchObject({ offset: log.logStartOffset });
      expect(log.offsetForTimestamp(LATEST_TIMESTAMP)).toMatchObject({ offset: log.logEndOffset });
    };
    expect(log.segmentCount).toBeGreaterThan(5);
    check();
    await h.restart();
    log = h.log();
    check();
    await h.crash();
    log = h.log();
    check();
  });
});

describe('Log truncation', () => {
  it('truncateTo removes whole batches, updates epochs, snapshots, recovery point, and survives a crash', async () => {
    const h = new SimHarness({ segmentBytes: 800 });
    await h.open();
    const log = h.log();
    for (let i = 0; i < 20; i++) log.appendAsLeader(makeBatch({ count: 2, valueBytes: 100, seed: i }), i < 10 ? 1 : 2);
    await log.flush();
    await log.writeProducerSnapshot(10, Buffer.from('at-10'));
    await log.writeProducerSnapshot(30, Buffer.from('at-30'));
    expect(log.listProducerSnapshots()).toEqual([10, 30]);
    // 25 is inside the batch [24, 25]: the whole batch goes.
    expect(log.truncateTo(25)).toBe(true);
    expect(log.logEndOffset).toBe(24);
    expect(log.recoveryPoint).toBe(24);
    expect(log.leaderEpochEntries).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 20 },
    ]);
    expect(log.listProducerSnapshots()).toEqual([10]);
    expect(readAllBatches(log).at(-1)?.lastOffset).toBe(23);
    expect(log.truncateTo(30)).toBe(false);
    // Truncate onto a segment boundary, then append again and crash: nothing of the old tail comes back.
    log.truncateTo(15);
    expect(log.logEndOffset).toBe(14);
    expect(log.latestEpoch).toBe(1);
    for (let i = 0; i < 3; i++) log.appendAsLeader(makeBatch({ count: 2, seed: 100 + i }), 3);
    await log.flush();
    await h.crash();
    const after = h.log();
    expect(after.logEndOffset).toBe(20);
    expect(after.leaderEpochEntries.at(-1)).toEqual({ epoch: 3, startOffset: 14 });
    expect(recordKeys(Buffer.concat(readAllBatches(after).slice(-3).map((b) => b.bytes)))).toEqual(['k100-0', 'k100-1', 'k101-0', 'k101-1', 'k102-0', 'k102-1']);
  });

  it('truncateFullyAndStartAt empties the log and restarts it at an offset, durably', async () => {
    const h = new SimHarness({ segmentBytes: 800 });
    await h.open();
    const log = h.log();
    for (let i = 0; i < 10; i++) log.appendAsLeader(makeBatch({ count: 2, seed: i }), 1);
    await log.writeProducerSnapshot(4, Buffer.from('x'));
    log.truncateFullyAndStartAt(500);
    expect([log.logStartOffset, log.logEndOffset, log.recoveryPoint, log.segmentCount]).toEqual([500, 500, 500, 1]);
    expect(log.leaderEpochEntries).toEqual([]);
    expect(log.listProducerSnapshots()).toEqual([]);
    expect(log.appendAsLeader(makeBatch(), 2).firstOffset).toBe(500);
    await h.crash('drop');
    const after = h.log();
    expect(after.logStartOffset).toBe(500);
    expect(after.logEndOffset).toBeLessThanOrEqual(501);
    expect(after.logEndOffset).toBeGreaterThanOrEqual(500);
  });
});

describe('producer snapshots and partition metadata', () => {
  it('persist, list, read and delete; deleted below the log start', async () => {
    const h = new SimHarness({ segmentBytes: 500 });
    await h.open();
    const log = h.log();
    for (let i = 0; i < 10; i++) log.appendAsLeader(makeBatch({ count: 2, valueBytes: 100, seed: i }), 0);
    await log.writeProducerSnapshot(0, Buffer.from('zero'));
    await log.writeProducerSnapshot(8, Buffer.from('eight'));
    await log.writeProducerSnapshot(20, Buffer.from('twenty'));
    await expect(log.writeProducerSnapshot(21, Buffer.from('x'))).rejects.toThrow(/outside/);
    log.setTopicId('q1Zb9Q5MS2e2KcmLX6T9XQ');
    await h.restart();
    const again = h.log();
    expect(again.listProducerSnapshots()).toEqual([0, 8, 20]);
    expect(again.readProducerSnapshot(8)?.toString()).toBe('eight');
    expect(again.latestProducerSnapshot(19)?.payload.toString()).toBe('eight');
    expect(again.topicId).toBe('q1Zb9Q5MS2e2KcmLX6T9XQ');
    const segs = again.segments();
    again.deleteSegments([segs[0].baseOffset, segs[1].baseOffset], 'retention.ms');
    expect(again.logStartOffset).toBe(segs[2].baseOffset);
    expect(again.listProducerSnapshots()).toEqual(segs[2].baseOffset <= 8 ? [8, 20] : [20]);
    expect(again.deleteProducerSnapshot(20)).toBe(true);
  });
});

describe('corrupt data on read', () => {
  it('reports CORRUPT_MESSAGE for a bad batch below the recovery point, never serves it, and keeps serving the rest', async () => {
    const h = new SimHarness({ segmentBytes: 2000 });
    await h.open();
    const log = h.log();
    for (let i = 0; i < 20; i++) log.appendAsLeader(makeBatch({ count: 1, valueBytes: 200, seed: i }), 0);
    await h.restart();
    // Flip a byte inside the third batch (in the first segment), below the recovery point.
    const [first] = h.log().segments();
    const file = `/data/t-0/${String(first.baseOffset).padStart(20, '0')}.log`;
    const fd = h.disk.open(file, 'readWrite');
    const size = splitBatches(h.log().read(0, { maxBytes: 1 }).records)[0].bytes.length;
    const at = 2 * size + 100;
    const byte = Buffer.alloc(1);
    h.disk.read(fd, byte, 0, 1, at);
    byte[0] ^= 0x5a;
    h.disk.write(fd, byte, 0, 1, at);
    h.disk.close(fd);
    const log2 = h.log();
    expect(code(() => log2.read(2, { maxBytes: 100_000 }))).toBe('CORRUPT_MESSAGE');
    // A read starting before it stops before it.
    const before = splitBatches(log2.read(0, { maxBytes: 100_000 }).records);
    expect(before.map((b) => b.baseOffset)).toEqual([0, 1]);
    expect(splitBatches(log2.read(3, { maxBytes: 1 }).records)[0].baseOffset).toBe(3);
    expect(h.logger.messages('error').some((m) => m.includes('corrupt batch'))).toBe(true);
    // The CRC field itself damaged: same outcome.
    const fd2 = h.disk.open(file, 'readWrite');
    h.disk.write(fd2, Buffer.from([0, 0, 0, 0]), 0, 4, size * 4 + CRC_OFFSET);
    h.disk.close(fd2);
    expect(code(() => log2.read(4, { maxBytes: 1 }))).toBe('CORRUPT_MESSAGE');
  });
});
