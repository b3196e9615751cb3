import { createPrng } from '@tributary/util';
import { CLEAN_SHUTDOWN_FILE, LOG_START_OFFSET_CHECKPOINT_FILE, RECOVERY_POINT_CHECKPOINT_FILE } from '../log-manager';
import { LEADER_EPOCH_CHECKPOINT_FILE } from './log';
import { makeBatch, readAllBatches } from '../test-support/batches';
import { SimHarness } from '../test-support/harness';

const DIR = '/data';
const PART = '/data/t-0';
const segFile = (base: number, kind = 'log'): string => `${PART}/${String(base).padStart(20, '0')}.${kind}`;

/** A log of `n` two-record batches in small segments, shut down cleanly; returns the batches' bytes. */
async function cleanLog(h: SimHarness, n: number, epochs = false): Promise<Buffer[]> {
  await h.open();
  const log = h.log();
  for (let i = 0; i < n; i++) log.appendAsLeader(makeBatch({ count: 2, valueBytes: 120, seed: i }), epochs ? Math.floor(i / 5) : 0);
  const bytes = readAllBatches(log).map((b) => b.bytes);
  await h.manager.shutdown();
  return bytes;
}

function fileSize(h: SimHarness, file: string): number {
  return h.disk.stat(file)?.size ?? -1;
}

function mutate(h: SimHarness, file: string, fn: (fd: number, size: number) => void): void {
  const fd = h.disk.open(file, 'readWrite');
  try {
    fn(fd, h.disk.size(fd));
  } finally {
    h.disk.close(fd);
  }
}

function withSeed(seed: number, fn: () => Promise<void>): Promise<void> {
  return fn().catch((error: unknown) => {
    console.error(`SEED=${seed}`);
    throw error;
  });
}

