import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, context, trace } from '@opentelemetry/api';
import { type TestTelemetry, installTestTelemetry } from './test-support/test-telemetry';
import { getMeter, getTracer, withSpan } from './tracing';
import { injectTraceContext } from './propagation';

describe('withSpan without an SDK', () => {
  it('runs the function with a non-recording span and costs no propagation', () => {
    const tracer = getTracer('@tributary/telemetry-test');
    const setter = jest.fn();
    const result = withSpan(tracer, 'op', { a: 1 }, (span) => {
      expect(span.isRecording()).toBe(false);
      injectTraceContext(context.active(), setter);
      return 42;
    });
    expect(result).toBe(42);
    expect(setter).not.toHaveBeenCalled();
  });

  it('hands out meters that accept measurements', () => {
    const counter = getMeter('@tributary/telemetry-test').createCounter('test.count');
    expect(() => counter.add(1, { a: 'b' })).not.toThrow();
  });
});

describe('withSpan with a tracer provider', () => {
  let telemetry: TestTelemetry;
  beforeEach(() => {
    telemetry = installTestTelemetry();
  });
  afterEach(() => telemetry.uninstall());

  const tracer = () => getTracer('@tributary/telemetry-test');

  it('ends a sync span, leaves status unset and makes the span active inside', () => {
    const value = withSpan(tracer(), 'sync', { 'messaging.system': 'tributary' }, (span) => {
      expect(trace.getActiveSpan()).toBe(span);
      return 'ok';
    });
    expect(value).toBe('ok');
    const [span] = telemetry.spans;
    expect(span).toMatchObject({ name: 'sync', ended: true, status: { code: SpanStatusCode.UNSET }, attributes: { 'messaging.system': 'tributary' } });
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('records a sync throw, sets ERROR and rethrows the same error', () => {
    const error = new Error('boom');
    expect(() =>
      withSpan(tracer(), 'sync-fail', {}, () => {
        throw error;
      }),
    ).toThrow(error);
    const [span] = telemetry.spans;
    expect(span?.ended).toBe(true);
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    expect(span?.events).toEqual([{ name: 'exception', attributes: { 'exception.message': 'boom' } }]);
  });

  it('ends an async span only when the promise settles, keeping it active across awaits', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const pending = withSpan(tracer(), 'async', {}, async (span) => {
      await gate;
      expect(trace.getActiveSpan()).toBe(span);
      return 7;
    });
    expect(telemetry.spans[0]?.ended).toBe(false);
    release();
    await expect(pending).resolves.toBe(7);
    expect(telemetry.spans[0]?.ended).toBe(true);
  });

  it('records an async rejection and rethrows it', async () => {
    await expect(withSpan(tracer(), 'async-fail', {}, async () => Promise.reject(new Error('late')))).rejects.toThrow('late');
    expect(telemetry.spans[0]).toMatchObject({ ended: true, status: { code: SpanStatusCode.ERROR, message: 'late' } });
  });

  it('starts a child of an explicit (remote) parent with the requested kind', () => {
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    withSpan(tracer(), 'server', {}, () => undefined, { parent, kind: SpanKind.SERVER });
    const [span] = telemetry.spans;
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.parentSpanId).toBe('b7ad6b7169203331');
    expect(span?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('propagates the active span through injection', () => {
    const headers: Record<string, string> = {};
    withSpan(tracer(), 'producer', {}, (span) => {
      injectTraceContext(context.active(), (k, v) => (headers[k] = v));
      expect(headers['traceparent']).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    });
  });
});
