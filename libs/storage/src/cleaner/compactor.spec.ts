import {
  CompressionType,
  decodeAttributes,
  decodeRecordBatch,
  encodeControlBatch,
  lastOffsetOf,
  readBatchHeader,
  TimestampType,
} from '@tributary/records';
import { FakeScheduler } from '@tributary/util';
import { MemoryLog } from './test-support/memory-log';
import { compactRequest, rec, testCompactor, text } from './test-support/records';

function keyValues(log: MemoryLog, fromOffset = 0): [number, string | null, string | null][] {
  return log.readFrom(fromOffset).map((r) => [r.offset, text(r.key), text(r.value)]);
}

describe('Compactor', () => {
  it('keeps the latest record per key with its offset, and reads work across the gaps', async () => {
    const log = new MemoryLog();
    log.append({ records: [rec('a', 'a1'), rec('b', 'b1')] }); // 0, 1
    log.append({ records: [rec('a', 'a2')] }); // 2
    log.roll();
    log.append({ records: [rec('c', 'c1'), rec('b', 'b2')] }); // 3, 4
    log.roll();
    log.append({ records: [rec('a', 'a3')] }); // 5, active: never compacted

    const result = await testCompactor().compact(log, compactRequest(0));

    expect(keyValues(log)).toEqual([
      [2, 'a', 'a2'],
      [3, 'c', 'c1'],
      [4, 'b', 'b2'],
      [5, 'a', 'a3'],
    ]);
    expect(keyValues(log, 3)).toEqual([
      [3, 'c', 'c1'],
      [4, 'b', 'b2'],
      [5, 'a', 'a3'],
    ]);
    expect(result.cleanedUpToOffset).toBe(5);
    expect(result.stats).toMatchObject({ recordsRead: 5, recordsRemoved: 2, supersededRemoved: 2, segmentsReplaced: 2, segmentsWritten: 1 });
    expect(result.stats.bytesWritten).toBeLessThan(result.stats.bytesRead);
    // Two closed segments fit one group: one cleaned segment named after the first, then the active one.
    expect(log.segments().map((s) => s.baseOffset)).toEqual([0, 5]);
  });

  it('preserves a rewritten batch’s producer fields, offset range, timestamps and compression', async () => {
    const log = new MemoryLog();
    log.append({
      records: [rec('k', 'old', 10), rec('x', 'x1', 20), rec('k', 'new', 30)],
      producerId: 42,
      producerEpoch: 3,
      baseSequence: 7,
      partitionLeaderEpoch: 5,
      compression: CompressionType.Gzip,
    });
    log.roll();

    await testCompactor().compact(log, compactRequest(0));

    const [batch] = log.allBatches();
    const decoded = decodeRecordBatch(batch);
    expect(decoded.header).toMatchObject({
      baseOffset: 0,
      lastOffsetDelta: 2,
      producerId: 42,
      producerEpoch: 3,
      baseSequence: 7,
      partitionLeaderEpoch: 5,
      maxTimestamp: 30,
      recordCount: 2,
    });
    expect(decoded.attributes.compression).toBe(CompressionType.Gzip);
    expect(decoded.records.map((r) => [r.offset, text(r.key), text(r.value), r.timestamp])).toEqual([
      [1, 'x', 'x1', 20],
      [2, 'k', 'new', 30],
    ]);
  });

  it.each([CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd])(
    'recompresses a cleaned batch with its original codec (%s)',
    async (compression) => {
      const log = new MemoryLog();
      log.append({ records: [rec('k', 'old'.repeat(50)), rec('j', 'keep'.repeat(50)), rec('k', 'new'.repeat(50))], compression });
      log.roll();
      await testCompactor().compact(log, compactRequest(0));
      const decoded = decodeRecordBatch(log.allBatches()[0]);
      expect(decoded.attributes.compression).toBe(compression);
      expect(decoded.records.map((r) => [r.offset, text(r.key)])).toEqual([
        [1, 'j'],
        [2, 'k'],
      ]);
    },
  );

  it('rewrites segments in groups whose input fits segment.bytes, one cleaned segment per group', async () => {
    const log = new MemoryLog();
    for (let i = 0; i < 6; i++) {
      log.append({ records: [rec(`k${i}`, 'x'.repeat(100))] });
      log.append({ records: [rec('hot', `${i}`)] });
      log.roll();
    }
    const sizes = log.segments().map((s) => s.sizeBytes);
    const result = await testCompactor().compact(log, { ...compactRequest(0), segmentBytes: sizes[0] * 2 });
    // 6 closed segments, two per group: three cleaned segments named after each group's first.
    expect(result.stats).toMatchObject({ segmentsReplaced: 6, segmentsWritten: 3 });
    expect(log.segments().map((s) => s.baseOffset)).toEqual([0, 4, 8, 12]);
    expect(log.readFrom().filter((r) => text(r.key) === 'hot').map((r) => r.offset)).toEqual([11]);
  });

  it('fails when dropRecord throws, leaving the group as it was', async () => {
    const log = new MemoryLog();
    log.append({ records: [rec('a', '1'), rec('a', '2'), rec('b', '1')] });
    log.roll();
    const before = log.allBatches();
    const failing = compactRequest(0, 0, {
      dropRecord: () => {
        throw new Error('plugin bug');
      },
    });
    await expect(testCompactor().compact(log, failing)).rejects.toThrow('plugin bug');
    expect(log.allBatches()).toEqual(before);
  });

  it('fails on a corrupt batch without swapping anything', async () => {
    const log = new MemoryLog();
    log.append({ records: [rec('a', '1'), rec('a', '2')] });
    log.roll();
    const before = log.allBatches().map((b) => Buffer.from(b));
    log.allBatches()[0][70] ^= 0xff; // a record byte: the CRC no longer matches
    await expect(testCompactor().compact(log, compactRequest(0))).rejects.toThrow(/CRC/);
    expect(log.allBatches().length).toBe(before.length);
  });

  it('keeps an emptied batch header only when it is its producer’s last batch', async () => {
    const log = new MemoryLog();
    log.append({ records: [rec('k', 'v1')], producerId: 1, producerEpoch: 0, baseSequence: 0 }); // 0: superseded, not last of 1
    log.append({ records: [rec('k', 'v2')], producerId: 1, producerEpoch: 0, baseSequence: 1 }); // 1: superseded, last of 1
    log.append({ records: [rec('j', 'w1')], producerId: 2, producerEpoch: 0, baseSequence: 0 }); // 2: superseded, not last of 2
    log.append({ records: [rec('k', 'v3'), rec('j', 'w2')] }); // 3, 4: no producer
    log.append({ records: [rec('z', 'z1')], producerId: 2, producerEpoch: 1, baseSequence: 5 }); // 5: survives
    log.roll();

    await testCompactor().compact(log, compactRequest(0));

    const headers = log.allBatches().map((b) => readBatchHeader(b));
    expect(headers.map((h) => [h.baseOffset, h.producerId, h.producerEpoch, h.baseSequence, h.recordCount])).toEqual([
      [1, 1, 0, 1, 0],
      [3, -1, -1, -1, 2],
      [5, 2, 1, 5, 1],
    ]);
    expect(keyValues(log).map(([o]) => o)).toEqual([3, 4, 5]);
  });

  it('keeps control batches and transactional batches as they are, and they never shadow other records', async () => {
    const log = new MemoryLog();
    log.append({ records: [rec('k', 'plain1')] }); // 0
    log.append({ records: [rec('k', 'txn1'), rec(null, 'nokey')], producerId: 9, producerEpoch: 0, baseSequence: 0, isTransactional: true }); // 1, 2
    const markerOffset = log.appendBatch(encodeControlBatch({ type: 'COMMIT', producerId: 9, producerEpoch: 0, coordinatorEpoch: 1, timestamp: 0 }));
    log.append({ records: [rec('k', 'plain2')] });
    log.roll();
    const txnBefore = log.allBatches()[1];
    const markerBefore = log.allBatches()[2];

    await testCompactor().compact(log, compactRequest(0));

    const batches = log.allBatches();
    expect(batches[0]).toEqual(txnBefore);
    expect(batches[1]).toEqual(markerBefore);
    expect(decodeAttributes(readBatchHeader(batches[1]).attributes).isControl).toBe(true);
    expect(readBatchHeader(batches[1]).baseOffset).toBe(markerOffset);
    expect(keyValues(log).map(([, , v]) => v)).toEqual(['txn1', 'nokey', expect.anything(), 'plain2']);
  });

  it('removes null-key records (as Kafka’s cleaner does) without failing', async () => {
    const log = new MemoryLog();
    log.append({ records: [rec(null, 'orphan'), rec('a', 'a1')] });
    log.roll();

    const { stats } = await testCompactor().compact(log, compactRequest(0));

    expect(keyValues(log)).toEqual([[1, 'a', 'a1']]);
    expect(stats.nullKeyRemoved).toBe(1);
  });

  it('honours the plan’s dropRecord hook on surviving records', async () => {
    const log = new MemoryLog();
    log.append({ records: [rec('keep', '1'), rec('ttl', '1'), rec('ttl', '2')] });
    log.roll();
    const seen: number[] = [];

    const { stats } = await testCompactor().compact(
      log,
      compactRequest(0, 0, {
        dropRecord: (r) => {
          seen.push(r.offset);
          return text(r.key) === 'ttl';
        },
      }),
    );

    expect(seen).toEqual([0, 2]); // offset 1 was superseded first
    expect(keyValues(log)).toEqual([[0, 'keep', '1']]);
    expect(stats.droppedByPolicy).toBe(1);
  });

  describe('tombstones', () => {
    it('are kept and stamped with a delete horizon on the first pass, removed by a pass after it', async () => {
      const scheduler = new FakeScheduler(10_000);
      const compactor = testCompactor({ scheduler });
      const log = new MemoryLog();
      log.append({ records: [rec('k', 'v', 5)] });
      log.append({ records: [rec('k', null, 6), rec('live', 'x', 7)] });
      log.roll();
      const retentionMs = 1000;
      const request = (nowMs: number, cleanedUpTo: number) => ({ ...compactRequest(nowMs, cleanedUpTo), action: { ...compactRequest(nowMs).action, deleteTombstonesBeforeMs: nowMs - retentionMs } });

      let result = await compactor.compact(log, request(scheduler.nowMs(), 0));
      expect(keyValues(log)).toEqual([
        [1, 'k', null],
        [2, 'live', 'x'],
      ]);
      const stamped = readBatchHeader(log.allBatches()[0]);
      expect(decodeAttributes(stamped.attributes).hasDeleteHorizon).toBe(true);
      expect(stamped.baseTimestamp).toBe(10_000 + retentionMs);
      expect(log.readFrom().map((r) => r.timestamp)).toEqual([6, 7]);

      scheduler.advance(retentionMs - 1);
      result = await compactor.compact(log, request(scheduler.nowMs(), 0));
      expect(keyValues(log)).toEqual([
        [1, 'k', null],
        [2, 'live', 'x'],
      ]);
      expect(result.stats.segmentsReplaced).toBe(0); // nothing changed: no rewrite

      scheduler.advance(1);
      result = await compactor.compact(log, request(scheduler.nowMs(), 0));
      expect(keyValues(log)).toEqual([[2, 'live', 'x']]);
      expect(result.stats.tombstonesRemoved).toBe(1);
    });

    it('count from the first pass, not from an old producer timestamp', async () => {
      const log = new MemoryLog();
      log.append({ records: [rec('k', null, 1)] }); // a tombstone whose CreateTime is long past
      log.roll();
      await testCompactor().compact(log, compactRequest(1_000_000));
      expect(keyValues(log)).toEqual([[0, 'k', null]]);
    });

    it('keep LogAppendTime batches’ timestamps when rewritten', async () => {
      const log = new MemoryLog();
      log.append({ records: [rec('k', 'v', 1), rec('k', null, 2)], timestampType: TimestampType.LogAppendTime, maxTimestamp: 500 });
      log.roll();
      await testCompactor().compact(log, compactRequest(1000));
      const [batch] = log.allBatches();
      const decoded = decodeRecordBatch(batch);
      expect(decoded.attributes.timestampType).toBe(TimestampType.LogAppendTime);
      expect(decoded.header.maxTimestamp).toBe(500);
      expect(decoded.records.map((r) => [r.offset, r.timestamp])).toEqual([[1, 500]]);
    });
  });

  it('when the offset map fills up, cleans up to where it got and the next pass goes on from there', async () => {
    const log = new MemoryLog();
    for (let round = 0; round < 2; round++) {
      for (let k = 0; k < 10; k++) log.append({ records: [rec(`k${k}`, `r${round}`)] });
      log.roll();
    }
    // 24 bytes per entry: room for 6 keys at the 0.9 load factor.
    const compactor = testCompactor({ mapBytes: 7 * 24 });

    const first = await compactor.compact(log, compactRequest(0));
    expect(first.stats.mapFull).toBe(true);
    expect(first.cleanedUpToOffset).toBe(6);
    expect(keyValues(log).length).toBe(20); // keys k0..k5 seen only once so far: nothing superseded

    let cleanedUpTo = first.cleanedUpToOffset;
    for (let pass = 0; pass < 5 && cleanedUpTo < 20; pass++) {
      cleanedUpTo = (await compactor.compact(log, compactRequest(0, cleanedUpTo))).cleanedUpToOffset;
    }
    expect(cleanedUpTo).toBe(20);
    expect(keyValues(log).map(([o, k, v]) => `${o}:${k}=${v}`)).toEqual(Array.from({ length: 10 }, (_, k) => `${10 + k}:k${k}=r1`));
  });

  it('does not touch records at or after toOffset', async () => {
    const log = new MemoryLog();
    log.append({ records: [rec('k', 'v0')] });
    log.roll();
    log.append({ records: [rec('k', 'v1'), rec(null, 'x')] });
    log.roll();

    const result = await testCompactor().compact(log, { ...compactRequest(0), action: { ...compactRequest(0).action, toOffset: 1 } });

    expect(result.cleanedUpToOffset).toBe(1);
    expect(keyValues(log)).toEqual([
      [0, 'k', 'v0'],
      [1, 'k', 'v1'],
      [2, null, 'x'],
    ]);
  });

  it('never reads or replaces the active segment', async () => {
    const log = new MemoryLog();
    log.append({ records: [rec('k', 'v0'), rec('k', 'v1')] });
    const result = await testCompactor().compact(log, compactRequest(0));
    expect(result.stats.bytesRead).toBe(0);
    expect(keyValues(log).length).toBe(2);
  });

  it('loses no append made while it runs', async () => {
    const log = new MemoryLog();
    for (let i = 0; i < 20; i++) log.append({ records: [rec(`k${i % 3}`, `v${i}`)] });
    log.roll();
    let appended = 0;
    log.onRead = () => {
      log.append({ records: [rec(`k${appended % 3}`, `late${appended}`)] });
      appended++;
    };

    await testCompactor().compact(log, compactRequest(0));
    log.onRead = undefined;

    const late = keyValues(log).filter(([, , v]) => v?.startsWith('late'));
    expect(late.length).toBe(appended);
    expect(late.map(([o]) => o)).toEqual(Array.from({ length: appended }, (_, i) => 20 + i));
  });

  it('throttles reads and writes to log.cleaner.io.max.bytes.per.second on the scheduler', async () => {
    const scheduler = new FakeScheduler();
    const log = new MemoryLog();
    for (let i = 0; i < 50; i++) log.append({ records: [rec(`k${i % 5}`, 'x'.repeat(100))] });
    log.roll();
    const rateBytesPerSecond = 2000;
    const compactor = testCompactor({ scheduler, rate: rateBytesPerSecond });

    let done = false;
    const running = compactor.compact(log, compactRequest(0)).then((r) => {
      done = true;
      return r;
    });
    let bytesAtCheck = 0;
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      scheduler.advance(10);
      bytesAtCheck++;
    }
    const { stats } = await running;
    const ioBytes = stats.bytesRead + stats.bytesWritten;
    const elapsedMs = scheduler.nowMs();
    // At most rate × (elapsed + slack): the slack is the throttler's 100 ms burst.
    expect(ioBytes).toBeLessThanOrEqual((rateBytesPerSecond * (elapsedMs + 100)) / 1000);
    // …and not far below it either (it does not sleep more than it must).
    expect(elapsedMs).toBeLessThan(((ioBytes / rateBytesPerSecond) * 1000) + 200);
    expect(bytesAtCheck).toBeGreaterThan(1);
  });

  it('leaves the batch offsets of the last batch so the log end offset survives', async () => {
    const log = new MemoryLog();
    log.append({ records: [rec('a', '1'), rec('a', '2')] });
    log.roll();
    await testCompactor().compact(log, compactRequest(0));
    const [batch] = log.allBatches();
    expect(lastOffsetOf(readBatchHeader(batch))).toBe(1);
  });
});
