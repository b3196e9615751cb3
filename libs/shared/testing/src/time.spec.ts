import { FakeScheduler } from '@tributary/util';
import { ManualClock, TestScheduler, flushMicrotasks } from './time';

/** A loop that awaits between ticks, as async services do. */
function asyncTicker(scheduler: FakeScheduler, log: string[], count: number): void {
  let n = 0;
  const tick = async (): Promise<void> => {
    await Promise.resolve();
    log.push(`tick ${++n} @${scheduler.nowMs()}`);
    if (n < count) scheduler.schedule(10, () => void tick());
  };
  scheduler.schedule(10, () => void tick());
}

describe('TestScheduler', () => {
  it('is a FakeScheduler', () => {
    expect(new TestScheduler()).toBeInstanceOf(FakeScheduler);
  });

  it('lets awaiting tasks reschedule themselves within one advanceAsync', async () => {
    const plain = new FakeScheduler();
    const plainLog: string[] = [];
    asyncTicker(plain, plainLog, 3);
    plain.advance(30);
    await flushMicrotasks();
    expect(plainLog).toEqual(['tick 1 @30']);

    const scheduler = new TestScheduler(1000);
    const log: string[] = [];
    asyncTicker(scheduler, log, 3);
    await scheduler.advanceAsync(30);
    expect(log).toEqual(['tick 1 @1010', 'tick 2 @1020', 'tick 3 @1030']);
    expect(scheduler.nowMs()).toBe(1030);
  });

  it('stops at the target time and knows the next due task', async () => {
    const scheduler = new TestScheduler();
    const log: string[] = [];
    asyncTicker(scheduler, log, 5);
    await scheduler.advanceAsync(25);
    expect(log).toHaveLength(2);
    expect(scheduler.nowMs()).toBe(25);
    expect(scheduler.nextDueMs()).toBe(30);
    const cancelled = scheduler.schedule(1, () => log.push('never'));
    expect(scheduler.nextDueMs()).toBe(26);
    cancelled.cancel();
    expect(scheduler.nextDueMs()).toBe(30);
    await scheduler.runUntilIdleAsync();
    expect(log).toEqual(['tick 1 @10', 'tick 2 @20', 'tick 3 @30', 'tick 4 @40', 'tick 5 @50']);
    expect(scheduler.nextDueMs()).toBeUndefined();
  });

  it('bounds runaway rescheduling', async () => {
    const scheduler = new TestScheduler();
    const forever = (): void => void scheduler.schedule(1, forever);
    forever();
    await expect(scheduler.runUntilIdleAsync(50)).rejects.toThrow(/more than 50 steps/);
  });
});

describe('ManualClock', () => {
  it('moves wall and monotonic time together, and the wall clock alone on a jump', () => {
    const clock = new ManualClock(1_000_000, 5);
    clock.advance(10);
    expect([clock.nowMs(), clock.monotonicMs()]).toEqual([1_000_010, 15]);
    clock.jumpWallClock(0);
    expect([clock.nowMs(), clock.monotonicMs()]).toEqual([0, 15]);
    expect(() => clock.advance(-1)).toThrow(/forward/);
  });
});
