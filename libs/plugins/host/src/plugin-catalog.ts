import {
  type AnyPluginDefinition,
  type PluginConfig,
  type PluginKind,
  PLUGIN_KINDS,
  normalizeCleanupPolicyName,
  validatePluginInstance,
} from '@tributary/plugins-api';
import { createPrng } from '@tributary/util';
import { inject, injectable } from 'tsyringe';
import { withFields } from './console-logger';
import {
  ConsumerInterceptorChain,
  GuardedAssignor,
  GuardedCleanupPolicy,
  GuardedConsumerInterceptor,
  GuardedPartitioner,
  GuardedProducerInterceptor,
  ProducerInterceptorChain,
} from './guarded-plugins';
import { type PluginHostOptions, type ResolvedPluginHostOptions, resolveHostOptions } from './host-options';
import type { LoadedPlugin, PluginSource } from './load-plugins';
import { PluginError } from './plugin-error';
import { PluginInvoker } from './plugin-invoker';
import { LOADED_PLUGINS, PLUGIN_HOST_OPTIONS } from './tokens';

/** The guarded wrapper the host hands out, per kind. */
export interface GuardedPluginByKind {
  partitioner: GuardedPartitioner;
  'producer-interceptor': GuardedProducerInterceptor;
  'consumer-interceptor': GuardedConsumerInterceptor;
  assignor: GuardedAssignor;
  'cleanup-policy': GuardedCleanupPolicy;
}

export interface PluginDescriptor {
  readonly kind: PluginKind;
  readonly name: string;
  readonly version: string;
  readonly apiVersion: string;
  readonly description: string | undefined;
  readonly source: PluginSource;
}

/** Creates guarded instances of one plugin. Each `create` calls the plugin's `create` with a fresh context. */
export interface PluginFactory<K extends PluginKind> {
  readonly descriptor: PluginDescriptor;
  /** @throws PluginError (fail-closed) when the plugin's create throws or returns a malformed instance. */
  create(config?: PluginConfig): GuardedPluginByKind[K];
}

/** The plugins of one kind, by name. */
export class PluginRegistry<K extends PluginKind> {
  constructor(
    readonly kind: K,
    private readonly factories: ReadonlyMap<string, PluginFactory<K>>,
  ) {}

  names(): string[] {
    return [...this.factories.keys()];
  }

  has(name: string): boolean {
    return this.factories.has(this.key(name));
  }

  /** @throws PluginError `unknown-plugin` (INVALID_CONFIG), listing the known names. */
  get(name: string): PluginFactory<K> {
    const factory = this.factories.get(this.key(name));
    if (!factory) {
      throw new PluginError('unknown-plugin', `no ${this.kind} plugin named '${name}'; registered: ${this.names().join(', ') || 'none'}`, {
        pluginKind: this.kind,
        pluginName: name,
      });
    }
    return factory;
  }

  create(name: string, config?: PluginConfig): GuardedPluginByKind[K] {
    return this.get(name).create(config);
  }

  private key(name: string): string {
    return this.kind === 'cleanup-policy' ? normalizeCleanupPolicyName(name) : name;
  }
}

/**
 * Every registered plugin, by kind and name. Registered in the child
 * container by `registerPlugins`; can also be built directly in tests or
 * tools (`new PluginCatalog(plugins, options)`).
 *
 * @throws PluginError `duplicate` when two plugins share a kind and name.
 */
@injectable()
export class PluginCatalog {
  private readonly options: ResolvedPluginHostOptions;
  private readonly registries: { [K in PluginKind]: PluginRegistry<K> };

  constructor(@inject(LOADED_PLUGINS) plugins: readonly LoadedPlugin[], @inject(PLUGIN_HOST_OPTIONS) options: PluginHostOptions) {
    this.options = resolveHostOptions(options);
    const byKind = new Map<PluginKind, Map<string, PluginFactory<PluginKind>>>(PLUGIN_KINDS.map((k) => [k, new Map()]));
    for (const plugin of plugins) {
      const { kind, name } = plugin.definition;
      const key = kind === 'cleanup-policy' ? normalizeCleanupPolicyName(name) : name;
      const factories = byKind.get(kind) as Map<string, PluginFactory<PluginKind>>;
      const existing = factories.get(key);
      if (existing) {
        throw new PluginError('duplicate', `two ${kind} plugins are named '${name}': ${describeSource(existing.descriptor.source)} and ${describeSource(plugin.source)}`, {
          pluginKind: kind,
          pluginName: name,
        });
      }
      factories.set(key, this.factoryFor(plugin));
    }
    const registry = <K extends PluginKind>(kind: K): PluginRegistry<K> =>
      new PluginRegistry(kind, byKind.get(kind) as unknown as ReadonlyMap<string, PluginFactory<K>>);
    this.registries = {
      partitioner: registry('partitioner'),
      'producer-interceptor': registry('producer-interceptor'),
      'consumer-interceptor': registry('consumer-interceptor'),
      assignor: registry('assignor'),
      'cleanup-policy': registry('cleanup-policy'),
    };
  }

