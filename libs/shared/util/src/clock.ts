/** Wall-clock and monotonic time in milliseconds. Pure cores receive one instead of calling Date.now. */
export interface Clock {
  /** Milliseconds since the Unix epoch (may jump; use for timestamps). */
  nowMs(): number;
  /** Monotonic milliseconds from an arbitrary origin (never jumps; use for timeouts). */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};
