import {
  type Attributes,
  type Context,
  type Link,
  type Meter,
  type Span,
  type SpanKind,
  type Tracer,
  SpanStatusCode,
  context as otelContext,
  metrics,
  trace,
} from '@opentelemetry/api';

/**
 * The tracer of one library, named by its npm name (e.g. `'@tributary/rpc'`).
 * A no-op tracer until an app registers an SDK; the returned tracer follows a
 * provider registered later.
 */
export function getTracer(libraryName: string, version?: string): Tracer {
  return trace.getTracer(libraryName, version);
}

/** The meter of one library, named by its npm name; a no-op meter until an app registers an SDK. */
export function getMeter(libraryName: string, version?: string): Meter {
  return metrics.getMeter(libraryName, version);
}

export interface WithSpanOptions {
  readonly kind?: SpanKind;
  /** The parent context (default: the active one), e.g. one returned by `extractTraceContext`. */
  readonly parent?: Context;
  readonly links?: Link[];
}

/**
 * Runs `fn` inside a new active span and ends the span when `fn` returns or,
 * when `fn` returns a promise, when it settles. A throw or rejection records
 * the exception, sets the span's status to ERROR and is rethrown unchanged;
 * success leaves the status UNSET, as OpenTelemetry asks of instrumentation.
 */
export function withSpan<T>(tracer: Tracer, name: string, attributes: Attributes, fn: (span: Span) => T, options: WithSpanOptions = {}): T {
  const parent = options.parent ?? otelContext.active();
  const span = tracer.startSpan(name, { attributes, kind: options.kind, links: options.links }, parent);
  let result: T;
  try {
    result = otelContext.with(trace.setSpan(parent, span), fn, undefined, span);
  } catch (error) {
    failSpan(span, error);
    span.end();
    throw error;
  }
  if (!isPromiseLike(result)) {
    span.end();
    return result;
  }
  return Promise.resolve(result).then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      failSpan(span, error);
      span.end();
      throw error;
    },
  ) as T;
}

/** Records an error on a span and marks it failed. */
export function failSpan(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    span.recordException(String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
