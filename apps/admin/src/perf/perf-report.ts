import type { OutputStream } from '../cli/command';
import type { LatencySummary } from './latency-histogram';

/** Kafka's perf tools count MB as 2^20 bytes. */
const BYTES_PER_MB = 1024 * 1024;
/** How often the live progress line is redrawn. */
export const PROGRESS_INTERVAL_MS = 1000;

/** The outcome of a perf run, before it is turned into figures. */
export interface PerfResult {
  readonly records: number;
  /** Payload bytes: record values (and keys) as the application sees them, not batch framing. */
  readonly bytes: number;
  readonly elapsedMs: number;
  readonly errors: number;
  readonly latency: LatencySummary;
}

/** The JSON object of a perf run: names carry units. */
export function perfJson(result: PerfResult): Record<string, number> {
  const seconds = result.elapsedMs / 1000;
  return {
    records: result.records,
    errors: result.errors,
    elapsedMs: round(result.elapsedMs),
    recordsPerSec: round(seconds > 0 ? result.records / seconds : 0),
    mbPerSec: round(seconds > 0 ? result.bytes / BYTES_PER_MB / seconds : 0),
    avgLatencyMs: round(result.latency.avgMs),
    p50Ms: round(result.latency.p50Ms),
    p95Ms: round(result.latency.p95Ms),
    p99Ms: round(result.latency.p99Ms),
    p999Ms: round(result.latency.p999Ms),
    maxLatencyMs: round(result.latency.maxMs),
  };
}

/** kafka-producer-perf-test's closing line, with this tool's words for what the latency measures. */
export function perfSummaryLine(verb: string, latencyWhat: string, result: PerfResult): string {
  const j = perfJson(result);
  const errors = result.errors > 0 ? `, ${result.errors} errors` : '';
  return (
    `${j['records']} records ${verb}${errors}, ${j['recordsPerSec']} records/sec (${j['mbPerSec']} MB/sec), ` +
    `${latencyWhat} latency ms: avg ${j['avgLatencyMs']}, p50 ${j['p50Ms']}, p95 ${j['p95Ms']}, p99 ${j['p99Ms']}, p99.9 ${j['p999Ms']}, max ${j['maxLatencyMs']}\n`
  );
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * A live progress line, redrawn in place once a second, only on a terminal:
 * piped output (and the JSON line scripts parse) stays clean.
 */
export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: OutputStream,
    private readonly render: () => string,
  ) {
    if (out.isTTY === true) {
      this.timer = setInterval(() => this.out.write(`\r\u001b[2K${this.render()}`), PROGRESS_INTERVAL_MS);
      this.timer.unref();
    }
  }

  /** Stops redrawing and clears the line. */
  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.out.write('\r\u001b[2K');
  }
}
