/** Kafka's socket.request.max.bytes: the largest request a server accepts by default. */
export const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 100 * 1024 * 1024;
/** The largest response a server sends (and a client accepts) by default. */
export const DEFAULT_MAX_SEND_MESSAGE_BYTES = 100 * 1024 * 1024;
/** Concurrent client connections a server accepts by default; more are closed on accept. */
export const DEFAULT_MAX_CONNECTIONS = 10_000;
/** Concurrent calls per connection by default (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS). */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 1_000;
/** Kafka's connections.max.idle.ms: idle connections are closed after this long. */
export const DEFAULT_MAX_CONNECTION_IDLE_MS = 10 * 60 * 1000;
/** Kafka's request.timeout.ms: a call's deadline unless the caller sets one. */
export const DEFAULT_DEADLINE_MS = 30_000;
/** How long `shutdown()` lets in-flight calls finish before cutting connections. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** HTTP/2 keepalive pings. */
export interface KeepaliveOptions {
  /** Ping a connection after this long without activity. */
  readonly timeMs?: number;
  /** Close the connection when a ping is not answered within this long. */
  readonly timeoutMs?: number;
}

export function keepaliveChannelOptions(keepalive: KeepaliveOptions | undefined): Record<string, number> {
  const options: Record<string, number> = {};
  if (keepalive?.timeMs !== undefined) options['grpc.keepalive_time_ms'] = keepalive.timeMs;
  if (keepalive?.timeoutMs !== undefined) options['grpc.keepalive_timeout_ms'] = keepalive.timeoutMs;
  return options;
}

/**
 * HTTP/2 receive window, per stream and per connection, of servers and
 * clients by default. Node's default (64 KiB, the HTTP/2 initial value) makes
 * a sender stop after every 64 KiB of a message until the receiver's event
 * loop answers with WINDOW_UPDATE; with produce requests and fetch responses
 * of a MiB or more that round trip, not the bytes, bounds throughput. Memory
 * is bounded by the message size limits, not by the window: grpc-js reads a
 * message whole before handing it on.
 */
export const DEFAULT_FLOW_CONTROL_WINDOW_BYTES = 16 * 1024 * 1024;
