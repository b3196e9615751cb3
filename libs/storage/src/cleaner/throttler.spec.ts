import fc from 'fast-check';
import { AssertionError, FakeScheduler } from '@tributary/util';
import { Throttler } from './throttler';

/** Runs `acquire` calls of the given sizes back to back on a fake clock; returns when each one resolved. */
async function drive(throttler: Throttler, scheduler: FakeScheduler, sizes: readonly number[]): Promise<number[]> {
  const doneAt: number[] = [];
  for (const size of sizes) {
    let done = false;
    void throttler.acquire(size).then(() => (done = true));
    await Promise.resolve();
    while (!done) {
      scheduler.advance(1);
      await Promise.resolve();
    }
    doneAt.push(scheduler.nowMs());
  }
  return doneAt;
}

describe('Throttler', () => {
  it('does not wait when unthrottled', async () => {
    const scheduler = new FakeScheduler();
    const throttler = new Throttler(scheduler, Number.POSITIVE_INFINITY);
    await throttler.acquire(1e12);
    expect(scheduler.pendingCount).toBe(0);
  });

  it('lets a burst of up to the slack through at once, then paces at the rate', async () => {
    const scheduler = new FakeScheduler();
    const throttler = new Throttler(scheduler, 1000, 100); // 1000 B/s, 100 ms slack
    const doneAt = await drive(throttler, scheduler, [100, 100, 100, 100]);
    // 100 B = 100 ms of budget each: the first fits the slack, later ones wait for the schedule.
    expect(doneAt).toEqual([0, 100, 200, 300]);
  });

  it('keeps bytes within rate × (elapsed + slack) over any run (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 100, max: 100_000 }), async (sizes, rate) => {
        const scheduler = new FakeScheduler();
        const throttler = new Throttler(scheduler, rate, 100);
        const doneAt = await drive(throttler, scheduler, sizes);
        let bytes = 0;
        sizes.forEach((size, i) => {
          bytes += size;
          expect(bytes).toBeLessThanOrEqual((rate * (doneAt[i] + 100)) / 1000 + 1);
        });
        // And it never sleeps much longer than the rate requires.
        expect(doneAt[doneAt.length - 1]).toBeLessThanOrEqual(Math.ceil((bytes * 1000) / rate) + 1);
      }),
      { numRuns: 50 },
    );
  });

  it('earns no credit while idle', async () => {
    const scheduler = new FakeScheduler();
    const throttler = new Throttler(scheduler, 1000, 0);
    scheduler.advance(10_000);
    const start = scheduler.nowMs();
    const doneAt = await drive(throttler, scheduler, [500]);
    expect(doneAt[0] - start).toBe(500);
  });

  it('applies a new rate from the next acquire and rejects a non-positive one', async () => {
    const scheduler = new FakeScheduler();
    const throttler = new Throttler(scheduler, 1000, 0);
    throttler.setRate(10_000);
    expect(await drive(throttler, scheduler, [1000])).toEqual([100]);
    expect(() => throttler.setRate(0)).toThrow(AssertionError);
  });
});
