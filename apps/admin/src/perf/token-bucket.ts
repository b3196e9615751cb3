import { assert } from '@tributary/util';

/**
 * How much unused sending time a bucket may save up. Timers wake late (never
 * sooner than ~1 ms, later on a busy machine), so a bucket that saves less
 * than a few timer slips falls behind its rate; one that saves seconds turns
 * a stall into a burst. 100 ms is both.
 */
export const MAX_BURST_MS = 100;

/**
 * Paces sends at `ratePerSec`: tokens accrue at the rate, up to MAX_BURST_MS
 * worth, starting with one. Pure: the caller passes the monotonic time and
 * sleeps for the returned delay.
 */
export class TokenBucket {
  private readonly capacity: number;
  private tokens = 1;
  private lastMs: number;

  constructor(
    readonly ratePerSec: number,
    nowMs: number,
  ) {
    assert(ratePerSec > 0 && Number.isFinite(ratePerSec), () => `rate ${ratePerSec} must be positive`);
    this.capacity = Math.max(1, (ratePerSec * MAX_BURST_MS) / 1000);
    this.lastMs = nowMs;
  }

  /** Takes one token: 0 when it is available now, else how many ms until it is (the token is then spent in advance). */
  take(nowMs: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + ((nowMs - this.lastMs) * this.ratePerSec) / 1000);
    this.lastMs = nowMs;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.ratePerSec;
  }
}
