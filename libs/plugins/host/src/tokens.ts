import type { PluginKind } from '@tributary/plugins-api';
import { type Token, createToken } from './create-token';
import type { PluginHostOptions } from './host-options';
import type { LoadedPlugin } from './load-plugins';
import type { PluginCatalog, PluginFactory, PluginRegistry } from './plugin-catalog';

/** The host options given to registerPlugins. */
export const PLUGIN_HOST_OPTIONS: Token<PluginHostOptions> = createToken('PluginHostOptions');
/** Every plugin registered in the container (built-ins first, then loaded ones). */
export const LOADED_PLUGINS: Token<readonly LoadedPlugin[]> = createToken('LoadedPlugins');
/** The catalog: look up and create guarded plugins of any kind. */
export const PLUGIN_CATALOG: Token<PluginCatalog> = createToken('PluginCatalog');

/** Per-kind registries, e.g. `resolveToken(c, PLUGIN_REGISTRIES.partitioner).create('default')`. */
export const PLUGIN_REGISTRIES: { readonly [K in PluginKind]: Token<PluginRegistry<K>> } = {
  partitioner: createToken('PartitionerRegistry'),
  'producer-interceptor': createToken('ProducerInterceptorRegistry'),
  'consumer-interceptor': createToken('ConsumerInterceptorRegistry'),
  assignor: createToken('AssignorRegistry'),
  'cleanup-policy': createToken('CleanupPolicyRegistry'),
};

/**
 * The token one plugin's factory is registered under. Stable across calls
 * (a `Symbol.for` key), so any library can ask for a plugin by kind and name.
 */
export function pluginToken<K extends PluginKind>(kind: K, name: string): Token<PluginFactory<K>> {
  return Symbol.for(`@tributary/plugins-host/${kind}/${name}`) as Token<PluginFactory<K>>;
}
