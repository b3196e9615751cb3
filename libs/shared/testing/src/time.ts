import { type Cancellable, type Clock, FakeScheduler, assert } from '@tributary/util';

/**
 * Lets every already-queued promise continuation run: resolves after the
 * microtask queue has drained (one macrotask turn). Chains that wait on real
 * I/O need more than this.
 */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Bound on the tasks `advanceAsync`/`runUntilIdleAsync` run, to catch runaway rescheduling. */
export const MAX_ASYNC_STEPS = 1_000_000;

/**
 * FakeScheduler from @tributary/util plus async stepping: `advanceAsync`
 * runs due tasks in time order and lets promise continuations they start
 * settle before moving on, so async code driven by the scheduler (await
 * inside a timer callback, then schedule again) behaves as with real timers.
 */
export class TestScheduler extends FakeScheduler {
  private readonly due = new Set<{ readonly dueMs: number }>();

  override schedule(delayMs: number, task: () => void): Cancellable {
    const entry = { dueMs: this.nowMs() + Math.max(0, delayMs) };
    this.due.add(entry);
    const handle = super.schedule(delayMs, () => {
      this.due.delete(entry);
      task();
    });
    return {
      cancel: () => {
        this.due.delete(entry);
        handle.cancel();
      },
    };
  }

  /** When the next pending task is due, or undefined when none is pending. */
  nextDueMs(): number | undefined {
    let next: number | undefined;
    for (const entry of this.due) if (next === undefined || entry.dueMs < next) next = entry.dueMs;
    return next;
  }

  /** `advance(ms)`, flushing microtasks after each instant at which tasks ran. */
  async advanceAsync(ms: number): Promise<void> {
    assert(ms >= 0, 'time only moves forward');
    const targetMs = this.nowMs() + ms;
    await flushMicrotasks();
    for (let steps = 0; ; steps++) {
      assert(steps < MAX_ASYNC_STEPS, `advanceAsync ran more than ${MAX_ASYNC_STEPS} steps`);
      const next = this.nextDueMs();
      if (next === undefined || next > targetMs) break;
      this.advance(Math.max(0, next - this.nowMs()));
      await flushMicrotasks();
    }
    this.advance(targetMs - this.nowMs());
  }

  /** Runs tasks (moving time as needed) until none is pending, flushing microtasks between instants. */
  async runUntilIdleAsync(maxSteps = MAX_ASYNC_STEPS): Promise<void> {
    await flushMicrotasks();
    for (let steps = 0; ; steps++) {
      assert(steps < maxSteps, `runUntilIdleAsync ran more than ${maxSteps} steps`);
      const next = this.nextDueMs();
      if (next === undefined) return;
      this.advance(Math.max(0, next - this.nowMs()));
      await flushMicrotasks();
    }
  }
}

/**
 * A Clock whose wall time and monotonic time move only when told, and can
 * diverge: `jumpWallClock` models NTP steps and VM pauses that move
 * `nowMs` (timestamps) but not `monotonicMs` (timeouts).
 */
export class ManualClock implements Clock {
  private wallMs: number;
  private monoMs: number;

  constructor(startWallMs = 0, startMonotonicMs = 0) {
    this.wallMs = startWallMs;
    this.monoMs = startMonotonicMs;
  }

  nowMs(): number {
    return this.wallMs;
  }

  monotonicMs(): number {
    return this.monoMs;
  }

  /** Moves both clocks forward. */
  advance(ms: number): void {
    assert(ms >= 0, 'time only moves forward');
    this.wallMs += ms;
    this.monoMs += ms;
  }

  /** Sets the wall clock (backwards too); the monotonic clock does not move. */
  jumpWallClock(wallMs: number): void {
    this.wallMs = wallMs;
  }
}
