import type { MaybePromise, PluginKind } from '@tributary/plugins-api';
import { type Attributes, type Span, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { ResolvedPluginHostOptions } from './host-options';
import { PluginError } from './plugin-error';

/** Who a plugin is, as spans, logs and errors name it. */
export interface PluginIdentity {
  readonly kind: PluginKind;
  readonly name: string;
  readonly version: string;
}

/** Returns a description of what is wrong with a hook's result, or null when it is fine. */
export type ResultCheck<T> = (result: T) => string | null;

/**
 * Runs one plugin's hooks under the host's rules: each call gets a span
 * (`plugin <kind>.<hook>`, with the plugin's name, kind and version as
 * attributes, and the plugin's own spans as children); anything thrown, and
 * any result the check rejects, becomes a PluginError naming the plugin and
 * hook; async results are raced against `hookTimeoutMs` on the host's
 * scheduler. Whether a failure is then swallowed (fail-open) or rethrown
 * (fail-closed) is the caller's decision, per hook.
 */
export class PluginInvoker {
  private readonly attributes: Attributes;

  constructor(
    readonly identity: PluginIdentity,
    private readonly options: ResolvedPluginHostOptions,
  ) {
    this.attributes = {
      'tributary.plugin.kind': identity.kind,
      'tributary.plugin.name': identity.name,
      'tributary.plugin.version': identity.version,
    };
  }

  /** Calls a synchronous hook. A synchronous hook cannot be pre-empted, so it has no timeout. */
  callSync<T>(hook: string, fn: () => T, check?: ResultCheck<T>): T {
    const span = this.startSpan(hook);
    try {
      let result: T;
      try {
        result = context.with(trace.setSpan(context.active(), span), fn);
      } catch (error) {
        throw this.thrown(hook, error);
      }
      this.checkResult(hook, result, check);
      return result;
    } catch (error) {
      throw this.fail(span, error);
    } finally {
      span.end();
    }
  }

  /** Calls a hook that may return a promise; a promise must settle within `hookTimeoutMs`. */
  async callAsync<T>(hook: string, fn: () => MaybePromise<T>, check?: ResultCheck<T>): Promise<T> {
    const span = this.startSpan(hook);
    try {
      let pending: MaybePromise<T>;
      try {
        pending = context.with(trace.setSpan(context.active(), span), fn);
      } catch (error) {
        throw this.thrown(hook, error);
      }
      const result = isPromiseLike(pending) ? await this.withTimeout(hook, pending, span) : pending;
      this.checkResult(hook, result, check);
      return result;
    } catch (error) {
      throw this.fail(span, error);
    } finally {
      span.end();
    }
  }

  /** A PluginError about this plugin (for failures the host detects around a call). */
  error(failure: 'threw' | 'invalid-result' | 'timeout' | 'invalid', hook: string, message: string, cause?: unknown): PluginError {
    const { kind, name } = this.identity;
    return new PluginError(failure, `${kind} plugin '${name}': ${hook}() ${message}`, { pluginKind: kind, pluginName: name, hook, cause });
  }

  private startSpan(hook: string): Span {
    return this.options.tracer.startSpan(`plugin ${this.identity.kind}.${hook}`, {
      attributes: { ...this.attributes, 'tributary.plugin.hook': hook },
    });
  }

  private checkResult<T>(hook: string, result: T, check?: ResultCheck<T>): void {
    const problem = check?.(result) ?? null;
    if (problem !== null) throw this.error('invalid-result', hook, `returned ${problem}`);
  }

  private thrown(hook: string, error: unknown): PluginError {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return this.error('threw', hook, `threw ${detail}`, error);
  }

  private withTimeout<T>(hook: string, pending: PromiseLike<T>, span: Span): Promise<T> {
    const timeoutMs = this.options.hookTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = this.options.scheduler.schedule(timeoutMs, () => {
        span.setAttribute('tributary.plugin.timeout_ms', timeoutMs);
        reject(this.error('timeout', hook, `did not settle within ${timeoutMs} ms`));
      });
      // A late settlement after the timeout is ignored (the promise already rejected).
      pending.then(
        (value) => {
          timer.cancel();
          resolve(value);
        },
        (error: unknown) => {
          timer.cancel();
          reject(this.thrown(hook, error));
        },
      );
    });
  }

  private fail(span: Span, error: unknown): unknown {
    const exception = error instanceof Error ? error : new Error(String(error));
    span.recordException(exception);
    span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
    return error;
  }
}

function isPromiseLike<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
