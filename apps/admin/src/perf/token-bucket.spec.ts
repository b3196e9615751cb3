import { MAX_BURST_MS, TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('starts with one token, then paces at the rate', () => {
    const bucket = new TokenBucket(5000, 0);
    const delays = Array.from({ length: 4 }, () => bucket.take(0));
    expect(delays[0]).toBe(0);
    expect(delays[1]).toBeCloseTo(0.2, 9);
    expect(delays[2]).toBeCloseTo(0.4, 9);
    expect(delays[3]).toBeCloseTo(0.6, 9);
  });

  it('keeps the rate when the caller wakes late, as timers do', () => {
    const bucket = new TokenBucket(5000, 0);
    let now = 0;
    for (let i = 0; i < 50_000; i++) {
      const delay = bucket.take(now);
      // A timer never fires sooner than 1 ms, and often later.
      if (delay > 0) now += Math.max(1, delay) + (i % 3 === 0 ? 0.7 : 0.1);
    }
    // 50,000 records at 5,000/s: 10 s, give or take one late wake-up.
    expect(now).toBeGreaterThanOrEqual(9_990);
    expect(now).toBeLessThanOrEqual(10_010);
  });

  it('saves up at most MAX_BURST_MS of tokens while idle', () => {
    const bucket = new TokenBucket(1000, 0);
    const burst = (1000 * MAX_BURST_MS) / 1000;
    for (let i = 0; i < burst; i++) expect(bucket.take(60_000)).toBe(0);
    expect(bucket.take(60_000)).toBeCloseTo(1, 9);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new TokenBucket(0, 0)).toThrow(/must be positive/);
  });
});
