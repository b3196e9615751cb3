import { trace, isSpanContextValid, type SpanContext, type Tracer } from '@opentelemetry/api';
import type { RecordHeader } from './batch-codec';
import { lastHeaderString } from './serde';

/** The record header that carries W3C trace context from producer to consumer. */
export const TRACEPARENT_HEADER = 'traceparent';

const TRACER_NAME = '@tributary/client';

/** The client's tracer (a no-op until an app registers an OpenTelemetry SDK). */
export function clientTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

const encoder = new TextEncoder();
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * THE trace-context seam for record headers. `@tributary/telemetry` is to
 * export `injectTraceContext`/`extractTraceContext`; when it does, these two
 * functions become re-exports of it and nothing else in the client changes.
 * Until then they write and read the W3C `traceparent` format themselves.
 *
 * Replaces any `traceparent` header already there; does nothing for an
 * invalid (non-recording, no SDK) span context.
 */
export function injectTraceContext(spanContext: SpanContext, headers: RecordHeader[]): void {
  if (!isSpanContextValid(spanContext)) return;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  const value = encoder.encode(`00-${spanContext.traceId}-${spanContext.spanId}-${flags}`);
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i].key === TRACEPARENT_HEADER) headers.splice(i, 1);
  headers.push({ key: TRACEPARENT_HEADER, value });
}

/** Reads the producer's span context from a record's `traceparent` header, if valid. */
export function extractTraceContext(headers: readonly RecordHeader[]): SpanContext | undefined {
  const raw = lastHeaderString(headers, TRACEPARENT_HEADER);
  const match = raw === undefined ? null : TRACEPARENT.exec(raw.trim());
  if (!match) return undefined;
  const spanContext: SpanContext = { traceId: match[1], spanId: match[2], traceFlags: parseInt(match[3], 16), isRemote: true };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}
