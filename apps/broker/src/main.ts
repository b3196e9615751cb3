import 'reflect-metadata';
import { randomInt, randomUUID } from 'node:crypto';
import path from 'node:path';
import { BROKER_SERVICE_HANDLERS, BrokerRuntime, cleanupPolicyLookup, configLibModel, logCleanerService, registerBroker } from '@tributary/broker';
import { type BrokerConfig, parseBrokerConfig, parseListener } from '@tributary/config';
import { PLUGIN_REGISTRIES, loadAndRegisterPlugins, resolveToken } from '@tributary/plugins-host';
import { BrokerService } from '@tributary/proto';
import { createRpcServer, type RpcServer } from '@tributary/rpc';
import { createPrng, systemScheduler } from '@tributary/util';
import { container } from 'tsyringe';
import { brokerLogger, oneLine } from './broker-logger';
import { ensureMetaProperties } from './meta-properties';
import { startTelemetry } from './otel';
import { singleNodeArgs } from './single-node-args';

/** How long in-flight calls may take to finish at shutdown before they are cancelled. */
const SHUTDOWN_GRACE_MS = 10_000;
const logger = brokerLogger();

function fail(what: string, error: unknown, exitCode: number): never {
  console.error(`tributary broker: ${what}: ${oneLine(error)}`);
  process.exit(exitCode);
}

function grpcListener(config: BrokerConfig): { host: string; port: number; advertisedHost: string } {
  const controllerNames = config.get('controller.listener.names');
  const pick = (items: readonly string[]) => items.map((l) => parseListener(l)).find((l) => l !== undefined && !controllerNames.includes(l.name));
  const listener = pick(config.get('listeners'));
  if (!listener) fail('invalid configuration', 'listeners has no client (GRPC) listener', 2);
  const advertised = pick(config.get('advertised.listeners') ?? []);
  const host = listener.host === '' ? '0.0.0.0' : listener.host;
  return { host, port: listener.port, advertisedHost: advertised?.host || (listener.host === '' ? '127.0.0.1' : listener.host) };
}

async function main(): Promise<void> {
  const startedMs = Date.now();
  const args = singleNodeArgs(process.argv.slice(2));
  let config: BrokerConfig;
  try {
    config = parseBrokerConfig({ argv: args.argv, env: process.env, ...(args.fileText === undefined ? {} : { fileText: args.fileText, fileName: 'built-in single-node properties' }) });
  } catch (error) {
    fail('invalid configuration', error, 2);
  }
  const telemetry = await startTelemetry('tributary-broker');
  const nodeId = config.get('node.id');
  const logDirs = config.get('log.dirs').map((d) => path.resolve(d));
  let clusterId: string;
  try {
    clusterId = ensureMetaProperties(logDirs[0], nodeId);
  } catch (error) {
    fail('cannot use log dir', error, 1);
  }
  const plugins = await loadAndRegisterPlugins(container, config.get('tributary.plugins')).catch((error: unknown) => fail('cannot load plugins', error, 1));
  const model = configLibModel(config, (message) => logger.warn(message));
  const runtime = await BrokerRuntime.open({
    config: { ...model, settings: { ...model.settings, logDirs } },
    scheduler: systemScheduler,
    logger,
    newTopicId: randomUUID,
    newIncarnationId: randomUUID,
    prng: createPrng(randomInt(2 ** 31)),
    clusterId,
    backgroundServices: (rt) => [logCleanerService(rt, cleanupPolicyLookup(resolveToken(plugins, PLUGIN_REGISTRIES['cleanup-policy'])))],
  }).catch((error: unknown) => fail('cannot open the logs', error, 1));
  registerBroker(plugins, runtime);

  const listener = grpcListener(config);
  const server: RpcServer = createRpcServer({
    host: listener.host,
    port: listener.port,
    maxReceiveMessageBytes: config.get('socket.request.max.bytes'),
    maxConnections: config.get('max.connections'),
    onHandlerError: (error, method) => logger.error(`unexpected failure in ${method}: ${oneLine(error)}`),
  });
  server.addService(BrokerService, resolveToken(plugins, BROKER_SERVICE_HANDLERS));
  const port = await server.start().catch((error: unknown) => fail(`cannot listen on ${listener.host}:${listener.port}`, error, 1));
  await runtime.registerListener(listener.advertisedHost, port);

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    runtime.stopParkingFetches();
    await server.shutdown(SHUTDOWN_GRACE_MS);
    await runtime.shutdown();
    await telemetry.shutdown();
    console.log('tributary broker stopped cleanly');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void shutdown(signal).catch((error: unknown) => fail('shutdown failed', error, 1)));
  }
  const found = runtime.loadSummaries.reduce((n, s) => n + s.logs, 0);
  const recovered = runtime.loadSummaries.reduce((n, s) => n + s.recoveredLogs, 0);
  const startup = runtime.cleanStart ? 'clean' : found === 0 ? 'fresh' : `recovered(${recovered} of ${found} logs)`;
  console.log(`tributary broker ${nodeId} ready grpc=${listener.advertisedHost}:${port} cluster=${clusterId} startup=${startup} in ${Date.now() - startedMs} ms`);
}

process.on('uncaughtException', (error) => fail('crashed', error, 1));
process.on('unhandledRejection', (error) => fail('crashed', error, 1));
void main();
