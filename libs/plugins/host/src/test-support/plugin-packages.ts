import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The committed fixture plugin package (CommonJS, two entries). */
export const FIXTURE_PACKAGE_DIR = path.join(__dirname, 'fixtures', 'hash-partitioner');
export const FIXTURE_PACKAGE_NAME = '@fixtures/tributary-hash-partitioner';

/** A fresh temp dir; remove with `removeTempDirs()` in afterAll. */
const created: string[] = [];
export function makeTempDir(prefix = 'tributary-plugins-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Copies the fixture package into `<root>/node_modules/<name>`, as `npm install` would. */
export function installFixture(root: string): string {
  const target = path.join(root, 'node_modules', ...FIXTURE_PACKAGE_NAME.split('/'));
  mkdirSync(path.dirname(target), { recursive: true });
  cpSync(FIXTURE_PACKAGE_DIR, target, { recursive: true });
  return target;
}

export interface PackageSpec {
  readonly name?: string;
  readonly version?: string;
  /** The "tributary" manifest field; omit the key to leave it out. */
  readonly manifest?: unknown;
  /** Files to write, relative to the package dir. */
  readonly files?: Readonly<Record<string, string>>;
}

/** Writes a plugin package into `dir` (created if needed); returns `dir`. */
export function writePluginPackage(dir: string, spec: PackageSpec): string {
  mkdirSync(dir, { recursive: true });
  const pkg: Record<string, unknown> = { name: spec.name ?? 'test-plugin', version: spec.version ?? '0.0.1', main: 'index.js' };
  if ('manifest' in spec) pkg['tributary'] = spec.manifest;
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  for (const [file, text] of Object.entries(spec.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** CommonJS source of a minimal plugin definition; `overrides` is spliced in as object-literal text. */
export function pluginModule(fields: { kind?: string; name?: string; apiVersion?: string; create?: string } = {}): string {
  return [
    "'use strict';",
    'module.exports = {',
    `  kind: ${JSON.stringify(fields.kind ?? 'partitioner')},`,
    `  name: ${JSON.stringify(fields.name ?? 'tmp-partitioner')},`,
    "  version: '0.0.1',",
    `  apiVersion: ${JSON.stringify(fields.apiVersion ?? '1.0.0')},`,
    `  create: ${fields.create ?? '() => ({ partition: () => 0 })'},`,
    '};',
    '',
  ].join('\n');
}
