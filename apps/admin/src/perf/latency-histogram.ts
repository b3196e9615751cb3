/** Relative width of a bucket: a percentile is reported within 1% of the true value. */
export const HISTOGRAM_PRECISION = 0.01;
/** Latencies up to this are bucketed (one hour); larger ones land in the last bucket but still count for max. */
export const HISTOGRAM_MAX_MS = 3_600_000;
/** Latencies below one microsecond share the first bucket. */
const MIN_MS = 0.001;

const LOG_BASE = Math.log1p(HISTOGRAM_PRECISION);
/** ~1,700 buckets: memory stays constant however many records a run sends. */
export const HISTOGRAM_BUCKETS = Math.ceil(Math.log(HISTOGRAM_MAX_MS / MIN_MS) / LOG_BASE) + 2;

/** Latency figures of a run, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly avgMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

/**
 * A log-bucketed latency histogram (HdrHistogram's idea, simplified):
 * constant memory, O(1) record, percentiles accurate to HISTOGRAM_PRECISION.
 * Exact count, sum and max are kept beside the buckets.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(HISTOGRAM_BUCKETS);
  private count = 0;
  private sumMs = 0;
  private maxMs = 0;

  /** Records one latency in milliseconds (negative values, from clock skew, count as 0). */
  record(latencyMs: number): void {
    const value = Math.max(0, latencyMs);
    this.counts[bucketOf(value)]++;
    this.count++;
    this.sumMs += value;
    if (value > this.maxMs) this.maxMs = value;
  }

  get size(): number {
    return this.count;
  }

  /** The smallest bucket bound under which `quantile` (0..1) of the values fall, capped at the exact max; 0 when empty. */
  percentile(quantile: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(quantile * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(upperBoundOf(i), this.maxMs);
    }
    return this.maxMs;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      avgMs: this.count === 0 ? 0 : this.sumMs / this.count,
      p50Ms: this.percentile(0.5),
      p95Ms: this.percentile(0.95),
      p99Ms: this.percentile(0.99),
      p999Ms: this.percentile(0.999),
      maxMs: this.maxMs,
    };
  }
}

function bucketOf(valueMs: number): number {
  if (valueMs <= MIN_MS) return 0;
  return Math.min(HISTOGRAM_BUCKETS - 1, 1 + Math.floor(Math.log(valueMs / MIN_MS) / LOG_BASE));
}

function upperBoundOf(bucket: number): number {
  return bucket === 0 ? MIN_MS : MIN_MS * Math.exp(bucket * LOG_BASE);
}
