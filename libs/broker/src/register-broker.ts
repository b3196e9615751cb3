import { createToken, type Token } from '@tributary/plugins-host';
import type { BrokerService } from '@tributary/proto';
import type { ServiceHandlers } from '@tributary/rpc';
import { type DependencyContainer, instanceCachingFactory } from 'tsyringe';
import { brokerServiceHandlers } from './handlers/broker-service';
import type { BrokerRuntime } from './runtime/broker-runtime';
import { createBrokerHandlers } from './runtime/create-handlers';

/** The opened broker runtime (storage, metadata, partitions). */
export const BROKER_RUNTIME: Token<BrokerRuntime> = createToken<BrokerRuntime>('BrokerRuntime');
/** The handlers of the native `tributary.v1.Broker` service, ready for `RpcServer.addService`. */
export const BROKER_SERVICE_HANDLERS: Token<ServiceHandlers<typeof BrokerService>> = createToken<ServiceHandlers<typeof BrokerService>>('BrokerServiceHandlers');

/**
 * Registers the broker in `container`: the opened runtime under
 * BROKER_RUNTIME and its service handlers (built once, on first resolve)
 * under BROKER_SERVICE_HANDLERS. The composition root opens the runtime
 * (it is asynchronous) and owns the container.
 */
export function registerBroker(container: DependencyContainer, runtime: BrokerRuntime): DependencyContainer {
  container.register(BROKER_RUNTIME, { useValue: runtime });
  container.register(BROKER_SERVICE_HANDLERS, {
    useFactory: instanceCachingFactory((c) => brokerServiceHandlers(createBrokerHandlers(c.resolve(BROKER_RUNTIME)))),
  });
  return container;
}
