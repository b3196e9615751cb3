import { FakeScheduler } from '@tributary/util';
import { SimulatedDisk } from '../disk/simulated-disk';
import { LogManager } from '../log-manager';
import { CapturingStorageLogger } from './logger';
import type { Log } from './log';
import { makeBatch, splitBatches } from '../test-support/batches';

describe('Log basics', () => {
  it('appends, reads, rolls, restarts cleanly and after a crash', async () => {
    const disk = new SimulatedDisk({ seed: 1 });
    const scheduler = new FakeScheduler(1_700_000_000_000);
    const logger = new CapturingStorageLogger();
    const open = () => LogManager.open({ disk, logDirs: ['/data'], scheduler, logger, defaultConfig: { segmentBytes: 4096, indexIntervalBytes: 256 } });
    let mgr = await open();
    let log = mgr.getOrCreateLog({ topic: 't', partition: 0 });
    const appended: number[] = [];
    for (let i = 0; i < 100; i++) {
      const info = log.appendAsLeader(makeBatch({ count: 3, valueBytes: 20, seed: i }), 5);
      appended.push(info.firstOffset);
    }
    expect(log.logEndOffset).toBe(300);
    expect(log.segmentCount).toBeGreaterThan(3);
    const r = log.read(151, { maxBytes: 1 });
    const got = splitBatches(r.records);
    expect(got).toHaveLength(1);
    expect(got[0].baseOffset).toBe(150);
    await log.flush();
    expect(log.recoveryPoint).toBe(300);
    await mgr.shutdown();
    mgr = await open();
    log = mgr.getLog({ topic: "t", partition: 0 }) as Log;
    expect(log.logEndOffset).toBe(300);
    expect(log.loadReport.clean).toBe(true);
    let all = Buffer.alloc(0);
    for (let off = 0; off < log.logEndOffset; ) {
      const res = log.read(off, { maxBytes: 10000 }).records;
      const bs = splitBatches(res);
      off = bs[bs.length - 1].lastOffset + 1;
      all = Buffer.concat([all, res]);
    }
    expect(splitBatches(all).map((b) => b.baseOffset)).toEqual(appended);
    for (let i = 0; i < 10; i++) log.appendAsLeader(makeBatch({ count: 1, seed: 1000 + i }), 5);
    disk.crash();
    mgr = await open();
    log = mgr.getLog({ topic: "t", partition: 0 }) as Log;
    expect(log.logEndOffset).toBeGreaterThanOrEqual(300);
    expect(log.loadReport.clean).toBe(false);
  });
});
