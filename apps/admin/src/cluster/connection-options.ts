import { CONNECTION_OPTIONS, type ParsedOptions, integerOption, parseHostPort, stringOption } from '../cli/args';
import { BrokerAdmin, DEFAULT_API_TIMEOUT_MS, connectionFailure } from './broker-admin';

/** The broker `npm start` runs: Tributary's native gRPC port on loopback. */
export const DEFAULT_BOOTSTRAP_SERVER = '127.0.0.1:9290';

/** `--bootstrap-server`, checked to be HOST:PORT. */
export function bootstrapServerOf(options: ParsedOptions): string {
  const server = stringOption(options, 'bootstrap-server', DEFAULT_BOOTSTRAP_SERVER);
  parseHostPort(server);
  return server;
}

/** `--api-timeout-ms`: the bound of one request to the cluster, retries included. */
export function apiTimeoutMsOf(options: ParsedOptions): number {
  return integerOption(options, 'api-timeout-ms', DEFAULT_API_TIMEOUT_MS, { min: 1, max: 0x7fffffff });
}

/** Runs `fn` with an admin client for `--bootstrap-server`, closing it however `fn` ends. */
export async function withAdmin<T>(options: ParsedOptions, fn: (admin: BrokerAdmin) => Promise<T>, debug = false): Promise<T> {
  const server = bootstrapServerOf(options);
  const admin = await BrokerAdmin.open(server, apiTimeoutMsOf(options), debug);
  try {
    return await fn(admin);
  } catch (error) {
    throw connectionFailure(server, error);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

export { CONNECTION_OPTIONS };
