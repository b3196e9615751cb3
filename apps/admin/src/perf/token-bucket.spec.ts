import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('lets a burst of one millisecond of tokens through, then paces at the rate', () => {
    const bucket = new TokenBucket(5000, 0);
    const delays = Array.from({ length: 7 }, () => bucket.take(0));
    // 5 tokens per ms: five immediate sends, then 0.2 ms per record.
    expect(delays.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(delays[5]).toBeCloseTo(0.2, 9);
    expect(delays[6]).toBeCloseTo(0.4, 9);
  });

  it('sends at the rate over a long run, however the caller is scheduled', () => {
    const bucket = new TokenBucket(1000, 0);
    let now = 0;
    for (let i = 0; i < 10_000; i++) now += bucket.take(now) + (i % 7 === 0 ? 0.3 : 0);
    // 10,000 records at 1,000/s take ~10 s (one token of initial burst).
    expect(now).toBeGreaterThanOrEqual(9_990);
    expect(now).toBeLessThanOrEqual(10_000 + 10_000 * 0.3);
  });

  it('does not save up more than the burst while idle', () => {
    const bucket = new TokenBucket(1000, 0);
    expect(bucket.take(60_000)).toBe(0);
    expect(bucket.take(60_000)).toBeCloseTo(1, 9);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new TokenBucket(0, 0)).toThrow(/must be positive/);
  });
});
