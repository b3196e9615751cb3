import {
  type Attributes,
  type AttributeValue,
  type Context,
  type ContextManager,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type Tracer,
  type TracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  context as otelContext,
  isSpanContextValid,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * A span recorded by the test telemetry: what a test asserts on. Not an SDK:
 * just enough of the API's contracts to check our instrumentation.
 */
export class RecordedSpan implements Span {
  readonly attributes: Attributes = {};
  readonly events: { name: string; attributes?: Attributes }[] = [];
  readonly links: Link[] = [];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  ended = false;

  constructor(
    public name: string,
    readonly kind: SpanKind,
    private readonly context: SpanContext,
    readonly parentSpanId: string | undefined,
  ) {}

  spanContext(): SpanContext {
    return this.context;
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(name: string, attributes?: Attributes): this {
    this.events.push({ name, attributes });
    return this;
  }
  addLink(link: Link): this {
    this.links.push(link);
    return this;
  }
  addLinks(links: Link[]): this {
    this.links.push(...links);
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
    const message = typeof exception === 'string' ? exception : exception.message;
    this.events.push({ name: 'exception', attributes: { 'exception.message': message ?? '' } });
  }
}

class RecordingTracer implements Tracer {
  constructor(private readonly spans: RecordedSpan[]) {}

  startSpan(name: string, options: SpanOptions = {}, context: Context = otelContext.active()): Span {
    const parent = trace.getSpanContext(context);
    const hasParent = parent !== undefined && isSpanContextValid(parent);
    const spanContext: SpanContext = {
      traceId: hasParent ? parent.traceId : randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      traceFlags: TraceFlags.SAMPLED,
      traceState: hasParent ? parent.traceState : undefined,
    };
    const span = new RecordedSpan(name, options.kind ?? SpanKind.INTERNAL, spanContext, hasParent ? parent.spanId : undefined);
    span.setAttributes(options.attributes ?? {});
    this.spans.push(span);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest.pop() as F;
    const [options, context] = rest as [SpanOptions | undefined, Context | undefined];
    const parent = context ?? otelContext.active();
    const span = this.startSpan(name, options, parent);
    return otelContext.with(trace.setSpan(parent, span), () => fn(span)) as ReturnType<F>;
  }
}

/** A context manager over AsyncLocalStorage, so the active context follows awaits as it does under an SDK. */
class AsyncLocalStorageContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(context, () => fn.call(thisArg, ...args));
  }
  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    return ((...args: unknown[]) => this.with(context, fn, undefined, ...args)) as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

/** For tests that hand a tracer in directly: a recording tracer with its spans, not registered globally. */
export function createRecordingTracer(): Tracer & { readonly spans: RecordedSpan[] } {
  const spans: RecordedSpan[] = [];
  return Object.assign(new RecordingTracer(spans), { spans });
}

export interface TestTelemetry {
  /** Every span started since install (or the last `reset`), in start order. */
  readonly spans: RecordedSpan[];
  reset(): void;
  /** Unregisters the provider and the context manager: back to the no-op API. */
  uninstall(): void;
}

/**
 * For tests only: registers a recording tracer provider and an
 * AsyncLocalStorage context manager with the global OpenTelemetry API.
 * Libraries never register providers; apps register the real SDK.
 */
export function installTestTelemetry(): TestTelemetry {
  const spans: RecordedSpan[] = [];
  const tracer = new RecordingTracer(spans);
  const provider: TracerProvider = { getTracer: () => tracer };
  trace.disable();
  otelContext.disable();
  otelContext.setGlobalContextManager(new AsyncLocalStorageContextManager());
  trace.setGlobalTracerProvider(provider);
  return {
    spans,
    reset: () => void spans.splice(0),
    uninstall: () => {
      trace.disable();
      otelContext.disable();
    },
  };
}
