import { TraceFlags } from '@opentelemetry/api';
import fc from 'fast-check';
import { formatTraceparent, parseTraceparent, spanContextFromHeaders } from './traceparent';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${SPAN_ID}-01`;

describe('parseTraceparent', () => {
  it('parses a version-00 header', () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-00`)?.traceFlags).toBe(0);
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-ff`)?.traceFlags).toBe(0xff);
  });

  it('ignores surrounding optional whitespace', () => {
    expect(parseTraceparent(` ${VALID}\t`)?.traceId).toBe(TRACE_ID);
  });

  it.each([
    ['empty', ''],
    ['uppercase trace id', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['uppercase flags', `00-${TRACE_ID}-${SPAN_ID}-0A`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
    ['long trace id', `00-${TRACE_ID}0-${SPAN_ID}-01`],
    ['short span id', `00-${TRACE_ID}-${SPAN_ID.slice(1)}-01`],
    ['one-digit flags', `00-${TRACE_ID}-${SPAN_ID}-1`],
    ['non-hex', `00-${TRACE_ID.slice(0, 31)}g-${SPAN_ID}-01`],
    ['version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['version 00 with a trailing field', `${VALID}-extra`],
    ['version 00 with trailing junk', `${VALID}x`],
    ['future version without a dash after flags', `cc-${TRACE_ID}-${SPAN_ID}-01x`],
    ['wrong separators', `00_${TRACE_ID}_${SPAN_ID}_01`],
  ])('rejects %s', (_what, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it('parses a future version by its version-00 prefix', () => {
    expect(parseTraceparent(`cc-${TRACE_ID}-${SPAN_ID}-01`)?.spanId).toBe(SPAN_ID);
    expect(parseTraceparent(`cc-${TRACE_ID}-${SPAN_ID}-01-what-the-future-will-be`)?.traceId).toBe(TRACE_ID);
  });
});

describe('formatTraceparent', () => {
  it('formats version 00 and round-trips', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^[0-9a-f]{16}$/), fc.boolean(), (traceId, spanId, sampled) => {
        fc.pre(!/^0+$/.test(traceId) && !/^0+$/.test(spanId));
        const header = formatTraceparent({ traceId, spanId, traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE });
        expect(header).toBe(`00-${traceId}-${spanId}-0${sampled ? 1 : 0}`);
        expect(parseTraceparent(header as string)).toEqual({ traceId, spanId, traceFlags: sampled ? 1 : 0 });
      }),
    );
  });

  it('sends unknown flags as zero and keeps sampled and random', () => {
    expect(formatTraceparent({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 0xff })).toBe(`00-${TRACE_ID}-${SPAN_ID}-03`);
  });

  it('formats nothing for an invalid span context', () => {
    expect(formatTraceparent({ traceId: '0'.repeat(32), spanId: SPAN_ID, traceFlags: 1 })).toBeUndefined();
  });
});

describe('spanContextFromHeaders', () => {
  it('builds a remote span context with the trace state passed through', () => {
    const spanContext = spanContextFromHeaders(VALID, 'vendor=a,other=b');
    expect(spanContext).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, isRemote: true });
    expect(spanContext?.traceState?.serialize()).toBe('vendor=a,other=b');
  });

  it('ignores tracestate when traceparent is invalid', () => {
    expect(spanContextFromHeaders('00-bad', 'vendor=a')).toBeUndefined();
  });
});
