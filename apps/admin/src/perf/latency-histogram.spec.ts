import { createPrng } from '@tributary/util';
import { HISTOGRAM_PRECISION, LatencyHistogram } from './latency-histogram';

describe('LatencyHistogram', () => {
  it('is all zeros when empty', () => {
    expect(new LatencyHistogram().summary()).toEqual({ count: 0, avgMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 });
  });

  it('reports percentiles within the precision of the exact ones, and the exact max and mean', () => {
    const seed = 20261121;
    const prng = createPrng(seed);
    const histogram = new LatencyHistogram();
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      // A long-tailed distribution from 10 µs to ~10 s.
      const value = 0.01 * Math.exp(prng.next() * Math.log(1e6));
      values.push(value);
      histogram.record(value);
    }
    values.sort((a, b) => a - b);
    const exact = (q: number) => values[Math.ceil(q * values.length) - 1];
    const summary = histogram.summary();
    for (const [q, got] of [
      [0.5, summary.p50Ms],
      [0.95, summary.p95Ms],
      [0.99, summary.p99Ms],
      [0.999, summary.p999Ms],
    ] as const) {
      const want = exact(q);
      expect({ seed, q, within: got >= want && got <= want * (1 + HISTOGRAM_PRECISION) }).toEqual({ seed, q, within: true });
    }
    expect(summary.maxMs).toBe(values[values.length - 1]);
    expect(summary.avgMs).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
    expect(summary.count).toBe(values.length);
  });

  it('counts negative latencies (clock skew) as zero and caps percentiles at the max', () => {
    const histogram = new LatencyHistogram();
    histogram.record(-5);
    histogram.record(2);
    expect(histogram.percentile(0.5)).toBe(0.001);
    expect(histogram.percentile(1)).toBe(2);
  });
});
