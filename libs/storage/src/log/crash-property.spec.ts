import fc from 'fast-check';
import { SimulatedDisk } from '../disk/simulated-disk';
import { LogManager } from '../log-manager';
import { FakeScheduler } from '@tributary/util';
import type { Log } from './log';
import { silentStorageLogger } from './logger';
import { makeBatch, readAllBatches, splitBatches } from '../test-support/batches';

type Step = { kind: 'append'; count: number; valueBytes: number; durable: boolean } | { kind: 'tick'; n: number } | { kind: 'flush' } | { kind: 'roll' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), count: fc.integer({ min: 1, max: 6 }), valueBytes: fc.integer({ min: 0, max: 600 }), durable: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), n: fc.integer({ min: 0, max: 12 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'roll' as const }) },
);

/**
 * The durability contract under crashes at arbitrary moments, including while
 * fsync rounds are in flight: after any crash the log is a prefix of what was
 * appended, every batch whole, and it holds everything whose durable append
 * was acknowledged (or that a completed flush covered).
 */
describe('crash property (simulated disk)', () => {
  it('after any crash the log is a prefix of the appends and contains everything acknowledged as durable', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(fc.array(stepArb, { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 4 }), fc.constantFrom<'tear' | 'drop' | 'last'>('tear', 'drop', 'last'), async (seed, lives, mode) => {
        try {
          const disk = new SimulatedDisk({ seed });
          const scheduler = new FakeScheduler(1_700_000_000_000);
          const open = () => LogManager.open({ disk, logDirs: ['/d'], scheduler, logger: silentStorageLogger, defaultConfig: { segmentBytes: 6000, indexIntervalBytes: 300 } });
          let appended: Buffer[] = [];
          let acked = 0;
          let seq = 0;
          for (const steps of lives) {
            const mgr = await open();
            const log: Log = mgr.getOrCreateLog({ topic: 'c', partition: 0 });
            // What survived the previous crash is a prefix of what was appended, with everything acknowledged.
            const have = readAllBatches(log).map((b) => b.bytes);
            expect(have.length).toBeLessThanOrEqual(appended.length);
            have.forEach((b, i) => expect(b.equals(appended[i])).toBe(true));
            expect(log.logEndOffset).toBeGreaterThanOrEqual(acked);
            appended = appended.slice(0, have.length);
            acked = Math.min(acked, log.logEndOffset);
            let alive = true;
            for (const step of steps) {
              if (step.kind === 'append') {
                const buf = makeBatch({ count: step.count, valueBytes: step.valueBytes, seed: ++seq });
                if (step.durable) {
                  const p = log.append(buf, { leaderEpoch: 0, durable: true });
                  void p.then(
                    (info) => {
                      if (alive) acked = Math.max(acked, info.lastOffset + 1);
                    },
                    () => undefined,
                  );
                } else log.appendAsLeader(buf, 0);
                appended.push(Buffer.from(splitBatches(buf)[0].bytes));
              } else if (step.kind === 'tick') {
                for (let i = 0; i < step.n; i++) await Promise.resolve();
              } else if (step.kind === 'flush') {
                const end = log.logEndOffset;
                void log.flush().then(
                  () => {
                    if (alive) acked = Math.max(acked, end);
                  },
                  () => undefined,
                );
              } else log.roll();
            }
            alive = false;
            mgr.abandon();
            disk.crash({ mode });
          }
        } catch (error) {
          console.error(`SEED=${seed}`);
          throw error;
        }
      }),
      { numRuns: Number(process.env.STORAGE_PROPERTY_RUNS ?? 200) },
    );
  });
});