  registry<K extends PluginKind>(kind: K): PluginRegistry<K> {
    return this.registries[kind] as PluginRegistry<K>;
  }

  /** Every registered plugin, built-ins first. */
  list(): PluginDescriptor[] {
    return PLUGIN_KINDS.flatMap((kind) => this.registry(kind).names().map((name) => this.registry(kind).get(name).descriptor));
  }

  /** A partitioner for one producer (`partitioner.class`; Kafka's built-in when unset). */
  createPartitioner(name = 'default', config?: PluginConfig): GuardedPartitioner {
    return this.registries.partitioner.create(name, config);
  }

  /** The interceptor chain for one producer (`interceptor.classes`, in order). */
  createProducerInterceptors(names: readonly string[], config?: PluginConfig): ProducerInterceptorChain {
    return new ProducerInterceptorChain(names.map((n) => this.registries['producer-interceptor'].create(n, config)));
  }

  /** The interceptor chain for one consumer (`interceptor.classes`, in order). */
  createConsumerInterceptors(names: readonly string[], config?: PluginConfig): ConsumerInterceptorChain {
    return new ConsumerInterceptorChain(names.map((n) => this.registries['consumer-interceptor'].create(n, config)));
  }

  /** An assignor (`partition.assignment.strategy`). */
  createAssignor(name: string, config?: PluginConfig): GuardedAssignor {
    return this.registries.assignor.create(name, config);
  }

  /** A cleanup policy for a `cleanup.policy` value (a name or a list, e.g. ['compact', 'delete']). */
  createCleanupPolicy(policy: string | readonly string[], config?: PluginConfig): GuardedCleanupPolicy {
    return this.registries['cleanup-policy'].create(normalizeCleanupPolicyName(policy), config);
  }

  private factoryFor(plugin: LoadedPlugin): PluginFactory<PluginKind> {
    const definition = plugin.definition;
    const descriptor: PluginDescriptor = {
      kind: definition.kind,
      name: definition.name,
      version: definition.version,
      apiVersion: definition.apiVersion,
      description: definition.description,
      source: plugin.source,
    };
    return { descriptor, create: (config) => this.instantiate(definition, config ?? {}) };
  }

  private instantiate(definition: AnyPluginDefinition, config: PluginConfig): GuardedPluginByKind[PluginKind] {
    const { kind, name, version } = definition;
    const invoker = new PluginInvoker({ kind, name, version }, this.options);
    const logger = withFields(this.options.logger, { pluginKind: kind, pluginName: name });
    const context = {
      pluginName: name,
      config: Object.freeze({ ...config }),
      logger,
      clock: { nowMs: () => this.options.scheduler.nowMs() },
      prng: createPrng(this.options.nextSeed()),
    };
    const instance: unknown = invoker.callSync('create', () => (definition.create as (c: typeof context) => unknown)(context));
    const problems = validatePluginInstance(kind, instance, name);
    if (problems.length > 0) throw invoker.error('invalid', 'create', `returned a malformed ${kind}: ${problems.join('; ')}`);
    switch (kind) {
      case 'partitioner':
        return new GuardedPartitioner(instance as never, invoker, logger);
      case 'producer-interceptor':
        return new GuardedProducerInterceptor(instance as never, invoker, logger);
      case 'consumer-interceptor':
        return new GuardedConsumerInterceptor(instance as never, invoker, logger);
      case 'assignor':
        return new GuardedAssignor(instance as never, invoker, logger);
      case 'cleanup-policy':
        return new GuardedCleanupPolicy(instance as never, invoker, logger);
    }
  }
}

function describeSource(source: PluginSource): string {
  return source.type === 'package' ? `${source.packageName}@${source.packageVersion} ('${source.spec}')` : source.type;
}
