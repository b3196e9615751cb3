import { assert } from '@tributary/util';

/**
 * Paces sends at `ratePerSec` with a burst of one millisecond's worth of
 * tokens (timers cannot wait less than ~1 ms, so finer pacing is not
 * possible anyway). Pure: the caller passes the monotonic time and sleeps
 * for the returned delay.
 */
export class TokenBucket {
  private readonly capacity: number;
  private tokens: number;
  private lastMs: number;

  constructor(
    readonly ratePerSec: number,
    nowMs: number,
  ) {
    assert(ratePerSec > 0 && Number.isFinite(ratePerSec), () => `rate ${ratePerSec} must be positive`);
    this.capacity = Math.max(1, ratePerSec / 1000);
    this.tokens = this.capacity;
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