describe('crash recovery', () => {
  it('truncates a torn active segment at the last whole batch and says so (random cut points)', async () => {
    const base = Number(process.env.SEED ?? 4242);
    for (let run = 0; run < 40; run++) {
      const seed = base + run;
      await withSeed(seed, async () => {
        const prng = createPrng(seed);
        const h = new SimHarness({ segmentBytes: 1500 }, seed);
        const bytes = await cleanLog(h, 20);
        h.disk.unlink(`${DIR}/${CLEAN_SHUTDOWN_FILE}`);
        const last = h.disk.readdir(PART).filter((f) => f.endsWith('.log')).sort().at(-1) as string;
        const file = `${PART}/${last}`;
        const size = fileSize(h, file);
        const cut = prng.intBetween(0, size - 1);
        mutate(h, file, (fd) => h.disk.truncate(fd, cut));
        await h.open();
        const log = h.log();
        const got = readAllBatches(log).map((b) => b.bytes);
        expect(got.length).toBeLessThan(bytes.length);
        got.forEach((b, i) => expect(b.equals(bytes[i])).toBe(true));
        expect(log.logEndOffset).toBe(got.length * 2);
        const lastBase = Number(last.slice(0, 20));
        if (cut > 0 && got.length * 2 > lastBase) expect(h.warnings().some((w) => w.includes('truncating segment'))).toBe(true);
        // Appends continue at the recovered end.
        expect(log.appendAsLeader(makeBatch({ seed: 999 }), 0).firstOffset).toBe(got.length * 2);
      });
    }
  });

  it('truncates at a flipped byte past the recovery point and deletes the segments after it', async () => {
    for (let run = 0; run < 20; run++) {
      const seed = 777 + run;
      await withSeed(seed, async () => {
        const prng = createPrng(seed);
        const h = new SimHarness({ segmentBytes: 1500 }, seed);
        const bytes = await cleanLog(h, 20);
        // A crash with no recovery point: every segment is validated.
        h.disk.unlink(`${DIR}/${CLEAN_SHUTDOWN_FILE}`);
        h.disk.unlink(`${DIR}/${RECOVERY_POINT_CHECKPOINT_FILE}`);
        const logs = h.disk.readdir(PART).filter((f) => f.endsWith('.log')).sort();
        const victim = logs[prng.intBetween(0, logs.length - 2)];
        const file = `${PART}/${victim}`;
        const at = prng.intBetween(21, fileSize(h, file) - 1); // past baseOffset+length+epoch+magic: a CRC-covered byte or the CRC
        mutate(h, file, (fd) => {
          const b = Buffer.alloc(1);
          h.disk.read(fd, b, 0, 1, at);
          b[0] ^= 1 << prng.intBetween(0, 7);
          h.disk.write(fd, b, 0, 1, at);
        });
        await h.open();
        const log = h.log();
        const got = readAllBatches(log).map((b) => b.bytes);
        got.forEach((b, i) => expect(b.equals(bytes[i])).toBe(true));
        expect(got.length).toBeLessThan(bytes.length);
        expect(log.segments().at(-1)?.baseOffset).toBe(Number(victim.slice(0, 20)));
        expect(h.warnings().some((w) => w.includes('no recovery point'))).toBe(true);
        expect(h.warnings().some((w) => w.includes('truncating segment'))).toBe(true);
      });
    }
  });

  it('rebuilds deleted, zeroed or garbled index files of closed segments and says so', async () => {
    for (const damage of ['delete', 'zero', 'garble', 'truncate'] as const) {
      const h = new SimHarness({ segmentBytes: 1500, indexIntervalBytes: 100 }, 5);
      const bytes = await cleanLog(h, 20);
      const logs = h.disk.readdir(PART).filter((f) => f.endsWith('.log')).sort();
      for (const f of logs.slice(0, -1)) {
        const base = Number(f.slice(0, 20));
        for (const kind of ['index', 'timeindex']) {
          const file = segFile(base, kind);
          if (damage === 'delete') h.disk.unlink(file);
          else
            mutate(h, file, (fd, size) => {
              if (damage === 'truncate') h.disk.truncate(fd, Math.max(0, size - 3));
              else h.disk.write(fd, damage === 'zero' ? Buffer.alloc(size) : Buffer.alloc(size, 0xab), 0, size, 0);
            });
        }
      }
      await h.open();
      const log = h.log();
      expect(log.loadReport.clean).toBe(true);
      const got = readAllBatches(log).map((b) => b.bytes);
      expect(got.length).toBe(bytes.length);
      got.forEach((b, i) => expect(b.equals(bytes[i])).toBe(true));
      for (let o = 0; o < 40; o += 3) expect(readAllBatches(log).length).toBe(20);
      expect(log.offsetForTimestamp(0)?.offset).toBe(0);
      expect([damage, h.warnings().filter((w) => w.includes('rebuilt the indexes')).length]).toEqual([damage, logs.length - 1]);
    }
  });

  it('treats missing or garbled checkpoints as absent: full recovery, log start from the segments, epochs from the batches', async () => {
    for (const damage of ['delete', 'garble'] as const) {
      const h = new SimHarness({ segmentBytes: 1500 }, 9);
      const bytes = await cleanLog(h, 20, true);
      for (const f of [`${DIR}/${RECOVERY_POINT_CHECKPOINT_FILE}`, `${DIR}/${LOG_START_OFFSET_CHECKPOINT_FILE}`, `${PART}/${LEADER_EPOCH_CHECKPOINT_FILE}`]) {
        if (damage === 'delete') h.disk.unlink(f);
        else mutate(h, f, (fd, size) => h.disk.write(fd, Buffer.from('0\n7\nnot a checkpoint\n'), 0, Math.min(size, 20), 0));
      }
      await h.open();
      const log = h.log();
      expect(log.loadReport.clean).toBe(false);
      expect(log.loadReport.rebuiltEpochCache).toBe(true);
      expect(readAllBatches(log).map((b) => b.bytes)).toEqual(bytes);
      expect(log.logStartOffset).toBe(0);
      expect(log.leaderEpochEntries).toEqual([0, 1, 2, 3].map((e) => ({ epoch: e, startOffset: e * 10 })));
      if (damage === 'garble') expect(h.warnings().some((w) => w.includes('garbled'))).toBe(true);
      else expect(h.warnings().some((w) => w.includes('no recovery point'))).toBe(true);
    }
  });

  it('does not trust a clean-shutdown marker when the last segment has a bad tail', async () => {
    const h = new SimHarness({ segmentBytes: 1500 }, 3);
    const bytes = await cleanLog(h, 20);
    const last = h.disk.readdir(PART).filter((f) => f.endsWith('.log')).sort().at(-1) as string;
    mutate(h, `${PART}/${last}`, (fd, size) => h.disk.truncate(fd, size - 5));
    await h.open();
    const log = h.log();
    expect(log.loadReport.clean).toBe(false);
    expect(readAllBatches(log).map((b) => b.bytes)).toEqual(bytes.slice(0, -1));
    expect(h.warnings().some((w) => w.includes('tail is invalid'))).toBe(true);
  });

  it('a clean restart reads no segment data', async () => {
    const h = new SimHarness({ segmentBytes: 1500, indexIntervalBytes: 100 }, 3);
    await cleanLog(h, 200);
    const readsBefore = h.disk.stats.reads;
    await h.open();
    const log = h.log();
    expect(log.loadReport.clean).toBe(true);
    expect(log.segmentCount).toBeGreaterThan(20);
    // Only the active segment's indexes and the tail after its last index entry (a handful of reads), not per segment.
    expect(h.disk.stats.reads - readsBefore).toBeLessThan(12);
  });
});

