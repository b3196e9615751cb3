import { TributaryError } from '@tributary/errors';
import { findBuiltinPlugin, builtinPluginNames } from '@tributary/plugins-builtin';
import type { PluginContext, PluginKind, PluginInstanceByKind } from '@tributary/plugins-api';
import type { Prng, Scheduler } from '@tributary/util';
import type { ClientLogger } from './client-deps';

/** Kafka's class names for the partitioners that have a built-in twin. */
const KAFKA_CLASS_NAMES: Readonly<Record<string, string>> = {
  'org.apache.kafka.clients.producer.internals.DefaultPartitioner': 'default',
  'org.apache.kafka.clients.producer.UniformStickyPartitioner': 'uniform-sticky',
  'org.apache.kafka.clients.producer.RoundRobinPartitioner': 'round-robin',
};

export interface PluginEnvironment {
  readonly scheduler: Scheduler;
  readonly prng: Prng;
  readonly logger: ClientLogger;
  /** Handed to the plugin's `create` as its config. */
  readonly config: Readonly<Record<string, string>>;
}

/**
 * Resolves a plugin-valued config entry: an instance is used as is; a name is
 * a built-in plugin of `@tributary/plugins-builtin` (Kafka's class names of
 * the built-in partitioners are accepted too). Packages and paths are loaded
 * by the app with `@tributary/plugins-host` and passed in as instances: the
 * client does not load code on its own.
 */
export function resolvePlugin<K extends PluginKind>(kind: K, spec: PluginInstanceByKind[K] | string, key: string, env: PluginEnvironment): PluginInstanceByKind[K] {
  if (typeof spec !== 'string') return spec;
  const name = KAFKA_CLASS_NAMES[spec] ?? spec;
  const definition = findBuiltinPlugin(kind, name);
  if (!definition) {
    const builtins = builtinPluginNames(kind);
    throw new TributaryError(
      'INVALID_CONFIG',
      `${key}=${spec} is not a built-in ${kind}${builtins.length > 0 ? ` (${builtins.join(', ')})` : ''}; load plugin packages with @tributary/plugins-host and pass the instance`,
    );
  }
  const { logger, scheduler, prng, config } = env;
  const context: PluginContext = {
    pluginName: definition.name,
    config,
    clock: { nowMs: () => scheduler.nowMs() },
    prng,
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message, fields) => logger.warn(`[${kind} ${definition.name}] ${message}`, fields),
      error: (message, fields) => logger.warn(`[${kind} ${definition.name}] ${message}`, fields),
    },
  };
  return definition.create(context);
}
