import type { Clock } from './clock';

/** A handle to cancel a scheduled task. */
export interface Cancellable {
  cancel(): void;
}

/** Schedules callbacks after a delay. Pure cores receive one instead of using timers. */
export interface Scheduler extends Clock {
  /** Runs `task` once after `delayMs` milliseconds (0 = as soon as possible). */
  schedule(delayMs: number, task: () => void): Cancellable;
}

/** The real scheduler on Node timers. Timers are unref'd so they never keep a process alive on their own. */
export const systemScheduler: Scheduler = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
  schedule(delayMs, task) {
    const timer = setTimeout(task, Math.max(0, delayMs));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
