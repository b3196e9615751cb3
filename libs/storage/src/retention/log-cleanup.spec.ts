import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeRecordBatch, encodeRecordBatch, type RecordInput } from '@tributary/records';
import { FakeScheduler } from '@tributary/util';
import { CleanerCheckpointStore } from '../cleaner/cleaner-checkpoint-store';
import { Compactor } from '../cleaner/compactor';
import { OffsetMap } from '../cleaner/offset-map';
import { compactRequest, rec, text } from '../cleaner/test-support/records';
import { Throttler } from '../cleaner/throttler';
import type { LogConfig } from '../core/log-config';
import { type Disk, makeDiskError } from '../disk/disk';
import { NodeDisk } from '../disk/node-disk';
import type { Log } from '../log/log';
import { CapturingStorageLogger } from '../log/logger';
import { LogManager } from '../log-manager';
import { readAllBatches } from '../test-support/batches';
import { CleanupManager, type CleanupPassReport } from './cleanup-manager';
import { managedLogOf, managedLogsOf } from './log-adapter';

const T0 = 1_700_000_000_000;
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * NodeDisk for jest: errors thrown by node:fs inside jest's sandbox are not
 * `instanceof Error` of the test's realm, so `diskErrorCode` would not see
 * their `code` (ENOENT on a fresh dir). Re-throw them as same-realm errors.
 */
function jestSafeNodeDisk(): Disk {
  const disk = new NodeDisk();
  return new Proxy(disk, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          const e = error as { code?: unknown; syscall?: unknown; path?: unknown };
          if (typeof e?.code === 'string') throw makeDiskError(e.code, String(e.syscall ?? key.toString()), typeof e.path === 'string' ? e.path : undefined);
          throw error;
        }
      };
    },
  });
}

/** A LogManager on a real temp dir, a log in it, and a CleanupManager over the manager's logs. */
async function realLog(config: Partial<LogConfig>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-cleanup-'));
  tempDirs.push(dir);
  const disk = jestSafeNodeDisk();
  const scheduler = new FakeScheduler(T0);
  const logger = new CapturingStorageLogger();
  const open = () => LogManager.open({ disk, logDirs: [dir], scheduler, logger });
  let logs = await open();
  const tp = { topic: 'orders', partition: 0 };
  const log = logs.getOrCreateLog(tp, { config: { fileDeleteDelayMs: 1000, ...config } });
  const cleaner = (onPass?: (report: CleanupPassReport) => void) =>
    new CleanupManager({
      onPass,
      scheduler,
      logs: managedLogsOf(logs),
      checkpoints: new CleanerCheckpointStore(disk, logger),
      settings: () => ({ retentionCheckIntervalMs: 1000, cleanerEnable: true, dedupeBufferSize: 1 << 20, dedupeBufferLoadFactor: 0.9, ioMaxBytesPerSecond: Infinity }),
      logger,
    });
  return {
    dir,
    disk,
    scheduler,
    logger,
    log,
    cleaner,
    /** Clean shutdown and start again: the reopened log. */
    restart: async (): Promise<Log> => {
      await logs.shutdown();
      logs = await open();
      return logs.getLog(tp) as Log;
    },
  };
}

function append(log: Log, records: RecordInput[], fields: Partial<Parameters<typeof encodeRecordBatch>[0]> = {}): number {
  return log.appendAsLeader(encodeRecordBatch({ records, ...fields }), 0).firstOffset;
}

/** Every record a consumer reads from the log start, via the log's read API (which must cope with the gaps). */
function readable(log: Log): [number, string | null, string | null][] {
  return readAllBatches(log)
    .flatMap((b) => decodeRecordBatch(b.bytes).records)
    .filter((r) => r.offset >= log.logStartOffset) // a batch may start before the fetch offset: consumers skip those records
    .map((r): [number, string | null, string | null] => [r.offset, text(r.key), text(r.value)]);
}

function segmentFiles(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'orders-0')).filter((f) => /^\d{20}\./.test(f)).sort();
}

