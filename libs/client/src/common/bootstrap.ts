import { TributaryError } from '@tributary/errors';
import { BOOTSTRAP_NODE_ID, type NodeTarget } from '../transport/transport';

/** Parses bootstrap.servers entries (`host:port`, `[::1]:port`) into targets. */
export function parseBootstrapServers(servers: readonly string[]): NodeTarget[] {
  return servers.map((entry) => {
    const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(entry.trim());
    const port = match ? Number(match[3]) : NaN;
    if (!match || port < 0 || port > 65535) {
      throw new TributaryError('INVALID_CONFIG', `Invalid url in bootstrap.servers: ${entry} (expected host:port)`);
    }
    return { nodeId: BOOTSTRAP_NODE_ID, host: match[1] ?? match[2], port };
  });
}
