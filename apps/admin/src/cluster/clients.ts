import type { ClientDeps, Consumer, ConsumerConfigInput, Producer, ProducerConfigInput } from '@tributary/client';
import { type Scheduler, systemScheduler } from '@tributary/util';

/**
 * systemScheduler's timers are unref'd, so between a metadata response and
 * the linger timer a producer holds no live handle and a CLI whose only work
 * is that pending send would fall out of the event loop with records unsent.
 * The CLI always closes its clients and exits explicitly, so its timers may
 * (and must) keep the process alive.
 */
export const cliScheduler: Scheduler = {
  nowMs: systemScheduler.nowMs,
  monotonicMs: systemScheduler.monotonicMs,
  schedule(delayMs, task) {
    const timer = setTimeout(task, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(timer) };
  },
};

/**
 * The client's own logger would print recoverable trouble (a failed metadata
 * request that is retried) as multi-line warnings; the CLI reports what
 * finally failed on one line instead, and shows the rest only when debugging.
 */
export function cliLogger(debug: boolean): { warn(message: string, error?: unknown): void } {
  return {
    warn: (message, error) => {
      if (debug) process.stderr.write(`[client] ${message}${error instanceof Error ? `: ${error.message}` : ''}\n`);
    },
  };
}

type ClientLibrary = typeof import('@tributary/client');

/**
 * The client library (gRPC, telemetry, compression codecs) loads on first
 * use, not at start-up: `--help`, usage errors and `log dump` never pay the
 * ~100 ms it takes to load.
 */
export async function loadClient(debug: boolean): Promise<{ readonly lib: ClientLibrary; readonly deps: ClientDeps }> {
  const lib = await import('@tributary/client');
  return { lib, deps: { transport: lib.createGrpcTransport(), codec: lib.recordsBatchCodec, scheduler: cliScheduler, logger: cliLogger(debug) } };
}

/** A producer of raw bytes (keys, values and header values are Uint8Array or strings) over the native gRPC API. */
export async function openProducer(config: ProducerConfigInput, debug = false): Promise<Producer<Uint8Array, Uint8Array>> {
  const { lib, deps } = await loadClient(debug);
  return lib.createProducer<Uint8Array, Uint8Array>(config, deps);
}

/** A manually assigned consumer of raw bytes over the native gRPC API. */
export async function openConsumer(config: ConsumerConfigInput, debug = false): Promise<Consumer<Uint8Array | null, Uint8Array | null>> {
  const { lib, deps } = await loadClient(debug);
  return lib.createConsumer<Uint8Array | null, Uint8Array | null>(config, deps);
}
