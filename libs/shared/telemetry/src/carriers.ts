import { type Context, context as otelContext } from '@opentelemetry/api';
import { type TraceContextGetter, type TraceContextSetter, extractTraceContext, injectTraceContext } from './propagation';

/**
 * The part of grpc-js `Metadata` the adapters use, typed structurally so this
 * library does not depend on grpc-js.
 */
export interface MetadataLike {
  get(key: string): ReadonlyArray<string | Uint8Array>;
  set(key: string, value: string): void;
}

/** A Kafka record header: a string key and a nullable byte value. */
export interface RecordHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/** Writes headers into gRPC metadata, replacing any value already there. */
export function metadataSetter(metadata: MetadataLike): TraceContextSetter {
  return (key, value) => metadata.set(key, value);
}

/** Reads headers from gRPC metadata; binary values are read as Latin-1 (and fail validation). */
export function metadataGetter(metadata: MetadataLike): TraceContextGetter {
  return (key) => {
    const values = metadata.get(key);
    if (values.length === 0) return undefined;
    if (values.length === 1) return asText(values[0] as string | Uint8Array);
    return values.map(asText);
  };
}

/** Injects the trace context of `context` (default: the active one) into gRPC metadata. */
export function injectIntoMetadata(metadata: MetadataLike, context: Context = otelContext.active()): void {
  injectTraceContext(context, metadataSetter(metadata));
}

/** Extracts a remote span context from gRPC metadata into `context` (default: the active one). */
export function extractFromMetadata(metadata: MetadataLike, context: Context = otelContext.active()): Context {
  return extractTraceContext(metadataGetter(metadata), context);
}

/**
 * Writes headers into a record's header list (UTF-8 values), replacing every
 * header already there with the same key so a record never carries two
 * `traceparent`s.
 */
export function recordHeadersSetter(headers: RecordHeader[]): TraceContextSetter {
  return (key, value) => {
    for (let i = headers.length - 1; i >= 0; i--) {
      if ((headers[i] as RecordHeader).key === key) headers.splice(i, 1);
    }
    headers.push({ key, value: Buffer.from(value, 'latin1') });
  };
}

/** Reads headers from a record's header list; null-valued headers count as absent. */
export function recordHeadersGetter(headers: readonly RecordHeader[]): TraceContextGetter {
  return (key) => {
    let found: string | string[] | undefined;
    for (const header of headers) {
      if (header.key !== key || header.value === null) continue;
      const text = asText(header.value);
      found = found === undefined ? text : typeof found === 'string' ? [found, text] : [...found, text];
    }
    return found;
  };
}

/**
 * Injects the trace context of `context` (default: the active one) into a
 * record's headers, in place. Leaves the list untouched when there is no
 * valid span context.
 */
export function injectIntoRecordHeaders(headers: RecordHeader[], context: Context = otelContext.active()): void {
  injectTraceContext(context, recordHeadersSetter(headers));
}

/** Extracts a remote span context from a record's headers into `context` (default: the active one). */
export function extractFromRecordHeaders(headers: readonly RecordHeader[], context: Context = otelContext.active()): Context {
  return extractTraceContext(recordHeadersGetter(headers), context);
}

/** Header values are ASCII by spec; Latin-1 maps each byte to one char, so bad bytes fail the parser. */
function asText(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
}
