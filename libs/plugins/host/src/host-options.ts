import type { PluginLogger } from '@tributary/plugins-api';
import { type Scheduler, systemScheduler } from '@tributary/util';
import type { Tracer } from '@opentelemetry/api';
import { getTracer } from '@tributary/telemetry';
import { randomInt } from 'node:crypto';
import { consoleLogger } from './console-logger';

/** The tracer's instrumentation scope. */
export const PLUGINS_HOST_TRACER_NAME = '@tributary/plugins-host';

/** Default bound for async hooks: interceptors sit on the produce/consume path, so keep it short. */
export const DEFAULT_HOOK_TIMEOUT_MS = 1000;

export interface PluginHostOptions {
  /** Bound for each async hook call (onSend, onAcknowledgement, onConsume, onCommit, close), in ms. Default 1000. */
  readonly hookTimeoutMs?: number;
  /** Time and timers for hook timeouts and plugin clocks (a FakeScheduler in tests). Default: the system scheduler. */
  readonly scheduler?: Scheduler;
  readonly logger?: PluginLogger;
  /** Default: `getTracer('@tributary/plugins-host')` from @tributary/telemetry (a no-op until an app registers an SDK). */
  readonly tracer?: Tracer;
  /** Seed for plugin PRNGs: every created instance gets its own seed derived from it. Default: random. */
  readonly seed?: number;
  /** Also register the built-in plugins (default partitioner, range assignor, delete policy …). Default true. */
  readonly builtins?: boolean;
}

export interface ResolvedPluginHostOptions {
  readonly hookTimeoutMs: number;
  readonly scheduler: Scheduler;
  readonly logger: PluginLogger;
  readonly tracer: Tracer;
  readonly builtins: boolean;
  /** A fresh PRNG seed per created plugin instance. */
  nextSeed(): number;
}

export function resolveHostOptions(options: PluginHostOptions = {}): ResolvedPluginHostOptions {
  const hookTimeoutMs = options.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  if (!(hookTimeoutMs > 0)) throw new RangeError(`hookTimeoutMs must be positive, got ${hookTimeoutMs}`);
  let counter = 0;
  const base = options.seed;
  return {
    hookTimeoutMs,
    scheduler: options.scheduler ?? systemScheduler,
    logger: options.logger ?? consoleLogger,
    tracer: options.tracer ?? getTracer(PLUGINS_HOST_TRACER_NAME),
    builtins: options.builtins ?? true,
    nextSeed: () => (base === undefined ? randomInt(0, 2 ** 32) : mixSeed(base, counter++)),
  };
}

/** Derives the n-th seed from a base seed (splitmix32-style), so instances differ but runs repeat. */
function mixSeed(base: number, n: number): number {
  let z = (base + Math.imul(n + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
