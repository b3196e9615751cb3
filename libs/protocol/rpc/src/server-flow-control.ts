import type * as http2 from 'node:http2';
import type { ConnectionInjector, Server, ServerCredentials } from '@grpc/grpc-js';

/** The grpc-js Server fields this module relies on (not part of its typed API). */
interface ServerInternals {
  commonServerOptions?: { settings?: http2.Settings };
  http2Servers?: Map<http2.Http2Server, unknown>;
}

/**
 * Creates `server`'s connection injector with an HTTP/2 receive window of
 * `windowBytes`: the initial stream window in the server's SETTINGS and the
 * connection window of each session. grpc-js has a client option for this
 * (`grpc-node.flow_control_window`) but none for servers, so this sets the
 * options grpc-js passes to `http2.createServer` and listens for the
 * injector's sessions. These are grpc-js internals: if they move, this throws at
 * construction, and rpc.spec.ts checks the windows a raw HTTP/2 client is
 * granted, so an upgrade cannot silently fall back to 64 KiB windows.
 */
export function createWideWindowInjector(server: Server, credentials: ServerCredentials, windowBytes: number): ConnectionInjector {
  const internals = server as unknown as ServerInternals;
  const common = internals.commonServerOptions;
  const http2Servers = internals.http2Servers;
  if (common === undefined || !(http2Servers instanceof Map)) throw new Error('grpc-js internals changed: cannot set the HTTP/2 flow control window');
  common.settings = { ...common.settings, initialWindowSize: windowBytes };
  const known = new Set(http2Servers.keys());
  const injector = server.createConnectionInjector(credentials);
  const created = [...http2Servers.keys()].filter((s) => !known.has(s));
  if (created.length !== 1) throw new Error('grpc-js internals changed: cannot find the connection injector');
  created[0].on('session', (session: http2.ServerHttp2Session) => session.setLocalWindowSize(windowBytes));
  return injector;
}
