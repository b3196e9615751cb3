import { CONNECTION_OPTIONS, type ParsedOptions, parseHostPort, stringOption } from '../cli/args';
import { BrokerAdmin, connectionFailure } from './broker-admin';

/** The broker `npm start` runs: Tributary's native gRPC port on loopback. */
export const DEFAULT_BOOTSTRAP_SERVER = '127.0.0.1:9290';

/** `--bootstrap-server`, checked to be HOST:PORT. */
export function bootstrapServerOf(options: ParsedOptions): string {
  const server = stringOption(options, 'bootstrap-server', DEFAULT_BOOTSTRAP_SERVER);
  parseHostPort(server);
  return server;
}

/** Runs `fn` with an admin connection to `--bootstrap-server`, closing it however `fn` ends. */
export async function withAdmin<T>(options: ParsedOptions, fn: (admin: BrokerAdmin) => Promise<T>): Promise<T> {
  const server = bootstrapServerOf(options);
  const admin = new BrokerAdmin(server);
  try {
    return await fn(admin);
  } catch (error) {
    throw connectionFailure(server, error);
  } finally {
    admin.close();
  }
}

export { CONNECTION_OPTIONS };
