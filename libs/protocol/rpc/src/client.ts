import { type ClientUnaryCall, type ServiceError, Client, Metadata, credentials } from '@grpc/grpc-js';
import { type Context, SpanKind, context as otelContext, trace } from '@opentelemetry/api';
import { TributaryError } from '@tributary/errors';
import type { AnyMethodDescriptor, RequestOf, ResponseOf, ServiceDescriptor } from '@tributary/proto';
import { getTracer, injectIntoMetadata, withSpan } from '@tributary/telemetry';
import { DecodeFailure, identity, safeDecoder, toBuffer } from './codec';
import { fromServiceError } from './error-mapping';
import { DEFAULT_DEADLINE_MS, DEFAULT_FLOW_CONTROL_WINDOW_BYTES, DEFAULT_MAX_RECEIVE_MESSAGE_BYTES, DEFAULT_MAX_SEND_MESSAGE_BYTES, type KeepaliveOptions, keepaliveChannelOptions } from './options';

const LIBRARY = '@tributary/rpc';

export interface RpcClientOptions<S extends ServiceDescriptor> {
  /** The generated service descriptor, e.g. `BrokerService`. */
  readonly service: S;
  /** A call's deadline unless the call sets its own. */
  readonly defaultDeadlineMs?: number;
  /** Larger responses fail with MESSAGE_TOO_LARGE. */
  readonly maxReceiveMessageBytes?: number;
  /** Larger requests fail with MESSAGE_TOO_LARGE before they are sent. */
  readonly maxSendMessageBytes?: number;
  /** Client keepalive pings; sent only while calls are in flight. */
  readonly keepalive?: KeepaliveOptions;
  /** HTTP/2 receive window per stream and per connection (bytes); see DEFAULT_FLOW_CONTROL_WINDOW_BYTES. */
  readonly flowControlWindowBytes?: number;
}

export interface RpcCallOptions {
  /** This call's deadline, overriding the client's default. */
  readonly deadlineMs?: number;
  /** The context whose span becomes the call's parent (default: the active context). */
  readonly context?: Context;
}

/** One promise-returning method per RPC of the service, plus `close`. */
export type RpcClient<S extends ServiceDescriptor> = {
  readonly [K in keyof S['methods']]: (request: RequestOf<S['methods'][K]>, options?: RpcCallOptions) => Promise<ResponseOf<S['methods'][K]>>;
} & {
  /** The `host:port` this client talks to. */
  readonly target: string;
  /** Cancels in-flight calls (they reject with a non-retriable NETWORK_EXCEPTION) and closes the connection. */
  close(): void;
};

/**
 * Creates a client for one service at `target` (`'host:port'`). Each client
 * has its own connection. Calls reject with TributaryError only: the code
 * the server sent, or for transport failures a retriable NETWORK_EXCEPTION
 * (UNAVAILABLE), REQUEST_TIMED_OUT (deadline) or MESSAGE_TOO_LARGE. Each call
 * runs in a CLIENT span and carries `traceparent` in its metadata.
 */
export function createRpcClient<S extends ServiceDescriptor>(target: string, options: RpcClientOptions<S>): RpcClient<S> {
  const core = new ClientCore(target, options);
  const client: Record<string, unknown> = {
    target,
    close: () => core.close(),
  };
  for (const [key, method] of Object.entries(options.service.methods)) {
    if (key in client) throw new TypeError(`method ${method.path} clashes with RpcClient.${key}`);
    client[key] = (request: unknown, callOptions?: RpcCallOptions) => core.call(method, request, callOptions);
  }
  return client as RpcClient<S>;
}

class ClientCore {
  private readonly grpcClient: Client;
  private readonly inFlight = new Set<ClientUnaryCall>();
  private readonly defaultDeadlineMs: number;
  private readonly maxSendMessageBytes: number;
  private readonly tracer = getTracer(LIBRARY);
  private readonly decoders = new Map<AnyMethodDescriptor, (bytes: Buffer) => unknown>();
  private closed = false;

  constructor(target: string, options: RpcClientOptions<ServiceDescriptor>) {
    this.defaultDeadlineMs = options.defaultDeadlineMs ?? DEFAULT_DEADLINE_MS;
    this.maxSendMessageBytes = options.maxSendMessageBytes ?? DEFAULT_MAX_SEND_MESSAGE_BYTES;
    this.grpcClient = new Client(target, credentials.createInsecure(), {
      'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
      'grpc.max_send_message_length': -1,
      // One connection per client, like a Kafka client's connection per broker:
      // close() really closes it, and server connection limits count clients.
      'grpc.use_local_subchannel_pool': 1,
      'grpc-node.flow_control_window': options.flowControlWindowBytes ?? DEFAULT_FLOW_CONTROL_WINDOW_BYTES,
      ...keepaliveChannelOptions(options.keepalive),
    });
  }

  call(method: AnyMethodDescriptor, request: unknown, options: RpcCallOptions = {}): Promise<unknown> {
    if (this.closed) return Promise.reject(new TributaryError('NETWORK_EXCEPTION', `${method.path}: the client is closed`, { retriable: false }));
    let payload: Buffer;
    try {
      payload = toBuffer(method.encodeRequest(request));
    } catch (error) {
      return Promise.reject(new TributaryError('INVALID_REQUEST', `${method.path}: cannot encode the request: ${(error as Error).message}`, { cause: error }));
    }
    if (payload.length > this.maxSendMessageBytes) {
      return Promise.reject(
        new TributaryError('MESSAGE_TOO_LARGE', `${method.path}: the request of ${payload.length} bytes exceeds the client's max send message size of ${this.maxSendMessageBytes} bytes`),
      );
    }
    const parent = options.context ?? otelContext.active();
    const deadline = Date.now() + (options.deadlineMs ?? this.defaultDeadlineMs);
    const attributes = { 'rpc.system': 'grpc', 'rpc.service': method.service, 'rpc.method': method.name };
    return withSpan(this.tracer, method.path.slice(1), attributes, (span) => this.send(method, payload, trace.setSpan(parent, span), deadline), {
      kind: SpanKind.CLIENT,
      parent,
    });
  }

  close(): void {
    this.closed = true;
    for (const call of this.inFlight) call.cancel();
    this.grpcClient.close();
  }

  private send(method: AnyMethodDescriptor, payload: Buffer, spanContext: Context, deadline: number): Promise<unknown> {
    const metadata = new Metadata();
    injectIntoMetadata(metadata, spanContext);
    return new Promise((resolve, reject) => {
      const call = this.grpcClient.makeUnaryRequest(method.path, identity, this.decoderOf(method), payload, metadata, { deadline }, (error, response) => {
        this.inFlight.delete(call);
        if (error) reject(this.toError(error, method));
        else if (response instanceof DecodeFailure) reject(new TributaryError('UNKNOWN_SERVER_ERROR', `${method.path}: malformed response: ${response.message}`));
        else resolve(response);
      });
      this.inFlight.add(call);
    });
  }

  private decoderOf(method: AnyMethodDescriptor): (bytes: Buffer) => unknown {
    let decoder = this.decoders.get(method);
    if (decoder === undefined) this.decoders.set(method, (decoder = safeDecoder(method.decodeResponse)));
    return decoder;
  }

  private toError(error: ServiceError, method: AnyMethodDescriptor): TributaryError {
    if (this.closed) return new TributaryError('NETWORK_EXCEPTION', `${method.path}: the client was closed during the call`, { retriable: false, cause: error });
    return fromServiceError(error, method.path);
  }
}
