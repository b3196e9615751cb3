import { TributaryError } from '@tributary/errors';
import { BrokerService, type ProduceRequest, type ProduceResponse } from '@tributary/proto';
import { type RpcClient, type RpcClientOptions, createRpcClient } from '../client';
import { type RpcServer, type RpcServerOptions, type ServiceHandlers, createRpcServer } from '../server';

export type BrokerHandlers = ServiceHandlers<typeof BrokerService>;

/** Every Broker RPC, failing with UNSUPPORTED_VERSION unless overridden. */
export function brokerHandlers(overrides: Partial<BrokerHandlers> = {}): BrokerHandlers {
  const unsupported = () => {
    throw new TributaryError('UNSUPPORTED_VERSION', 'not in this test');
  };
  const all = Object.fromEntries(Object.keys(BrokerService.methods).map((key) => [key, unsupported])) as unknown as BrokerHandlers;
  return { ...all, ...overrides };
}

/** A promise with its resolve function exposed, for handing control between test and handler. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export function produceRequest(records: Uint8Array, topic = 'events'): ProduceRequest {
  return { transactionalId: '', acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] };
}

export function produceResponse(baseOffset: number, topic = 'events'): ProduceResponse {
  return {
    throttleTimeMs: 0,
    responses: [
      {
        name: topic,
        partitionResponses: [{ index: 0, errorCode: 0, errorMessage: '', baseOffset, logAppendTimeMs: -1, logStartOffset: 0, recordErrors: [] }],
      },
    ],
  };
}

/** Starts servers and clients on 127.0.0.1 port 0 and tears every one down after the test. */
export class Loopback {
  private readonly servers: RpcServer[] = [];
  private readonly clients: RpcClient<typeof BrokerService>[] = [];

  async server(handlers: BrokerHandlers, options: Partial<RpcServerOptions> = {}): Promise<{ server: RpcServer; target: string }> {
    const server = createRpcServer({ host: '127.0.0.1', port: 0, onHandlerError: () => undefined, ...options });
    server.addService(BrokerService, handlers);
    this.servers.push(server);
    const port = await server.start();
    return { server, target: `127.0.0.1:${port}` };
  }

  client(target: string, options: Partial<RpcClientOptions<typeof BrokerService>> = {}): RpcClient<typeof BrokerService> {
    const client = createRpcClient(target, { service: BrokerService, defaultDeadlineMs: 10_000, ...options });
    this.clients.push(client);
    return client;
  }

  async close(): Promise<void> {
    for (const client of this.clients.splice(0)) client.close();
    await Promise.all(this.servers.splice(0).map((server) => server.shutdown(0)));
  }
}
