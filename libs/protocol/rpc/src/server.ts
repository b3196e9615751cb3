import {
  type ConnectionInjector,
  type Metadata,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
  type sendUnaryData,
  Server,
  ServerCredentials,
  status,
} from '@grpc/grpc-js';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { TributaryError } from '@tributary/errors';
import type { AnyMethodDescriptor, RequestOf, ResponseOf, ServiceDescriptor } from '@tributary/proto';
import { extractFromMetadata, getMeter, getTracer, withSpan } from '@tributary/telemetry';
import net from 'node:net';
import { DecodeFailure, identity, safeDecoder, toBuffer } from './codec';
import { toServiceError } from './error-mapping';
import { createWideWindowInjector } from './server-flow-control';
import {
  DEFAULT_FLOW_CONTROL_WINDOW_BYTES,
  DEFAULT_MAX_CONCURRENT_STREAMS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTION_IDLE_MS,
  DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
  DEFAULT_MAX_SEND_MESSAGE_BYTES,
  DEFAULT_SHUTDOWN_GRACE_MS,
  type KeepaliveOptions,
  keepaliveChannelOptions,
} from './options';

const LIBRARY = '@tributary/rpc';

export interface RpcServerOptions {
  /** The address to listen on, e.g. `'0.0.0.0'` or `'127.0.0.1'`. */
  readonly host: string;
  /** The port; 0 lets the OS choose (see the port `start()` returns). */
  readonly port: number;
  /** Larger requests fail with RESOURCE_EXHAUSTED before they reach a handler. */
  readonly maxReceiveMessageBytes?: number;
  /** Larger responses fail with RESOURCE_EXHAUSTED (MESSAGE_TOO_LARGE) instead of being sent. */
  readonly maxSendMessageBytes?: number;
  /** Connections beyond this many are closed as soon as they are accepted. */
  readonly maxConnections?: number;
  /** Concurrent calls per connection (HTTP/2 max concurrent streams). */
  readonly maxConcurrentStreams?: number;
  /** Idle connections are closed (with GOAWAY) after this long. */
  readonly maxConnectionIdleMs?: number;
  /** Server-side keepalive pings to detect dead clients. */
  readonly keepalive?: KeepaliveOptions;
  /** HTTP/2 receive window per stream and per connection (bytes); see DEFAULT_FLOW_CONTROL_WINDOW_BYTES. */
  readonly flowControlWindowBytes?: number;
  /**
   * Told about every failure that is not a TributaryError (a bug: the client
   * only sees INTERNAL). Defaults to console.error; must not throw.
   */
  readonly onHandlerError?: (error: unknown, method: string) => void;
}

/** What a handler knows about its call besides the request. */
export interface RpcCallContext {
  /** The gRPC path, e.g. `'/tributary.v1.Broker/Produce'`. */
  readonly method: string;
  /** The client's address as grpc-js reports it, e.g. `'127.0.0.1:51234'`. */
  readonly peer: string;
  /** The client's deadline in ms since the epoch, or undefined when it set none. */
  readonly deadline: number | undefined;
  /** Aborted when the call is cancelled: the client gave up, its deadline passed, or the server is forced down. */
  readonly signal: AbortSignal;
}

export type UnaryHandler<Req, Res> = (request: Req, call: RpcCallContext) => Promise<Res> | Res;

/** One handler per method of a service, keyed like the descriptor's methods. */
export type ServiceHandlers<S extends ServiceDescriptor> = {
  readonly [K in keyof S['methods']]: UnaryHandler<RequestOf<S['methods'][K]>, ResponseOf<S['methods'][K]>>;
};

