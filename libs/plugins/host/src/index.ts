/**
 * @tributary/plugins-host — discovers, version-checks, loads and registers
 * plugins, and guards every call into them (see README.md). Uses tsyringe:
 * the app imports 'reflect-metadata' before importing this package.
 */
export { type Token, createToken, resolveToken } from './create-token';
export { LOADED_PLUGINS, PLUGIN_CATALOG, PLUGIN_HOST_OPTIONS, PLUGIN_REGISTRIES, pluginToken } from './tokens';
export { loadAndRegisterPlugins, registerPlugins } from './register-plugins';
export { type LoadPluginsOptions, type LoadedPlugin, type PluginSource, loadPlugins } from './load-plugins';
export { MANIFEST_FIELD, type PluginManifest, type PluginPackage, discoverPluginPackage, isPathSpec } from './discover';
export { type GuardedPluginByKind, type PluginDescriptor, type PluginFactory, PluginCatalog, PluginRegistry } from './plugin-catalog';
export {
  ConsumerInterceptorChain,
  GuardedAssignor,
  GuardedCleanupPolicy,
  GuardedConsumerInterceptor,
  GuardedPartitioner,
  GuardedProducerInterceptor,
  ProducerInterceptorChain,
} from './guarded-plugins';
export { type PluginErrorDetails, type PluginFailure, PluginError, isPluginError } from './plugin-error';
export { type PluginIdentity, PluginInvoker } from './plugin-invoker';
export {
  DEFAULT_HOOK_TIMEOUT_MS,
  PLUGINS_HOST_TRACER_NAME,
  type PluginHostOptions,
  type ResolvedPluginHostOptions,
  resolveHostOptions,
} from './host-options';
export { consoleLogger, withFields } from './console-logger';
