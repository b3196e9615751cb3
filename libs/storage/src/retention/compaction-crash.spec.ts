import { decodeRecordBatch, encodeRecordBatch } from '@tributary/records';
import { FakeScheduler } from '@tributary/util';
import { CleanerCheckpointStore } from '../cleaner/cleaner-checkpoint-store';
import { rec, text } from '../cleaner/test-support/records';
import { type Disk, makeDiskError } from '../disk/disk';
import { SimulatedDisk } from '../disk/simulated-disk';
import type { Log } from '../log/log';
import { CapturingStorageLogger } from '../log/logger';
import { LogManager } from '../log-manager';
import { readAllBatches } from '../test-support/batches';
import { CleanupManager } from './cleanup-manager';
import { managedLogsOf } from './log-adapter';

const T0 = 1_700_000_000_000;
const TP = { topic: 'state', partition: 0 };
const MUTATING = new Set(['open', 'write', 'truncate', 'fsync', 'fsyncSync', 'fsyncDir', 'fsyncDirSync', 'rename', 'unlink', 'mkdir', 'rmdir']);

/** The simulated disk, failing (EIO) the `failAt`-th mutating operation once armed: where the power goes out. */
function crashPointDisk(sim: SimulatedDisk): { disk: Disk; arm: (failAt: number) => void; count: () => number } {
  let armed = false;
  let failAt = Number.POSITIVE_INFINITY;
  let ops = 0;
  const disk = new Proxy(sim, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function' || typeof key !== 'string' || !MUTATING.has(key)) return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        if (armed && ++ops === failAt) {
          const error = makeDiskError('EIO', key);
          if (key === 'fsync' || key === 'fsyncDir') return Promise.reject(error);
          throw error;
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    disk,
    arm: (at) => {
      armed = true;
      failAt = at;
      ops = 0;
    },
    count: () => ops,
  };
}

function readable(log: Log): string[] {
  return readAllBatches(log)
    .flatMap((b) => decodeRecordBatch(b.bytes).records)
    .filter((r) => r.offset >= log.logStartOffset)
    .map((r) => `${r.offset}:${text(r.key)}=${text(r.value)}`);
}

/**
 * A durable compacted-topic log with three closed segments, then one cleanup
 * pass whose `failAt`-th disk mutation fails, then a power cut; returns what
 * the log holds after recovery (and the ops a whole pass takes).
 */
async function compactAndCrash(failAt: number, seed: number): Promise<{ before: string[]; after: string[]; recovered: string[]; ops: number }> {
  const sim = new SimulatedDisk({ seed });
  const { disk, arm, count } = crashPointDisk(sim);
  const scheduler = new FakeScheduler(T0);
  const logger = new CapturingStorageLogger();
  const logs = await LogManager.open({ disk, logDirs: ['/data'], scheduler, logger });
  const log = logs.getOrCreateLog(TP, { config: { cleanupPolicy: ['compact'], minCleanableDirtyRatio: 0, segmentBytes: 1 << 20, indexIntervalBytes: 64 } });
  for (let segment = 0; segment < 3; segment++) {
    for (let i = 0; i < 6; i++) log.appendAsLeader(encodeRecordBatch({ records: [rec(`k${(segment * 6 + i) % 4}`, `s${segment}-${i}`, T0)] }), 0);
    log.roll();
  }
  log.appendAsLeader(encodeRecordBatch({ records: [rec('k0', 'active', T0)] }), 0);
  await log.flush();
  logs.checkpoint();
  const before = readable(log);

  arm(failAt);
  const cleaner = new CleanupManager({ scheduler, logs: managedLogsOf(logs), checkpoints: new CleanerCheckpointStore(disk, logger), logger });
  await cleaner.runPass();
  const after = log.isOffline ? [] : readable(log);
  const ops = count();

  sim.crash({ mode: 'tear' });
  const reopened = await LogManager.open({ disk: sim, logDirs: ['/data'], scheduler: new FakeScheduler(T0), logger: new CapturingStorageLogger() });
  const recovered = readable(reopened.getLog(TP) as Log);
  const leftovers = sim.readdir('/data/state-0').filter((name) => /\.(cleaned|swap)$/.test(name));
  expect(leftovers).toEqual([]);
  return { before, after, recovered, ops };
}

describe('a crash during compaction', () => {
  it('recovers to the old segments or the compacted ones, never a mix, whichever disk operation the crash interrupts', async () => {
    const reference = await compactAndCrash(Number.POSITIVE_INFINITY, 1);
    expect(reference.after.length).toBeLessThan(reference.before.length); // the pass does compact
    expect(reference.recovered).toEqual(reference.after); // a crash after the pass keeps its result
    expect(reference.ops).toBeGreaterThan(5);

    const outcomes = { old: 0, compacted: 0 };
    for (let failAt = 1; failAt <= reference.ops; failAt++) {
      for (const seed of [1, 2]) {
        const { recovered } = await compactAndCrash(failAt, seed);
        const which = JSON.stringify(recovered) === JSON.stringify(reference.before) ? 'old' : JSON.stringify(recovered) === JSON.stringify(reference.after) ? 'compacted' : 'mix';
        if (which === 'mix') throw new Error(`failAt=${failAt} SEED=${seed}: recovered ${JSON.stringify(recovered)}`);
        outcomes[which]++;
      }
    }
    // Crashes early in the pass keep the old segments, late ones the compacted ones.
    expect(outcomes.old).toBeGreaterThan(0);
    expect(outcomes.compacted).toBeGreaterThan(0);
  });
});