export interface RpcServer {
  /**
   * Registers a service's handlers (before `start`). A handler returns its
   * response or throws: a TributaryError becomes a gRPC status with its Kafka
   * code in the `tributary-error-code` trailer; anything else becomes
   * INTERNAL with a generic message (reported to `onHandlerError`).
   * Per-partition errors belong inside responses, not in throws.
   */
  addService<S extends ServiceDescriptor>(service: S, handlers: ServiceHandlers<S>): void;
  /** Starts listening; resolves with the bound port. */
  start(): Promise<number>;
  /** The bound port once started. */
  readonly port: number | undefined;
  /** Client connections currently open. */
  readonly connectionCount: number;
  /**
   * Stops accepting connections, lets in-flight calls finish for up to
   * `graceMs`, then cuts whatever is left (`forceShutdown`). Resolves when
   * every connection is closed.
   */
  shutdown(graceMs?: number): Promise<void>;
  /** Cancels in-flight calls and closes every connection now. */
  forceShutdown(): void;
}

/**
 * Creates a gRPC server over grpc-js. Connections are accepted by our own
 * `net.Server` and handed to grpc-js through its connection injector, which
 * is what lets us count and cap them (grpc-js has no connection limit).
 */
export function createRpcServer(options: RpcServerOptions): RpcServer {
  return new GrpcRpcServer(options);
}

class GrpcRpcServer implements RpcServer {
  private readonly grpcServer: Server;
  private readonly injector: ConnectionInjector;
  private readonly listener: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly disconnectWaiters: (() => void)[] = [];
  private readonly maxConnections: number;
  private readonly maxSendMessageBytes: number;
  private readonly onHandlerError: (error: unknown, method: string) => void;
  private readonly tracer = getTracer(LIBRARY);
  private readonly callDuration = getMeter(LIBRARY).createHistogram('rpc.server.duration', {
    unit: 'ms',
    description: 'Duration of inbound RPCs, from handler start to response encoded.',
  });
  private readonly rejectedConnections = getMeter(LIBRARY).createCounter('rpc.server.rejected_connections', {
    description: 'Connections closed on accept because the server was at its connection limit or shutting down.',
  });
  private boundPort: number | undefined;
  private stopping = false;

