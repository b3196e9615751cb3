import { Metadata } from '@grpc/grpc-js';
import { ROOT_CONTEXT, TraceFlags, createContextKey, createTraceState, trace } from '@opentelemetry/api';
import {
  type RecordHeader,
  extractFromMetadata,
  extractFromRecordHeaders,
  injectIntoMetadata,
  injectIntoRecordHeaders,
  recordHeadersGetter,
} from './carriers';
import { extractTraceContext, injectTraceContext } from './propagation';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

const remote = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: TRACE_ID,
  spanId: SPAN_ID,
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: createTraceState('congo=t61rcWkgMzE'),
});

function fromMap(map: Record<string, string | string[]>) {
  return (key: string) => map[key];
}

describe('injectTraceContext', () => {
  it('writes traceparent and tracestate for a valid span context', () => {
    const written: Record<string, string> = {};
    injectTraceContext(remote, (key, value) => (written[key] = value));
    expect(written).toEqual({ traceparent: TRACEPARENT, tracestate: 'congo=t61rcWkgMzE' });
  });

  it('writes nothing without a valid span context (the no-SDK case)', () => {
    const setter = jest.fn();
    injectTraceContext(ROOT_CONTEXT, setter);
    injectTraceContext(trace.setSpanContext(ROOT_CONTEXT, { traceId: '0'.repeat(32), spanId: SPAN_ID, traceFlags: 1 }), setter);
    expect(setter).not.toHaveBeenCalled();
  });
});

describe('extractTraceContext', () => {
  it('returns a context holding the remote span context', () => {
    const context = extractTraceContext(fromMap({ traceparent: TRACEPARENT, tracestate: 'a=1' }), ROOT_CONTEXT);
    const spanContext = trace.getSpanContext(context);
    expect(spanContext).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, isRemote: true });
    expect(spanContext?.traceState?.serialize()).toBe('a=1');
  });

  it('joins repeated tracestate headers', () => {
    const context = extractTraceContext(fromMap({ traceparent: TRACEPARENT, tracestate: ['a=1', 'b=2'] }), ROOT_CONTEXT);
    expect(trace.getSpanContext(context)?.traceState?.serialize()).toBe('a=1,b=2');
  });

  it('keeps the base context when traceparent is missing, invalid or duplicated', () => {
    const key = createContextKey('marker');
    const base = ROOT_CONTEXT.setValue(key, 1);
    const cases: Record<string, string | string[]>[] = [{}, { traceparent: 'garbage', tracestate: 'a=1' }, { traceparent: [TRACEPARENT, TRACEPARENT] }];
    for (const headers of cases) {
      const context = extractTraceContext(fromMap(headers), base);
      expect(context).toBe(base);
    }
  });

  it('round-trips through inject', () => {
    const carrier: Record<string, string> = {};
    injectTraceContext(remote, (k, v) => (carrier[k] = v));
    expect(trace.getSpanContext(extractTraceContext(fromMap(carrier), ROOT_CONTEXT))).toEqual(
      expect.objectContaining({ traceId: TRACE_ID, spanId: SPAN_ID, isRemote: true }),
    );
  });
});

describe('gRPC metadata adapter', () => {
  it('injects into and extracts from grpc-js Metadata', () => {
    const metadata = new Metadata();
    injectIntoMetadata(metadata, remote);
    expect(metadata.get('traceparent')).toEqual([TRACEPARENT]);
    expect(metadata.get('tracestate')).toEqual(['congo=t61rcWkgMzE']);
    expect(trace.getSpanContext(extractFromMetadata(metadata, ROOT_CONTEXT))?.spanId).toBe(SPAN_ID);
  });

  it('replaces a traceparent already in the metadata', () => {
    const metadata = new Metadata();
    metadata.set('traceparent', 'old');
    injectIntoMetadata(metadata, remote);
    expect(metadata.get('traceparent')).toEqual([TRACEPARENT]);
  });

  it('treats two traceparent entries as invalid', () => {
    const metadata = new Metadata();
    metadata.add('traceparent', TRACEPARENT);
    metadata.add('traceparent', TRACEPARENT);
    expect(trace.getSpanContext(extractFromMetadata(metadata, ROOT_CONTEXT))).toBeUndefined();
  });
});

describe('record headers adapter', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);

  it('injects in place as UTF-8 bytes, replacing earlier trace headers', () => {
    const headers: RecordHeader[] = [
      { key: 'app', value: bytes('x') },
      { key: 'traceparent', value: bytes('00-stale') },
    ];
    injectIntoRecordHeaders(headers, remote);
    expect(headers.map((h) => h.key)).toEqual(['app', 'traceparent', 'tracestate']);
    expect(new TextDecoder().decode(headers[1]?.value as Uint8Array)).toBe(TRACEPARENT);
    expect(trace.getSpanContext(extractFromRecordHeaders(headers, ROOT_CONTEXT))?.traceId).toBe(TRACE_ID);
  });

  it('leaves the headers untouched without a valid span context', () => {
    const headers: RecordHeader[] = [];
    injectIntoRecordHeaders(headers, ROOT_CONTEXT);
    expect(headers).toEqual([]);
  });

  it('reads header bytes that are a view into a larger buffer', () => {
    const backing = bytes(`xxx${TRACEPARENT}yyy`);
    const headers: RecordHeader[] = [{ key: 'traceparent', value: backing.subarray(3, 3 + TRACEPARENT.length) }];
    expect(trace.getSpanContext(extractFromRecordHeaders(headers, ROOT_CONTEXT))?.spanId).toBe(SPAN_ID);
  });

  it('ignores null values and reports repeated keys as repeated', () => {
    const getter = recordHeadersGetter([
      { key: 'traceparent', value: null },
      { key: 'tracestate', value: bytes('a=1') },
      { key: 'tracestate', value: bytes('b=2') },
      { key: 'tracestate', value: bytes('c=3') },
    ]);
    expect(getter('traceparent')).toBeUndefined();
    expect(getter('tracestate')).toEqual(['a=1', 'b=2', 'c=3']);
  });

  it('rejects non-ASCII bytes', () => {
    const value = bytes(TRACEPARENT);
    value[0] = 0xc3;
    expect(trace.getSpanContext(extractFromRecordHeaders([{ key: 'traceparent', value }], ROOT_CONTEXT))).toBeUndefined();
  });
});
