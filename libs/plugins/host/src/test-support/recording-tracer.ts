import type { Attributes, AttributeValue, Exception, Span, SpanContext, SpanOptions, SpanStatus, Tracer } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';

/** A span that remembers what was done to it (for assertions; no SDK needed). */
export class RecordedSpan {
  readonly attributes: Attributes;
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  readonly exceptions: Exception[] = [];
  ended = false;

  constructor(
    public name: string,
    options: SpanOptions = {},
  ) {
    this.attributes = { ...(options.attributes ?? {}) };
  }

  spanContext(): SpanContext {
    return { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.status = status;
    return this;
  }
  updateName(name: string): this {
    this.name = name;
    return this;
  }
  end(): void {
    this.ended = true;
  }
  isRecording(): boolean {
    return !this.ended;
  }
  recordException(exception: Exception): void {
    this.exceptions.push(exception);
  }
}

/** A tracer that records its spans in `spans`. */
export function createRecordingTracer(): Tracer & { readonly spans: RecordedSpan[] } {
  const spans: RecordedSpan[] = [];
  const startSpan = (name: string, options?: SpanOptions): Span => {
    const span = new RecordedSpan(name, options);
    spans.push(span);
    return span as unknown as Span;
  };
  const startActiveSpan = (name: string, ...rest: unknown[]): unknown => {
    const fn = rest[rest.length - 1] as (span: Span) => unknown;
    return fn(startSpan(name, typeof rest[0] === 'object' ? (rest[0] as SpanOptions) : undefined));
  };
  return { spans, startSpan, startActiveSpan } as unknown as Tracer & { readonly spans: RecordedSpan[] };
}
