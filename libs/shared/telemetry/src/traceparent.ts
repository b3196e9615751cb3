import { type SpanContext, TraceFlags, createTraceState, isSpanContextValid } from '@opentelemetry/api';

/** The header (and metadata key) that carries the parent span, per W3C Trace Context. */
export const TRACEPARENT_HEADER = 'traceparent';
/** The header that carries vendor state; passed through as received (validated by the OTel API). */
export const TRACESTATE_HEADER = 'tracestate';

/** The `random` trace flag of W3C Trace Context Level 2 (the trace id's right 7 bytes are random). */
export const TRACE_FLAG_RANDOM = 0x02;
/** Flags this implementation knows; the spec says to send unknown flags as zero. */
const KNOWN_TRACE_FLAGS = TraceFlags.SAMPLED | TRACE_FLAG_RANDOM;

const VERSION_00 = '00';
/** Length of a version-00 traceparent: 2 + 1 + 32 + 1 + 16 + 1 + 2. */
const TRACEPARENT_00_LENGTH = 55;
const ALL_ZERO_TRACE_ID = '00000000000000000000000000000000';
const ALL_ZERO_SPAN_ID = '0000000000000000';
/** Version, trace id, parent id and flags: lowercase hex only (HEXDIGLC in the spec). */
const TRACEPARENT_PREFIX = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/;

/** A parsed `traceparent`: ids in lowercase hex, flags as the 8-bit field. */
export interface Traceparent {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}

/**
 * Parses a `traceparent` value per W3C Trace Context: version `00` must be
 * exactly `00-<32 hex>-<16 hex>-<2 hex>`; a higher version is parsed by its
 * version-00 prefix and may only continue after a `-`; version `ff`, uppercase
 * hex, wrong lengths and all-zero ids are invalid. Surrounding blanks
 * (HTTP optional whitespace) are ignored. Returns undefined when invalid, in
 * which case the caller starts a new trace and ignores `tracestate`.
 */
export function parseTraceparent(value: string): Traceparent | undefined {
  const header = value.trim();
  const match = TRACEPARENT_PREFIX.exec(header);
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags] = match as unknown as [string, string, string, string, string];
  if (version === 'ff') return undefined;
  if (version === VERSION_00 ? header.length !== TRACEPARENT_00_LENGTH : header.length > TRACEPARENT_00_LENGTH && header[TRACEPARENT_00_LENGTH] !== '-') {
    return undefined;
  }
  if (traceId === ALL_ZERO_TRACE_ID || spanId === ALL_ZERO_SPAN_ID) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) };
}

/**
 * Formats a span context as a version-00 `traceparent`, or returns undefined
 * when the context is invalid (nothing worth propagating). Flags this
 * implementation does not know are sent as zero, as the spec requires.
 */
export function formatTraceparent(spanContext: SpanContext): string | undefined {
  if (!isSpanContextValid(spanContext)) return undefined;
  const flags = spanContext.traceFlags & KNOWN_TRACE_FLAGS;
  return `${VERSION_00}-${spanContext.traceId}-${spanContext.spanId}-0${flags.toString(16)}`;
}

/**
 * Builds the remote span context a `traceparent` (and optional `tracestate`)
 * describes, or undefined when the `traceparent` is invalid.
 */
export function spanContextFromHeaders(traceparent: string, tracestate?: string): SpanContext | undefined {
  const parsed = parseTraceparent(traceparent);
  if (parsed === undefined) return undefined;
  const spanContext: SpanContext = { ...parsed, isRemote: true };
  if (tracestate !== undefined && tracestate.trim() !== '') spanContext.traceState = createTraceState(tracestate);
  return spanContext;
}