describe('empty index files', () => {
  it('are rebuilt (with a warning) when the segment needs entries, and quietly accepted for a one-batch segment', async () => {
    const h = new SimHarness({ segmentBytes: 1500, indexIntervalBytes: 100 }, 11);
    await h.open();
    const log = h.log();
    for (let i = 0; i < 10; i++) log.appendAsLeader(makeBatch({ count: 2, valueBytes: 120, seed: i }), 0);
    log.roll();
    log.appendAsLeader(makeBatch({ count: 1, valueBytes: 1400, seed: 50 }), 0);
    log.roll();
    log.appendAsLeader(makeBatch({ seed: 51 }), 0);
    await h.manager.shutdown();
    const segs = h.disk.readdir(PART).filter((f) => f.endsWith('.log')).sort();
    // Empty both index files of the first (many-batch) segment.
    for (const kind of ['index', 'timeindex']) mutate(h, segFile(Number(segs[0].slice(0, 20)), kind), (fd) => h.disk.truncate(fd, 0));
    await h.open();
    const again = h.log();
    expect(readAllBatches(again)).toHaveLength(12);
    const warnings = h.warnings().filter((w) => w.includes('rebuilt the indexes'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(segs[0]);
  });
});

describe('recovery point on a segment boundary', () => {
  it('also recovers the segment just below it (rolled after the last fsync, its indexes possibly unsynced)', async () => {
    const h = new SimHarness({ segmentBytes: 1000, indexIntervalBytes: 50 }, 21);
    await h.open();
    const log = h.log();
    // Fill the first segment exactly up to a roll, flush, checkpoint: recovery point = end of segment 0.
    while (log.segmentCount === 1) {
      log.appendAsLeader(makeBatch({ count: 1, valueBytes: 100, seed: log.logEndOffset }), 0);
      if (log.segmentCount === 1) await log.flush();
    }
    const firstEnd = log.segments()[1].baseOffset;
    expect(log.recoveryPoint).toBe(firstEnd);
    h.scheduler.advance(60_000);
    // The OS happens to persist the directory (the new segment's name) but none of segment 0's index writes.
    h.disk.fsyncDirSync(PART);
    await h.crash('drop');
    const after = h.log();
    expect(after.loadReport.recoveredSegments).toBe(2);
    expect(readAllBatches(after).length).toBe(firstEnd);
    for (let o = 0; o < firstEnd; o++) expect(readAllBatches(after)[o].baseOffset).toBe(o);
  });
});
