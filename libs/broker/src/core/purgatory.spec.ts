import { FakeScheduler } from '@tributary/util';
import { type DelayedOperation, Purgatory } from './purgatory';

class Waiter implements DelayedOperation {
  completions: string[] = [];
  constructor(public ready = false) {}
  tryComplete(): boolean {
    if (!this.ready) return false;
    this.completions.push('ready');
    return true;
  }
  complete(): void {
    this.completions.push('forced');
  }
}

describe('Purgatory', () => {
  it('completes at once when the operation can', () => {
    const p = new Purgatory(new FakeScheduler(), 10);
    const op = new Waiter(true);
    p.tryCompleteElseWatch(op, ['t-0'], 500);
    expect(op.completions).toEqual(['ready']);
    expect(p.size).toBe(0);
  });

  it('completes a parked operation when a watched key fires, exactly once', () => {
    const scheduler = new FakeScheduler();
    const p = new Purgatory(scheduler, 10);
    const op = new Waiter();
    p.tryCompleteElseWatch(op, ['t-0', 't-1'], 500);
    expect(p.checkAndComplete('t-0')).toBe(0);
    op.ready = true;
    expect(p.checkAndComplete('t-1')).toBe(1);
    expect(p.checkAndComplete('t-0')).toBe(0);
    scheduler.advance(1000);
    expect(op.completions).toEqual(['ready']);
    expect(p.size).toBe(0);
  });

  it('forces completion at the timeout', () => {
    const scheduler = new FakeScheduler();
    const p = new Purgatory(scheduler, 10);
    const op = new Waiter();
    p.tryCompleteElseWatch(op, ['t-0'], 500);
    scheduler.advance(499);
    expect(op.completions).toEqual([]);
    scheduler.advance(1);
    expect(op.completions).toEqual(['forced']);
    expect(p.checkAndComplete('t-0')).toBe(0);
  });

  it('does not park beyond its bound and completes everything on shutdown', () => {
    const p = new Purgatory(new FakeScheduler(), 1);
    const first = new Waiter();
    const second = new Waiter();
    p.tryCompleteElseWatch(first, ['a'], 500);
    p.tryCompleteElseWatch(second, ['a'], 500);
    expect(second.completions).toEqual(['forced']);
    p.completeAll();
    expect(first.completions).toEqual(['forced']);
    expect(p.size).toBe(0);
  });

  it('force-completes one parked operation and frees its slot, once', () => {
    const scheduler = new FakeScheduler();
    const p = new Purgatory(scheduler, 10);
    const op = new Waiter();
    const other = new Waiter();
    p.tryCompleteElseWatch(op, ['t-0'], 500);
    p.tryCompleteElseWatch(other, ['t-0'], 500);
    expect(p.forceComplete(op)).toBe(true);
    expect(op.completions).toEqual(['forced']);
    expect(p.size).toBe(1);
    expect(p.forceComplete(op)).toBe(false);
    scheduler.advance(500);
    expect(op.completions).toEqual(['forced']);
    expect(other.completions).toEqual(['forced']);
    expect(p.size).toBe(0);
  });
});
