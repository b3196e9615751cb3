import { TributaryError } from '@tributary/errors';
import { parseOffsetCheckpoint } from './core/checkpoint-format';
import { readFileIfExists } from './log/atomic-file';
import { CLEAN_SHUTDOWN_FILE, RECOVERY_POINT_CHECKPOINT_FILE } from './log-manager';
import { makeBatch, readAllBatches } from './test-support/batches';
import { SimHarness } from './test-support/harness';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof TributaryError ? error.codeName : String(error);
  }
  return undefined;
};

describe('LogManager', () => {
  it('places new partitions on the dir with the fewest partitions', async () => {
    const h = new SimHarness({}, 1, ['/a', '/b', '/c']);
    const mgr = await h.open();
    for (let p = 0; p < 9; p++) h.log(p);
    const counts = ['/a', '/b', '/c'].map((d) => mgr.allLogs().filter((l) => l.dir.startsWith(`${d}/`)).length);
    expect(counts).toEqual([3, 3, 3]);
    mgr.deleteLog({ topic: 't', partition: 0 });
    mgr.deleteLog({ topic: 't', partition: 3 });
    h.log(100);
    expect(mgr.dirOf({ topic: 't', partition: 100 })).toBe(mgr.dirOf({ topic: 't', partition: 6 }));
  });

  for (const code of ['EIO', 'ENOSPC', 'EROFS']) {
    it(`takes a failing dir offline on ${code} while the other dirs keep working`, async () => {
      const failures: string[] = [];
      const h = new SimHarness({}, 1, ['/a', '/b']);
      await h.open();
      (h.manager as unknown as { options: { onDirFailure?: (d: string) => void } }).options.onDirFailure = (d) => failures.push(d);
      const logs = [0, 1, 2, 3].map((p) => h.log(p));
      for (const l of logs) l.appendAsLeader(makeBatch(), 0);
      const onB = logs.filter((l) => l.dir.startsWith('/b/'));
      const onA = logs.filter((l) => l.dir.startsWith('/a/'));
      h.disk.injectFault({ ops: ['write', 'fsync', 'truncate', 'open'], path: '/b/', code });
      expect(codeOf(() => onB[0].appendAsLeader(makeBatch(), 0))).toBe('KAFKA_STORAGE_ERROR');
      expect(failures).toEqual(['/b']);
      expect(h.manager.offlineDirs).toEqual(['/b']);
      // Every log in the failed dir is offline, including those that did nothing.
      expect(codeOf(() => onB[1].read(0, { maxBytes: 100 }))).toBe('KAFKA_STORAGE_ERROR');
      await expect(onB[1].flush()).rejects.toThrow(/offline/);
      // The other dir keeps working, and new partitions go there.
      for (const l of onA) expect(l.appendAsLeader(makeBatch(), 0).firstOffset).toBe(1);
      expect(h.log(10).dir.startsWith('/a/')).toBe(true);
      h.disk.clearFaults();
      await h.manager.shutdown();
      // After the disk is repaired the dir loads again (it was not shut down cleanly: recovery).
      await h.open();
      expect(h.manager.offlineDirs).toEqual([]);
      expect(readAllBatches(h.log(onB[0].topicPartition.partition)).length).toBe(1);
      expect(h.manager.loadSummaries.find((s) => s.dir === '/b')?.hadCleanShutdown).toBe(false);
      expect(h.manager.loadSummaries.find((s) => s.dir === '/a')?.hadCleanShutdown).toBe(true);
    });
  }

  it('starts with a dir that cannot be read offline and the others online', async () => {
    const h = new SimHarness({}, 1, ['/a', '/b']);
    await h.open();
    h.log(0).appendAsLeader(makeBatch(), 0);
    h.log(1).appendAsLeader(makeBatch(), 0);
    await h.manager.shutdown();
    h.disk.injectFault({ ops: ['readdir'], path: '/b', code: 'EIO' });
    await h.open();
    expect(h.manager.offlineDirs).toEqual(['/b']);
    expect(h.manager.onlineDirs).toEqual(['/a']);
    expect(h.manager.allLogs()).toHaveLength(1);
  });

  it('bounds open file descriptors with 10,000 partitions', async () => {
    const h = new SimHarness({ segmentIndexBytes: 1024 }, 1, ['/data'], { maxOpenFiles: 128 });
    await h.open();
    for (let p = 0; p < 10_000; p++) h.log(p).appendAsLeader(makeBatch({ seed: p }), 0);
    expect(h.disk.openFdCount).toBeLessThanOrEqual(130);
    for (let p = 0; p < 10_000; p += 97) expect(readAllBatches(h.log(p))).toHaveLength(1);
    for (let p = 0; p < 10_000; p += 101) h.log(p).appendAsLeader(makeBatch({ seed: p }), 0);
    await h.manager.flushAll();
    expect(h.disk.openFdCount).toBeLessThanOrEqual(130);
    await h.restart();
    expect(h.manager.allLogs()).toHaveLength(10_000);
    expect(h.manager.loadSummaries[0].recoveredLogs).toBe(0);
    expect(h.disk.openFdCount).toBeLessThanOrEqual(130);
    expect(h.log(9998).logEndOffset).toBe(1);
    expect(h.log(9999).logEndOffset).toBe(2);
  }, 120_000);

  it('checkpoints recovery points periodically, writes the clean-shutdown marker on shutdown and removes it on start', async () => {
    const h = new SimHarness();
    await h.open();
    const log = h.log();
    for (let i = 0; i < 5; i++) log.appendAsLeader(makeBatch({ seed: i }), 0);
    await log.flush();
    const read = () => parseOffsetCheckpoint((readFileIfExists(h.disk, `/data/${RECOVERY_POINT_CHECKPOINT_FILE}`) as Buffer).toString());
    // A log created after start-up joins the checkpoint at the next periodic write.
    expect(read()).toEqual([]);
    h.scheduler.advance(60_000);
    expect(read()).toEqual([{ topic: 't', partition: 0, offset: 5 }]);
    await h.manager.shutdown();
    expect(h.disk.stat(`/data/${CLEAN_SHUTDOWN_FILE}`)).toBeDefined();
    await h.open();
    expect(h.disk.stat(`/data/${CLEAN_SHUTDOWN_FILE}`)).toBeUndefined();
    expect(h.log().loadReport.clean).toBe(true);
    // A crash now is not mistaken for a clean shutdown.
    await h.crash();
    expect(h.log().loadReport.clean).toBe(false);
    expect(h.log().logEndOffset).toBe(5);
  });

  it('deletes a log: renamed at once, removed after the delay, never loaded again', async () => {
    const h = new SimHarness({ fileDeleteDelayMs: 1000 });
    await h.open();
    h.log(0).appendAsLeader(makeBatch(), 0);
    h.log(1).appendAsLeader(makeBatch(), 0);
    expect(h.manager.deleteLog({ topic: 't', partition: 0 })).toBe(true);
    expect(h.manager.getLog({ topic: 't', partition: 0 })).toBeUndefined();
    expect(h.disk.readdir('/data').some((n) => n.endsWith('-delete'))).toBe(true);
    h.scheduler.advance(1000);
    expect(h.disk.readdir('/data').some((n) => n.endsWith('-delete'))).toBe(false);
    h.manager.deleteLog({ topic: 't', partition: 1 });
    await h.crash();
    expect(h.manager.allLogs()).toHaveLength(0);
  });
});
