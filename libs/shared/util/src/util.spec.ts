import { AssertionError, assert, assertSafeInteger } from './assert';
import { BoundedQueue } from './bounded-queue';
import { FakeScheduler } from './fake-scheduler';
import { createPrng } from './prng';

describe('assert', () => {
  it('throws AssertionError with the message, lazily built', () => {
    expect(() => assert(false, () => 'broken invariant')).toThrow(new AssertionError('broken invariant'));
    expect(() => assert(1, 'fine')).not.toThrow();
  });

  it('checks safe integers and ranges', () => {
    expect(assertSafeInteger(5, 'x', 0, 10)).toBe(5);
    expect(() => assertSafeInteger(2 ** 53, 'offset')).toThrow(/offset must be a safe integer/);
    expect(() => assertSafeInteger(-1, 'count', 0)).toThrow(AssertionError);
  });
});

describe('BoundedQueue', () => {
  it('is FIFO, refuses offers when full and wraps around', () => {
    const q = new BoundedQueue<number>(2);
    expect(q.offer(1)).toBe(true);
    expect(q.offer(2)).toBe(true);
    expect(q.offer(3)).toBe(false);
    expect(q.poll()).toBe(1);
    expect(q.offer(3)).toBe(true);
    expect([...q]).toEqual([2, 3]);
    expect(q.poll()).toBe(2);
    expect(q.poll()).toBe(3);
    expect(q.poll()).toBeUndefined();
  });

  it('rejects a non-positive capacity', () => {
    expect(() => new BoundedQueue(0)).toThrow(AssertionError);
  });
});

describe('FakeScheduler', () => {
  it('runs tasks in due order, ties in scheduling order, and skips cancelled ones', () => {
    const s = new FakeScheduler(100);
    const ran: string[] = [];
    s.schedule(10, () => ran.push(`b@${s.nowMs()}`));
    s.schedule(5, () => ran.push(`a@${s.nowMs()}`));
    s.schedule(10, () => ran.push(`c@${s.nowMs()}`));
    s.schedule(7, () => ran.push('never')).cancel();
    s.advance(9);
    expect(ran).toEqual(['a@105']);
    s.advance(1);
    expect(ran).toEqual(['a@105', 'b@110', 'c@110']);
    expect(s.nowMs()).toBe(110);
  });

  it('runs tasks scheduled by tasks, and runUntilIdle is bounded', () => {
    const s = new FakeScheduler();
    let count = 0;
    const tick = (): void => {
      count++;
      if (count < 3) s.schedule(1, tick);
    };
    s.schedule(1, tick);
    s.runUntilIdle();
    expect(count).toBe(3);
    expect(s.nowMs()).toBe(3);
    const forever = (): void => void s.schedule(1, forever);
    s.schedule(0, forever);
    expect(() => s.runUntilIdle(100)).toThrow(/more than 100 tasks/);
  });
});

describe('createPrng', () => {
  it('is deterministic per seed and stays in range', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const xs = Array.from({ length: 100 }, () => a.intBetween(3, 7));
    expect(Array.from({ length: 100 }, () => b.intBetween(3, 7))).toEqual(xs);
    expect(Math.min(...xs)).toBe(3);
    expect(Math.max(...xs)).toBe(7);
    expect(createPrng(43).next()).not.toBe(createPrng(42).next());
  });
});
