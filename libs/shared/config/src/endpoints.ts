/** A listener from `listeners`/`advertised.listeners`: `NAME://host:port` (empty host = all interfaces). */
export interface ListenerEndpoint {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** A controller quorum voter from `controller.quorum.voters`: `id@host:port`. */
export interface QuorumVoter {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

const LISTENER = /^([A-Za-z][A-Za-z0-9_]*):\/\/(\[[0-9A-Fa-f:.]+\]|[^:/\s[\]]*):(\d{1,5})$/;
const VOTER = /^(\d{1,10})@(\[[0-9A-Fa-f:.]+\]|[^:/\s@[\]]+):(\d{1,5})$/;
const MAX_PORT = 65535;

function unbracket(host: string): string {
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/**
 * Parses `NAME://host:port`; undefined when malformed. IPv6 hosts are written
 * in brackets. Listener names are case-insensitive and come back upper-case,
 * as Kafka's ListenerName normalises them (`grpc://` is `GRPC://`).
 */
export function parseListener(text: string): ListenerEndpoint | undefined {
  const match = LISTENER.exec(text);
  if (!match || Number(match[3]) > MAX_PORT) return undefined;
  return { name: match[1].toUpperCase(), host: unbracket(match[2]), port: Number(match[3]) };
}

/** Parses `id@host:port`; undefined when malformed. */
export function parseVoter(text: string): QuorumVoter | undefined {
  const match = VOTER.exec(text);
  if (!match || Number(match[3]) > MAX_PORT || Number(match[1]) > 2 ** 31 - 1) return undefined;
  return { nodeId: Number(match[1]), host: unbracket(match[2]), port: Number(match[3]) };
}

export const LISTENER_FORMAT = 'NAME://host:port (NAME case-insensitive, port 0-65535, empty host = all interfaces)';
export const VOTER_FORMAT = 'id@host:port';
