import { ROOT_CONTEXT, trace, type SpanContext, type Tracer } from '@opentelemetry/api';
import { extractFromRecordHeaders, getTracer, injectIntoRecordHeaders } from '@tributary/telemetry';
import type { RecordHeader } from './batch-codec';

const TRACER_NAME = '@tributary/client';

/** The client's tracer (a no-op until an app registers an OpenTelemetry SDK). */
export function clientTracer(): Tracer {
  return getTracer(TRACER_NAME);
}

/**
 * Writes `spanContext` as the record's W3C `traceparent` header (replacing
 * any), through @tributary/telemetry; nothing for an invalid (no SDK) context.
 */
export function injectRecordTraceContext(spanContext: SpanContext, headers: RecordHeader[]): void {
  // An invalid context (no tracer installed) writes no header; skip building a context per record for it.
  if (!trace.isSpanContextValid(spanContext)) return;
  injectIntoRecordHeaders(headers, trace.setSpanContext(ROOT_CONTEXT, spanContext));
}

/** The producer's span context from a record's `traceparent` header, if valid. */
export function extractRecordTraceContext(headers: readonly RecordHeader[]): SpanContext | undefined {
  return trace.getSpanContext(extractFromRecordHeaders(headers, ROOT_CONTEXT));
}
