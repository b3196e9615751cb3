import { assert } from './assert';
import type { Cancellable, Scheduler } from './scheduler';

interface Pending {
  readonly dueMs: number;
  readonly seq: number;
  readonly task: () => void;
  cancelled: boolean;
}

/**
 * A deterministic scheduler for tests and simulations: time moves only when
 * `advance`/`runUntilIdle` is called; tasks due at the same time run in the
 * order they were scheduled.
 */
export class FakeScheduler implements Scheduler {
  private currentMs: number;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(startMs = 0) {
    this.currentMs = startMs;
  }

  nowMs(): number {
    return this.currentMs;
  }

  monotonicMs(): number {
    return this.currentMs;
  }

  schedule(delayMs: number, task: () => void): Cancellable {
    const entry: Pending = { dueMs: this.currentMs + Math.max(0, delayMs), seq: this.seq++, task, cancelled: false };
    this.pending.push(entry);
    return { cancel: () => (entry.cancelled = true) };
  }

  /** Number of tasks not yet run or cancelled. */
  get pendingCount(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }

  /** Moves time forward by `ms`, running every task that falls due on the way, in order. */
  advance(ms: number): void {
    assert(ms >= 0, 'time only moves forward');
    const targetMs = this.currentMs + ms;
    for (let next = this.takeNextDue(targetMs); next; next = this.takeNextDue(targetMs)) {
      this.currentMs = next.dueMs;
      next.task();
    }
    this.currentMs = targetMs;
  }

  /** Runs tasks (moving time as needed) until none is left; bounded to catch runaway loops. */
  runUntilIdle(maxTasks = 1_000_000): void {
    for (let ran = 0; ; ran++) {
      assert(ran < maxTasks, `runUntilIdle ran more than ${maxTasks} tasks`);
      const next = this.takeNextDue(Number.POSITIVE_INFINITY);
      if (!next) return;
      this.currentMs = Math.max(this.currentMs, next.dueMs);
      next.task();
    }
  }

  private takeNextDue(limitMs: number): Pending | undefined {
    this.pending = this.pending.filter((p) => !p.cancelled);
    let best: Pending | undefined;
    for (const p of this.pending) {
      if (p.dueMs <= limitMs && (!best || p.dueMs < best.dueMs || (p.dueMs === best.dueMs && p.seq < best.seq))) best = p;
    }
    if (best) this.pending.splice(this.pending.indexOf(best), 1);
    return best;
  }
}
