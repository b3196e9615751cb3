import { parseApiVersion } from '@tributary/plugins-api';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PluginError } from './plugin-error';

/** The package.json field that makes a package a Tributary plugin package. */
export const MANIFEST_FIELD = 'tributary';

/**
 * The manifest, in a plugin package's package.json:
 *
 * ```json
 * "tributary": { "apiVersion": "1.0.0", "plugins": ["./dist/index.js"] }
 * ```
 *
 * `apiVersion` is the plugin API the package was built against (checked
 * before any of its code is imported); `plugins` lists entry modules,
 * relative to the package, each exporting a plugin definition or an array of
 * them as its default export (or as `plugins`).
 */
export interface PluginManifest {
  readonly apiVersion: string;
  readonly plugins: readonly string[];
}

export interface PluginPackage {
  readonly spec: string;
  readonly packageDir: string;
  readonly packageName: string;
  readonly packageVersion: string;
  readonly manifest: PluginManifest;
  /** Absolute paths of the entry modules, in manifest order. */
  readonly entries: readonly string[];
}

const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** A spec is a path when it is absolute, starts with '.', or contains a separator outside a scoped name. */
export function isPathSpec(spec: string): boolean {
  if (path.isAbsolute(spec) || spec.startsWith('.')) return true;
  return !spec.startsWith('@') && (spec.includes('/') || spec.includes('\\'));
}

/**
 * Finds a plugin package from a spec (an npm package name, resolved like
 * `require` from `baseDir`; or a path to the package directory or its
 * package.json, relative to `baseDir`) and reads and validates its manifest.
 *
 * @throws PluginError `not-found` or `manifest` (INVALID_CONFIG).
 */
export async function discoverPluginPackage(spec: string, baseDir: string): Promise<PluginPackage> {
  const packageJsonPath = isPathSpec(spec) ? packageJsonFromPath(spec, baseDir) : packageJsonFromName(spec, baseDir);
  const packageDir = path.dirname(packageJsonPath);
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(await readFile(packageJsonPath, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new PluginError('manifest', `plugin '${spec}': cannot read ${packageJsonPath}: ${(error as Error).message}`, { spec, cause: error });
  }
  const packageName = typeof pkg['name'] === 'string' ? pkg['name'] : path.basename(packageDir);
  const packageVersion = typeof pkg['version'] === 'string' ? pkg['version'] : '0.0.0';
  const manifest = validateManifest(spec, packageName, pkg[MANIFEST_FIELD]);
  const entries = manifest.plugins.map((entry) => resolveEntry(spec, packageDir, entry));
  return { spec, packageDir, packageName, packageVersion, manifest, entries };
}

function packageJsonFromPath(spec: string, baseDir: string): string {
  const target = path.resolve(baseDir, spec);
  if (!existsSync(target)) throw new PluginError('not-found', `plugin '${spec}': ${target} does not exist`, { spec });
  const packageJsonPath = statSync(target).isDirectory() ? path.join(target, 'package.json') : target;
  if (path.basename(packageJsonPath) !== 'package.json' || !existsSync(packageJsonPath)) {
    throw new PluginError('not-found', `plugin '${spec}': expected a plugin package directory containing package.json at ${target}`, { spec });
  }
  return packageJsonPath;
}

function packageJsonFromName(spec: string, baseDir: string): string {
  if (!PACKAGE_NAME.test(spec)) {
    throw new PluginError('not-found', `plugin '${spec}': not a valid npm package name (use ./relative or /absolute paths for directories)`, { spec });
  }
  const requireFrom = createRequire(path.join(path.resolve(baseDir), 'noop.js'));
  try {
    return requireFrom.resolve(`${spec}/package.json`);
  } catch (error) {
    // Packages whose "exports" hide package.json: resolve the main entry and walk up to the package root.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      const found = findPackageJsonAbove(requireFrom.resolve(spec), spec);
      if (found) return found;
    }
    throw new PluginError('not-found', `plugin '${spec}': package is not installed (resolved from ${baseDir})`, { spec, cause: error });
  }
}

function findPackageJsonAbove(file: string, name: string): string | undefined {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate) && path.basename(dir) === name.split('/').pop()) return candidate;
  }
  return undefined;
}

function validateManifest(spec: string, packageName: string, raw: unknown): PluginManifest {
  const fail = (problem: string): never => {
    throw new PluginError(
      'manifest',
      `plugin '${spec}' (package ${packageName}): ${problem}; a plugin package.json declares "${MANIFEST_FIELD}": { "apiVersion": "1.0.0", "plugins": ["./dist/index.js"] }`,
      { spec },
    );
  };
  if (raw === undefined) return fail(`package.json has no "${MANIFEST_FIELD}" field`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`"${MANIFEST_FIELD}" must be an object`);
  const manifest = raw as Record<string, unknown>;
  const apiVersion = manifest['apiVersion'];
  if (typeof apiVersion !== 'string' || !parseApiVersion(apiVersion)) return fail(`"${MANIFEST_FIELD}.apiVersion" must be a version like "1.0.0"`);
  const plugins = manifest['plugins'];
  if (!Array.isArray(plugins) || plugins.length === 0 || !plugins.every((p) => typeof p === 'string' && p.length > 0)) {
    return fail(`"${MANIFEST_FIELD}.plugins" must be a non-empty array of module paths`);
  }
  return { apiVersion, plugins: plugins as string[] };
}

function resolveEntry(spec: string, packageDir: string, entry: string): string {
  const absolute = path.resolve(packageDir, entry);
  const relative = path.relative(packageDir, absolute);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new PluginError('manifest', `plugin '${spec}': entry '${entry}' points outside the package`, { spec });
  }
  if (!existsSync(absolute)) {
    throw new PluginError('manifest', `plugin '${spec}': entry '${entry}' does not exist at ${absolute} (is the plugin built?)`, { spec });
  }
  return absolute;
}