describe('retention and compaction on a real log', () => {
  it('retention.ms deletes old segments by their largest timestamp; the files go after file.delete.delay.ms', async () => {
    const { log, scheduler, cleaner, dir } = await realLog({ retentionMs: 60_000 });
    append(log, [rec('a', '1', T0 - 120_000)]);
    log.roll();
    append(log, [rec('b', '1', T0 - 90_000)]);
    log.roll();
    append(log, [rec('c', '1', T0 - 1_000)]);
    log.roll();
    append(log, [rec('d', '1', T0 - 200_000)]); // active: never deleted, however old

    await cleaner().runPass();

    expect(log.segments().map((s) => s.baseOffset)).toEqual([2, 3]);
    expect(log.logStartOffset).toBe(2);
    expect(readable(log).map(([o]) => o)).toEqual([2, 3]);
    expect(segmentFiles(dir).filter((f) => f.endsWith('.deleted')).length).toBeGreaterThan(0);
    scheduler.advance(1000);
    expect(segmentFiles(dir).filter((f) => f.endsWith('.deleted'))).toEqual([]);
  });

  it('retention.bytes keeps the partition under the limit, oldest segments first', async () => {
    const { log, cleaner } = await realLog({ retentionMs: -1 });
    for (let i = 0; i < 4; i++) {
      append(log, [rec(`k${i}`, 'x'.repeat(100), T0)]);
      log.roll();
    }
    const segmentBytes = log.segments()[0].sizeBytes;
    log.updateConfig({ retentionBytes: 2 * segmentBytes });

    await cleaner().runPass();

    expect(log.segments().map((s) => s.baseOffset)).toEqual([2, 3, 4]);
  });

  it('deletes segments wholly below a log start offset moved by DeleteRecords', async () => {
    const { log, cleaner } = await realLog({ retentionMs: -1 });
    for (let i = 0; i < 3; i++) {
      append(log, [rec(`k${i}`, 'v', T0), rec(`k${i}`, 'w', T0)]);
      log.roll();
    }
    log.advanceLogStartOffset(3);

    await cleaner().runPass();

    expect(log.segments().map((s) => s.baseOffset)).toEqual([2, 4, 6]);
    expect(readable(log)[0][0]).toBe(3);
  });

  it('applies retention.ms changed at runtime (Log.updateConfig) on the next scheduled pass', async () => {
    const { log, scheduler, cleaner } = await realLog({ retentionMs: 7 * 24 * 3600_000 });
    append(log, [rec('a', '1', T0 - 3600_000)]);
    log.roll();
    let passEnded: () => void = () => undefined;
    const nextPass = () => new Promise<void>((resolve) => (passEnded = resolve));
    const manager = cleaner(() => passEnded());
    manager.start();
    let pass = nextPass();
    scheduler.advance(1000);
    await pass;
    expect(log.segments().length).toBe(2);
    log.updateConfig({ retentionMs: 60_000 });
    pass = nextPass();
    scheduler.advance(1000);
    await pass;
    expect(log.segments().length).toBe(1);
    await manager.stop();
  });

  it('compacts: latest value per key at its original offset, reads across the gaps, producer fields kept, survives a restart', async () => {
    const { log, cleaner, dir, restart } = await realLog({ cleanupPolicy: ['compact'], minCleanableDirtyRatio: 0.1 });
    append(log, [rec('a', '1', T0), rec('b', '1', T0)], { producerId: 7, producerEpoch: 2, baseSequence: 0 }); // 0, 1
    append(log, [rec('a', '2', T0)], { producerId: 7, producerEpoch: 2, baseSequence: 2 }); // 2
    log.roll();
    append(log, [rec('c', '1', T0), rec('b', '2', T0)]); // 3, 4
    log.roll();
    append(log, [rec('a', '3', T0)]); // 5, active

    const report = await cleaner().runPass();

    expect(report.partitions[0].compaction).toMatchObject({ supersededRemoved: 2 });
    const expected = [
      [2, 'a', '2'],
      [3, 'c', '1'],
      [4, 'b', '2'],
      [5, 'a', '3'],
    ];
    expect(readable(log)).toEqual(expected);
    // A read starting inside a gap gets the next record.
    expect(decodeRecordBatch(log.read(1, { maxBytes: 1 }).records).records[0].offset).toBe(2);
    const first = decodeRecordBatch(readAllBatches(log)[0].bytes).header;
    expect(first).toMatchObject({ baseOffset: 2, producerId: 7, producerEpoch: 2, baseSequence: 2, recordCount: 1 });
    expect(fs.readFileSync(path.join(dir, 'cleaner-offset-checkpoint'), 'utf8')).toBe('0\n1\norders 0 5\n');

    const reopened = await restart();
    expect(readable(reopened)).toEqual(expected);
    expect(reopened.logEndOffset).toBe(6);
  });

  it('loses no append made while a compaction runs', async () => {
    const { log, scheduler } = await realLog({ cleanupPolicy: ['compact'] });
    for (let i = 0; i < 30; i++) append(log, [rec(`k${i % 3}`, `v${i}`, T0)]);
    log.roll();
    let late = 0;
    const compactor = new Compactor({
      clock: scheduler,
      map: new OffsetMap(1 << 16),
      throttler: new Throttler(scheduler, Infinity),
      yieldEveryBytes: 1,
      // Each time the cleaner lets the event loop run, a producer appends.
      yieldToEventLoop: async () => {
        append(log, [rec(`k${late % 3}`, `late${late}`, T0)]);
        late++;
      },
    });

    await compactor.compact(managedLogOf(log), compactRequest(T0));

    const lates = readable(log).filter(([, , v]) => v?.startsWith('late'));
    expect(late).toBeGreaterThan(30);
    expect(lates.map(([o]) => o)).toEqual(Array.from({ length: late }, (_, i) => 30 + i));
    expect(readable(log).filter(([o]) => o < 30)).toEqual([
      [27, 'k0', 'v27'],
      [28, 'k1', 'v28'],
      [29, 'k2', 'v29'],
    ]);
  });

  it('never compacts past the last stable offset the replica layer gives', async () => {
    const { log, scheduler, disk } = await realLog({ cleanupPolicy: ['compact'], minCleanableDirtyRatio: 0 });
    append(log, [rec('a', '1', T0)]);
    log.roll();
    append(log, [rec('a', '2', T0)]);
    log.roll();
    const lastStable = 1; // offset 1 is above the high watermark: it may yet be truncated away
    const manager = new CleanupManager({
      scheduler,
      logs: () => [managedLogOf(log, { lastStableOffset: () => lastStable })],
      checkpoints: new CleanerCheckpointStore(disk),
      logger: new CapturingStorageLogger(),
    });

    await manager.runPass();

    expect(readable(log).map(([o, , v]) => [o, v])).toEqual([
      [0, '1'],
      [1, '2'],
    ]);
  });
});
