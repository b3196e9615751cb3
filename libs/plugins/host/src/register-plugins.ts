import { type AnyPluginDefinition, PLUGIN_KINDS, type PluginKind } from '@tributary/plugins-api';
import { BUILTIN_PLUGINS } from '@tributary/plugins-builtin';
import { type DependencyContainer, Lifecycle, instanceCachingFactory } from 'tsyringe';
import type { PluginHostOptions } from './host-options';
import { type LoadPluginsOptions, type LoadedPlugin, loadPlugins } from './load-plugins';
import { PluginCatalog } from './plugin-catalog';
import { LOADED_PLUGINS, PLUGIN_CATALOG, PLUGIN_HOST_OPTIONS, PLUGIN_REGISTRIES, pluginToken } from './tokens';

/**
 * Registers plugins in a new child of `container` and returns the child; the
 * parent is untouched. In the child:
 * - `PLUGIN_CATALOG` → the PluginCatalog (singleton in the child);
 * - `PLUGIN_REGISTRIES[kind]` → that kind's PluginRegistry;
 * - `pluginToken(kind, name)` → that plugin's PluginFactory;
 * - `LOADED_PLUGINS`, `PLUGIN_HOST_OPTIONS` → the inputs.
 * Built-in plugins are included unless `options.builtins === false`.
 * Validates eagerly: duplicate names throw PluginError here, not at first use.
 */
export function registerPlugins(
  container: DependencyContainer,
  plugins: readonly (LoadedPlugin | AnyPluginDefinition)[],
  options: PluginHostOptions = {},
): DependencyContainer {
  const child = container.createChildContainer();
  const all: LoadedPlugin[] = [
    ...(options.builtins === false ? [] : BUILTIN_PLUGINS.map((definition): LoadedPlugin => ({ definition, source: { type: 'builtin' } }))),
    ...plugins.map((p): LoadedPlugin => ('definition' in p ? p : { definition: p, source: { type: 'inline' } })),
  ];
  child.register(PLUGIN_HOST_OPTIONS, { useValue: options });
  child.register(LOADED_PLUGINS, { useValue: all });
  child.register(PLUGIN_CATALOG, { useClass: PluginCatalog }, { lifecycle: Lifecycle.Singleton });
  const catalog = child.resolve<PluginCatalog>(PLUGIN_CATALOG);
  for (const kind of PLUGIN_KINDS) registerKind(child, catalog, kind);
  return child;
}

function registerKind<K extends PluginKind>(child: DependencyContainer, catalog: PluginCatalog, kind: K): void {
  child.register(PLUGIN_REGISTRIES[kind], { useFactory: instanceCachingFactory(() => catalog.registry(kind)) });
  const registry = catalog.registry(kind);
  for (const name of registry.names()) child.register(pluginToken(kind, name), { useValue: registry.get(name) });
}

/** `loadPlugins` then `registerPlugins`: what an app's composition root calls with its configured plugin specs. */
export async function loadAndRegisterPlugins(
  container: DependencyContainer,
  specs: readonly string[],
  options: PluginHostOptions & LoadPluginsOptions = {},
): Promise<DependencyContainer> {
  return registerPlugins(container, await loadPlugins(specs, options), options);
}
