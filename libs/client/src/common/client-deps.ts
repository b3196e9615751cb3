import type { Tracer } from '@opentelemetry/api';
import { createPrng, systemScheduler, type Prng, type Scheduler } from '@tributary/util';
import { createGrpcTransport, type GrpcTransportOptions } from '../transport/grpc-transport';
import type { ClientTransport } from '../transport/transport';
import type { RecordBatchCodec } from './batch-codec';
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

export function defaultScheduler(deps: ClientDeps): Scheduler {
  return deps.scheduler ?? systemScheduler;
}

export function defaultPrng(deps: ClientDeps): Prng {
  return deps.prng ?? createPrng(Math.floor(Math.random() * 0x100000000));
}
