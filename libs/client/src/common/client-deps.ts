import type { Tracer } from '@opentelemetry/api';
import { createPrng, systemScheduler, type Cancellable, type Prng, type Scheduler } from '@tributary/util';
import { createGrpcTransport, type GrpcTransportOptions } from '../transport/grpc-transport';
import type { ClientTransport } from '../transport/transport';
import type { RecordBatchCodec } from './batch-codec';
import { NO_KEEP_ALIVE, processKeepAlive, type KeepAlive } from './keep-alive';
import { recordsBatchCodec } from './records-codec';

/** Where the client logs what it recovers from (interceptor errors, failed metadata requests). */
export interface ClientLogger {
  warn(message: string, error?: unknown): void;
}

export const consoleLogger: ClientLogger = {
  warn: (message, error) => console.warn(`[tributary-client] ${message}`, error ?? ''),
};

/**
 * The ports every client engine runs on; all optional. By default a client
 * talks gRPC (its own GrpcTransport, closed with the client) and encodes with
 * @tributary/records. Tests pass fakes, a FakeScheduler and a seeded Prng so
 * every run is the same.
 */
export interface ClientDeps {
  /** Closed when the client closes. */
  readonly transport?: ClientTransport;
  readonly codec?: RecordBatchCodec;
  /** Timers and time; defaults to the system scheduler. */
  readonly scheduler?: Scheduler;
  /** Backoff jitter and sticky partition choice; defaults to a randomly seeded PRNG. */
  readonly prng?: Prng;
  /** Defaults to the global OpenTelemetry tracer of '@tributary/client'. */
  readonly tracer?: Tracer;
  readonly logger?: ClientLogger;
}

export function defaultTransport(deps: ClientDeps, options: GrpcTransportOptions = {}): ClientTransport {
  return deps.transport ?? createGrpcTransport(options);
}

export function defaultCodec(deps: ClientDeps): RecordBatchCodec {
  return deps.codec ?? recordsBatchCodec;
}

/** Node timers hold at most 2^31 - 1 ms; longer delays (e.g. close() without a timeout) are waited in steps. */
export const MAX_TIMER_DELAY_MS = 2147483647;

/** `scheduler`, but delays beyond MAX_TIMER_DELAY_MS are split instead of overflowing (Node fires those after 1 ms). */
export function longDelayScheduler(scheduler: Scheduler): Scheduler {
  return {
    nowMs: () => scheduler.nowMs(),
    monotonicMs: () => scheduler.monotonicMs(),
    schedule(delayMs, task) {
      let current: Cancellable;
      const step = (left: number): void => {
        current = left > MAX_TIMER_DELAY_MS ? scheduler.schedule(MAX_TIMER_DELAY_MS, () => step(left - MAX_TIMER_DELAY_MS)) : scheduler.schedule(left, task);
      };
      step(delayMs);
      return { cancel: () => current.cancel() };
    },
  };
}

export function defaultScheduler(deps: ClientDeps): Scheduler {
  return longDelayScheduler(deps.scheduler ?? systemScheduler);
}

/** Real scheduler → keep the process alive while work is pending; an injected one → the caller's business. */
export function defaultKeepAlive(deps: ClientDeps): KeepAlive {
  return deps.scheduler ? NO_KEEP_ALIVE : processKeepAlive();
}

export function defaultPrng(deps: ClientDeps): Prng {
  return deps.prng ?? createPrng(Math.floor(Math.random() * 0x100000000));
}
