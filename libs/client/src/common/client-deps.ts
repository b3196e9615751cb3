import type { Tracer } from '@opentelemetry/api';
import { createPrng, systemScheduler, type Prng, type Scheduler } from '@tributary/util';
import type { RecordBatchCodec } from './batch-codec';
import type { ClientTransport } from '../transport/transport';

/** Where the client logs what it recovers from (interceptor errors, failed metadata requests). */
export interface ClientLogger {
  warn(message: string, error?: unknown): void;
}

export const consoleLogger: ClientLogger = {
  warn: (message, error) => console.warn(`[tributary-client] ${message}`, error ?? ''),
};

/**
 * The ports every client engine runs on. Production code passes the gRPC
 * transport and the records codec; tests pass fakes, a FakeScheduler and a
 * seeded Prng so every run is the same.
 */
export interface ClientDeps {
  readonly transport: ClientTransport;
  readonly codec: RecordBatchCodec;
  /** Timers and time; defaults to the system scheduler. */
  readonly scheduler?: Scheduler;
  /** Backoff jitter and sticky partition choice; defaults to a randomly seeded PRNG. */
  readonly prng?: Prng;
  /** Defaults to the global OpenTelemetry tracer of '@tributary/client'. */
  readonly tracer?: Tracer;
  readonly logger?: ClientLogger;
}

export function defaultScheduler(deps: ClientDeps): Scheduler {
  return deps.scheduler ?? systemScheduler;
}

export function defaultPrng(deps: ClientDeps): Prng {
  return deps.prng ?? createPrng(Math.floor(Math.random() * 0x100000000));
}
