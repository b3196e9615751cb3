export type { RpcCallContext, RpcServer, RpcServerOptions, ServiceHandlers, UnaryHandler } from './server';
export { createRpcServer } from './server';
export type { RpcCallOptions, RpcClient, RpcClientOptions } from './client';
export { createRpcClient } from './client';
export { ERROR_CODE_METADATA_KEY, ERROR_RETRIABLE_METADATA_KEY, fromServiceError, grpcStatusOf, toServiceError } from './error-mapping';
export type { KeepaliveOptions } from './options';
export {
  DEFAULT_DEADLINE_MS,
  DEFAULT_FLOW_CONTROL_WINDOW_BYTES,
  DEFAULT_MAX_CONCURRENT_STREAMS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTION_IDLE_MS,
  DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
  DEFAULT_MAX_SEND_MESSAGE_BYTES,
  DEFAULT_SHUTDOWN_GRACE_MS,
} from './options';
