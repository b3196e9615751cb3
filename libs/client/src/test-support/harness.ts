import { trace, type Link, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { createPrng, FakeScheduler } from '@tributary/util';
import type { ClientLogger } from '../common/client-deps';
import { recordsBatchCodec } from '../common/records-codec';
import { FakeCluster } from './fake-cluster';

/** Lets every pending promise callback run (responses of the fake cluster are microtasks). */
export async function settle(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Runs what is due now, and what that makes due now, letting promises settle in between. */
export async function runDue(scheduler: FakeScheduler): Promise<void> {
  for (let i = 0; i < 6; i++) {
    scheduler.advance(0);
    await settle();
  }
}

/** Moves fake time forward `ms` in steps of `stepMs`, running due tasks and settling promises at each step. */
export async function advance(scheduler: FakeScheduler, ms: number, stepMs = 1): Promise<void> {
  await runDue(scheduler);
  for (let left = ms; left > 0; ) {
    const step = Math.min(stepMs, left);
    scheduler.advance(step);
    left -= step;
    await runDue(scheduler);
  }
}

/** A logger that keeps what it is told, for assertions (and quiet tests). */
export class RecordingLogger implements ClientLogger {
  readonly warnings: string[] = [];
  warn(message: string): void {
    this.warnings.push(message);
  }
}

export interface StartedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly links: readonly Link[];
  readonly ended: boolean;
}

/** A tracer whose spans have real (seeded) ids, and which remembers what it started. */
export function recordingTracer(seed = 7): Tracer & { readonly spans: StartedSpan[] } {
  const prng = createPrng(seed);
  const hex = (n: number): string => Array.from({ length: n }, () => prng.intBetween(0, 15).toString(16)).join('');
  const spans: StartedSpan[] = [];
  const startSpan = (name: string, options?: SpanOptions) => {
    const record = { name, traceId: hex(32), spanId: hex(16), links: options?.links ?? [], ended: false };
    spans.push(record);
    const span = trace.wrapSpanContext({ traceId: record.traceId, spanId: record.spanId, traceFlags: 1 });
    const end = span.end.bind(span);
    span.end = () => {
      record.ended = true;
      end();
    };
    return span;
  };
  return {
    spans,
    startSpan,
    startActiveSpan: (() => {
      throw new Error('not used');
    }) as Tracer['startActiveSpan'],
  };
}

/** A fake cluster, fake scheduler, seeded PRNG and the deps to build clients on them. */
export function createTestBed(options: { brokers?: number; seed?: number } = {}) {
  const scheduler = new FakeScheduler(1_700_000_000_000);
  const cluster = new FakeCluster(scheduler, options.brokers ?? 1);
  const logger = new RecordingLogger();
  const tracer = recordingTracer(options.seed ?? 1);
  const deps = { transport: cluster, codec: recordsBatchCodec, scheduler, prng: createPrng(options.seed ?? 42), logger, tracer };
  return { scheduler, cluster, logger, tracer, deps, advance: (ms: number, stepMs?: number) => advance(scheduler, ms, stepMs) };
}