  constructor(private readonly options: RpcServerOptions) {
    this.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    this.maxSendMessageBytes = options.maxSendMessageBytes ?? DEFAULT_MAX_SEND_MESSAGE_BYTES;
    this.onHandlerError = options.onHandlerError ?? ((error, method) => console.error(`[rpc] ${method} failed with a non-Tributary error`, error));
    this.grpcServer = new Server({
      'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
      // Responses are size-checked here, before grpc-js, to fail with a Kafka code and a clear message.
      'grpc.max_send_message_length': -1,
      'grpc.max_concurrent_streams': options.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS,
      'grpc.max_connection_idle_ms': options.maxConnectionIdleMs ?? DEFAULT_MAX_CONNECTION_IDLE_MS,
      ...keepaliveChannelOptions(options.keepalive),
    });
    this.injector = createWideWindowInjector(this.grpcServer, ServerCredentials.createInsecure(), options.flowControlWindowBytes ?? DEFAULT_FLOW_CONTROL_WINDOW_BYTES);
    this.listener = net.createServer((socket) => this.accept(socket));
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  addService<S extends ServiceDescriptor>(service: S, handlers: ServiceHandlers<S>): void {
    const definition: Record<string, ServiceDefinition[string]> = {};
    const implementation: UntypedServiceImplementation = {};
    for (const [key, method] of Object.entries(service.methods)) {
      const handler = (handlers as Record<string, UnaryHandler<unknown, unknown>>)[key];
      if (typeof handler !== 'function') throw new TypeError(`no handler for ${method.path}`);
      definition[key] = {
        path: method.path,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: safeDecoder(method.decodeRequest),
        // Handlers' responses are encoded (and size-checked) before grpc-js sees them.
        responseSerialize: identity,
        responseDeserialize: identity,
      };
      implementation[key] = (call: ServerUnaryCall<unknown, Buffer>, callback: sendUnaryData<Buffer>) => {
        this.handle(method, handler.bind(handlers), call, callback).catch((error: unknown) => {
          this.report(error, method.path);
          callback({ code: status.INTERNAL, details: 'internal error' });
        });
      };
    }
    this.grpcServer.addService(definition as ServiceDefinition, implementation);
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen({ host: this.options.host, port: this.options.port }, () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.listener.address() as net.AddressInfo).port;
    return this.boundPort;
  }

  async shutdown(graceMs = DEFAULT_SHUTDOWN_GRACE_MS): Promise<void> {
    this.stopListening();
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      new Promise<boolean>((resolve) => this.grpcServer.tryShutdown(() => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!drained) this.forceShutdown();
    await this.whenDisconnected();
  }

  forceShutdown(): void {
    this.stopListening();
    this.grpcServer.forceShutdown();
    for (const socket of this.sockets) socket.destroy();
  }

  private stopListening(): void {
    this.stopping = true;
    if (this.listener.listening) this.listener.close();
  }

  /** Resolves once every accepted connection has closed. */
  private whenDisconnected(): Promise<void> {
    if (this.sockets.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.disconnectWaiters.push(resolve));
  }

  private accept(socket: net.Socket): void {
    if (this.stopping || this.sockets.size >= this.maxConnections) {
      this.rejectedConnections.add(1, { reason: this.stopping ? 'shutting_down' : 'max_connections' });
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      if (this.sockets.size === 0) for (const resolve of this.disconnectWaiters.splice(0)) resolve();
    });
    // Errors surface through the HTTP/2 session; an unhandled socket error must not crash the process.
    socket.on('error', () => undefined);
    this.injector.injectConnection(socket);
  }

  private async handle(
    method: AnyMethodDescriptor,
    handler: UnaryHandler<unknown, unknown>,
    call: ServerUnaryCall<unknown, Buffer>,
    callback: sendUnaryData<Buffer>,
  ): Promise<void> {
    const started = performance.now();
    const controller = new AbortController();
    const onCancelled = () => controller.abort(new TributaryError('NETWORK_EXCEPTION', `${method.path} was cancelled`));
    call.once('cancelled', onCancelled);
    const context: RpcCallContext = { method: method.path, peer: call.getPeer(), deadline: deadlineOf(call), signal: controller.signal };
    const attributes = { 'rpc.system': 'grpc', 'rpc.service': method.service, 'rpc.method': method.name };
    let code: status = status.OK;
    try {
      const response = await withSpan(this.tracer, method.path.slice(1), attributes, () => this.respond(method, handler, call, context), {
        kind: SpanKind.SERVER,
        parent: extractFromMetadata(call.metadata as Metadata, ROOT_CONTEXT),
      });
      callback(null, response);
    } catch (error) {
      const failure = this.toFailure(error, method.path);
      code = failure.code ?? status.UNKNOWN;
      callback(failure);
    } finally {
      // grpc-js may report the stream's close after we answered; that is not a cancellation.
      call.off('cancelled', onCancelled);
      this.callDuration.record(performance.now() - started, { ...attributes, 'rpc.grpc.status_code': code });
    }
  }

  private async respond(method: AnyMethodDescriptor, handler: UnaryHandler<unknown, unknown>, call: ServerUnaryCall<unknown, Buffer>, context: RpcCallContext): Promise<Buffer> {
    const request = call.request;
    if (request instanceof DecodeFailure) throw new TributaryError('INVALID_REQUEST', request.message);
    const encoded = toBuffer(method.encodeResponse(await handler(request, context)));
    if (encoded.length > this.maxSendMessageBytes) {
      throw new TributaryError(
        'MESSAGE_TOO_LARGE',
        `the ${method.path} response of ${encoded.length} bytes exceeds the server's max send message size of ${this.maxSendMessageBytes} bytes`,
      );
    }
    return encoded;
  }

  private toFailure(error: unknown, method: string): ReturnType<typeof toServiceError> {
    if (error instanceof TributaryError) return toServiceError(error);
    this.report(error, method);
    // Never the foreign error's message or stack: they may expose internals.
    return toServiceError(new TributaryError('UNKNOWN_SERVER_ERROR', `internal error in ${method}`));
  }

  private report(error: unknown, method: string): void {
    try {
      this.onHandlerError(error, method);
    } catch {
      // A failing error hook must not take the server down.
    }
  }
}

function deadlineOf(call: ServerUnaryCall<unknown, Buffer>): number | undefined {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? ms : undefined;
}
