import { assert, type Scheduler } from '@tributary/util';

/** How far ahead of the rate the cleaner may run before it sleeps; also the longest burst at full speed. */
export const DEFAULT_THROTTLE_SLACK_MS = 100;

/**
 * Bounds the cleaner's I/O to `bytesPerSecond` (Kafka's
 * `log.cleaner.io.max.bytes.per.second`, which counts reads and writes
 * together). Every byte is charged against a virtual schedule at the rate; when
 * the schedule runs more than `slackMs` ahead of the clock, `acquire` sleeps on
 * the Scheduler until it is back within the slack. So over any window of
 * `w` ms the cleaner moves at most `rate * (w + slackMs) / 1000` bytes, and idle
 * time earns no credit for a later burst.
 */
export class Throttler {
  private scheduleMs: number;
  private bytesPerSecond: number;

  constructor(
    private readonly scheduler: Scheduler,
    bytesPerSecond: number,
    private readonly slackMs = DEFAULT_THROTTLE_SLACK_MS,
  ) {
    this.bytesPerSecond = checkedRate(bytesPerSecond);
    this.scheduleMs = scheduler.monotonicMs();
  }

  get rateBytesPerSecond(): number {
    return this.bytesPerSecond;
  }

  /** Changes the rate; it applies from the next `acquire`. */
  setRate(bytesPerSecond: number): void {
    this.bytesPerSecond = checkedRate(bytesPerSecond);
  }

  /** Charges `bytes` of I/O; resolves when the cleaner may go on. Resolves at once when unthrottled. */
  acquire(bytes: number): Promise<void> {
    if (this.bytesPerSecond === Number.POSITIVE_INFINITY || bytes <= 0) return Promise.resolve();
    const nowMs = this.scheduler.monotonicMs();
    this.scheduleMs = Math.max(this.scheduleMs, nowMs) + (bytes * 1000) / this.bytesPerSecond;
    const waitMs = this.scheduleMs - nowMs - this.slackMs;
    if (waitMs <= 0) return Promise.resolve();
    return new Promise((resolve) => this.scheduler.schedule(Math.ceil(waitMs), resolve));
  }
}

function checkedRate(bytesPerSecond: number): number {
  assert(bytesPerSecond > 0, `log.cleaner.io.max.bytes.per.second must be positive, got ${bytesPerSecond}`);
  return bytesPerSecond;
}
