export type { WithSpanOptions } from './tracing';
export { failSpan, getMeter, getTracer, withSpan } from './tracing';
export type { Traceparent } from './traceparent';
export { TRACEPARENT_HEADER, TRACESTATE_HEADER, TRACE_FLAG_RANDOM, formatTraceparent, parseTraceparent, spanContextFromHeaders } from './traceparent';
export type { TraceContextGetter, TraceContextSetter } from './propagation';
export { extractTraceContext, injectTraceContext } from './propagation';
export type { MetadataLike, RecordHeader } from './carriers';
export {
  extractFromMetadata,
  extractFromRecordHeaders,
  injectIntoMetadata,
  injectIntoRecordHeaders,
  metadataGetter,
  metadataSetter,
  recordHeadersGetter,
  recordHeadersSetter,
} from './carriers';
export type { TestTelemetry } from './test-support/test-telemetry';
export { RecordedSpan, createRecordingTracer, installTestTelemetry } from './test-support/test-telemetry';
