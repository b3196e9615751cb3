import { type AnyPluginDefinition, PLUGIN_API_VERSION, checkApiCompatibility, validatePluginDefinition } from '@tributary/plugins-api';
import path from 'node:path';
import { discoverPluginPackage } from './discover';
import { PluginError } from './plugin-error';

/** Where a registered plugin came from. */
export type PluginSource =
  | {
      readonly type: 'package';
      readonly spec: string;
      readonly packageName: string;
      readonly packageVersion: string;
      readonly packageDir: string;
      readonly entry: string;
    }
  | { readonly type: 'builtin' }
  | { readonly type: 'inline' };

export interface LoadedPlugin {
  readonly definition: AnyPluginDefinition;
  readonly source: PluginSource;
}

export interface LoadPluginsOptions {
  /** Directory that relative paths and package names resolve from. Default: process.cwd(). */
  readonly baseDir?: string;
  /** The plugin API version this host implements. Default: PLUGIN_API_VERSION. */
  readonly hostApiVersion?: string;
  /** Imports an entry module by absolute path. Default: dynamic `import()`. */
  readonly importModule?: (absolutePath: string) => Promise<unknown>;
}

const defaultImport = (absolutePath: string): Promise<unknown> => import(absolutePath);

/**
 * Discovers, version-checks, imports and validates the plugins in `specs`,
 * in order. Fails on the first problem, with a PluginError that names the
 * spec and says what to fix: a host never starts with a plugin it could not
 * load as configured.
 *
 * Steps per spec: find the package (npm name or path) → read the
 * `"tributary"` manifest → check the manifest's apiVersion (UNSUPPORTED_VERSION
 * on mismatch, before importing any code) → import each entry → take its
 * default export (or `plugins`), a definition or an array of them → validate
 * each definition's shape and apiVersion.
 */
export async function loadPlugins(specs: readonly string[], options: LoadPluginsOptions = {}): Promise<LoadedPlugin[]> {
  const baseDir = options.baseDir ?? process.cwd();
  const hostApiVersion = options.hostApiVersion ?? PLUGIN_API_VERSION;
  const importModule = options.importModule ?? defaultImport;
  const loaded: LoadedPlugin[] = [];
  for (const spec of specs) {
    const pkg = await discoverPluginPackage(spec, baseDir);
    const where = `plugin package ${pkg.packageName}@${pkg.packageVersion} ('${spec}')`;
    const manifestCompat = checkApiCompatibility(pkg.manifest.apiVersion, hostApiVersion);
    if (!manifestCompat.compatible) {
      throw new PluginError('api-version', `${where} cannot be loaded: ${manifestCompat.reason}`, { spec });
    }
    for (const entry of pkg.entries) {
      const relativeEntry = path.relative(pkg.packageDir, entry);
      let exported: unknown;
      try {
        exported = await importModule(entry);
      } catch (error) {
        throw new PluginError('import', `${where}: importing ${relativeEntry} failed: ${(error as Error).message}`, { spec, cause: error });
      }
      const definitions = definitionsFrom(exported);
      if (definitions.length === 0) {
        throw new PluginError('invalid', `${where}: ${relativeEntry} must export a plugin definition (definePlugin(...)) or an array of them as its default export or as 'plugins'`, { spec });
      }
      for (const [index, candidate] of definitions.entries()) {
        const problems = validatePluginDefinition(candidate);
        if (problems.length > 0) {
          throw new PluginError('invalid', `${where}: export #${index} of ${relativeEntry} is not a valid plugin definition: ${problems.join('; ')}`, { spec });
        }
        const definition = candidate as AnyPluginDefinition;
        const compat = checkApiCompatibility(definition.apiVersion, hostApiVersion);
        if (!compat.compatible) {
          throw new PluginError('api-version', `${where}: ${definition.kind} plugin '${definition.name}' cannot be loaded: ${compat.reason}`, {
            spec,
            pluginKind: definition.kind,
            pluginName: definition.name,
          });
        }
        loaded.push({
          definition,
          source: { type: 'package', spec, packageName: pkg.packageName, packageVersion: pkg.packageVersion, packageDir: pkg.packageDir, entry },
        });
      }
    }
  }
  return loaded;
}

/** Unwraps module interop layers (ESM namespace, CJS `default`) down to a definition or an array of them. */
function definitionsFrom(exported: unknown): unknown[] {
  let current = exported;
  for (let depth = 0; depth < 3 && isObject(current) && !Array.isArray(current); depth++) {
    if (current['default'] !== undefined && current['default'] !== null) current = current['default'];
    else break;
  }
  if (isObject(current) && !Array.isArray(current) && current['kind'] === undefined && Array.isArray(current['plugins'])) current = current['plugins'];
  if (Array.isArray(current)) return current;
  return isObject(current) && current['kind'] !== undefined ? [current] : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}
