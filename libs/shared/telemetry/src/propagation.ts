import { type Context, context as otelContext, trace } from '@opentelemetry/api';
import { TRACEPARENT_HEADER, TRACESTATE_HEADER, formatTraceparent, spanContextFromHeaders } from './traceparent';

/** Writes one header into a carrier (gRPC metadata, record headers, a plain map). */
export type TraceContextSetter = (key: string, value: string) => void;

/**
 * Reads a header from a carrier: undefined when absent, an array when the
 * carrier holds it more than once.
 */
export type TraceContextGetter = (key: string) => string | readonly string[] | undefined;

/**
 * Writes `traceparent` (and `tracestate` when non-empty) for the span in
 * `context`. Does nothing, allocates nothing, when that context holds no valid
 * span context: the usual case when no OpenTelemetry SDK is registered and no
 * trace came in from outside.
 */
export function injectTraceContext(context: Context, setter: TraceContextSetter): void {
  const spanContext = trace.getSpanContext(context);
  if (spanContext === undefined) return;
  const traceparent = formatTraceparent(spanContext);
  if (traceparent === undefined) return;
  setter(TRACEPARENT_HEADER, traceparent);
  const tracestate = spanContext.traceState?.serialize();
  if (tracestate) setter(TRACESTATE_HEADER, tracestate);
}

/**
 * Reads `traceparent`/`tracestate` and returns `context` (by default the
 * active one) with the remote span context set, so spans started in it
 * become children of the caller's span. A missing, duplicated or invalid
 * `traceparent` returns `context` unchanged (a new trace starts there).
 */
export function extractTraceContext(getter: TraceContextGetter, context: Context = otelContext.active()): Context {
  const traceparent = single(getter(TRACEPARENT_HEADER));
  if (traceparent === undefined) return context;
  const tracestate = getter(TRACESTATE_HEADER);
  const spanContext = spanContextFromHeaders(traceparent, typeof tracestate === 'string' ? tracestate : tracestate?.join(','));
  return spanContext === undefined ? context : trace.setSpanContext(context, spanContext);
}

/** The one value of a header; a header sent twice is invalid for `traceparent`. */
function single(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return value.length === 1 ? value[0] : undefined;
}
