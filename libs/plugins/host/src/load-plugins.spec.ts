import 'reflect-metadata';
import { PluginError } from './plugin-error';
import { loadPlugins } from './load-plugins';
import { isPathSpec } from './discover';
import path from 'node:path';
import {
  FIXTURE_PACKAGE_DIR,
  FIXTURE_PACKAGE_NAME,
  installFixture,
  makeTempDir,
  pluginModule,
  removeTempDirs,
  writePluginPackage,
} from './test-support/plugin-packages';

afterAll(removeTempDirs);

const manifest = (apiVersion = '1.0.0', plugins = ['./index.js']) => ({ apiVersion, plugins });

/** The PluginError a load rejects with (fails the test if it resolves). */
async function loadError(specs: string[], baseDir: string, hostApiVersion?: string): Promise<PluginError> {
  try {
    await loadPlugins(specs, { baseDir, hostApiVersion });
  } catch (error) {
    expect(error).toBeInstanceOf(PluginError);
    return error as PluginError;
  }
  throw new Error('expected loadPlugins to reject');
}

describe('loadPlugins', () => {
  it('loads the fixture package from a temp dir path: every entry, in manifest order', async () => {
    const base = makeTempDir();
    installFixture(base);
    const loaded = await loadPlugins([`./node_modules/${FIXTURE_PACKAGE_NAME}`], { baseDir: base });
    expect(loaded.map((p) => `${p.definition.kind}/${p.definition.name}`)).toEqual(['partitioner/fixture-hash', 'producer-interceptor/fixture-tagger']);
    expect(loaded[0].source).toEqual({
      type: 'package',
      spec: `./node_modules/${FIXTURE_PACKAGE_NAME}`,
      packageName: FIXTURE_PACKAGE_NAME,
      packageVersion: '1.2.3',
      packageDir: path.join(base, 'node_modules', FIXTURE_PACKAGE_NAME),
      entry: path.join(base, 'node_modules', FIXTURE_PACKAGE_NAME, 'index.js'),
    });
  });

  it('loads the fixture by npm package name, resolved from baseDir like require', async () => {
    const base = makeTempDir();
    installFixture(base);
    const loaded = await loadPlugins([FIXTURE_PACKAGE_NAME], { baseDir: base });
    expect(loaded.map((p) => p.definition.name)).toEqual(['fixture-hash', 'fixture-tagger']);
  });

  it('loads by absolute path, and by a path to package.json', async () => {
    expect((await loadPlugins([FIXTURE_PACKAGE_DIR])).length).toBe(2);
    expect((await loadPlugins([path.join(FIXTURE_PACKAGE_DIR, 'package.json')])).length).toBe(2);
  });

  it('accepts a plugin built against an older minor, and a newer patch', async () => {
    const dir = writePluginPackage(path.join(makeTempDir(), 'p'), {
      manifest: manifest('1.0.7'),
      files: { 'index.js': pluginModule({ apiVersion: '1.1.0' }) },
    });
    const loaded = await loadPlugins([dir], { hostApiVersion: '1.2.0' });
    expect(loaded[0].definition.apiVersion).toBe('1.1.0');
  });

  describe('version mismatch', () => {
    it('rejects a manifest apiVersion of another major before importing any code', async () => {
      const dir = writePluginPackage(path.join(makeTempDir(), 'p'), {
        name: 'future-plugin',
        version: '3.0.0',
        manifest: manifest('2.0.0'),
        files: { 'index.js': "throw new Error('must not be imported');" },
      });
      const error = await loadError([dir], '/');
      expect(error.codeName).toBe('UNSUPPORTED_VERSION');
      expect(error.failure).toBe('api-version');
      expect(error.retriable).toBe(false);
      expect(error.message).toBe(
        `plugin package future-plugin@3.0.0 ('${dir}') cannot be loaded: it targets plugin API 2.0.0 but this host implements 1.0.0; major versions must match`,
      );
    });

    it('rejects a definition that needs a newer minor than the host has', async () => {
      const dir = writePluginPackage(path.join(makeTempDir(), 'p'), {
        manifest: manifest('1.0.0'),
        files: { 'index.js': pluginModule({ name: 'needs-1.1', apiVersion: '1.1.0' }) },
      });
      const error = await loadError([dir], '/');
      expect(error.codeName).toBe('UNSUPPORTED_VERSION');
      expect(error.pluginName).toBe('needs-1.1');
      expect(error.message).toMatch(/partitioner plugin 'needs-1\.1' cannot be loaded: it targets plugin API 1\.1\.0, newer than the 1\.0\.0 this host implements/);
    });
  });

  describe('malformed plugins are rejected with a message that says what to fix', () => {
    const cases: [string, Parameters<typeof writePluginPackage>[1], RegExp][] = [
      ['no manifest', { files: { 'index.js': pluginModule() } }, /package\.json has no "tributary" field; a plugin package\.json declares "tributary": \{ "apiVersion": "1\.0\.0", "plugins": \["\.\/dist\/index\.js"\] \}/],
      ['manifest without entries', { manifest: { apiVersion: '1.0.0', plugins: [] } }, /"tributary\.plugins" must be a non-empty array of module paths/],
      ['manifest with a bad apiVersion', { manifest: { apiVersion: 'latest', plugins: ['./index.js'] } }, /"tributary\.apiVersion" must be a version like "1\.0\.0"/],
      ['entry outside the package', { manifest: manifest('1.0.0', ['../evil.js']) }, /entry '\.\.\/evil\.js' points outside the package/],
      ['entry not built', { manifest: manifest('1.0.0', ['./dist/index.js']) }, /entry '\.\/dist\/index\.js' does not exist at .* \(is the plugin built\?\)/],
      ['entry that throws on import', { manifest: manifest(), files: { 'index.js': "throw new Error('kaboom');" } }, /importing index\.js failed: kaboom/],
      ['entry exporting nothing useful', { manifest: manifest(), files: { 'index.js': 'module.exports = { hello: 1 };' } }, /index\.js must export a plugin definition \(definePlugin\(\.\.\.\)\) or an array of them/],
      [
        'definition without create and with an unknown kind',
        { manifest: manifest(), files: { 'index.js': "module.exports = { kind: 'serializer', name: 'x', version: '1.0.0', apiVersion: '1.0.0' };" } },
        /export #0 of index\.js is not a valid plugin definition: kind must be one of partitioner, .*; create must be a function/,
      ],
    ];

    it.each(cases)('%s', async (_title, spec, message) => {
      const dir = writePluginPackage(path.join(makeTempDir(), 'p'), spec);
      const error = await loadError([dir], '/');
      expect(error.codeName).toBe('INVALID_CONFIG');
      expect(error.spec).toBe(dir);
      expect(error.message).toMatch(message);
    });

    it('a missing path or package', async () => {
      const base = makeTempDir();
      expect((await loadError(['./nowhere'], base)).message).toBe(`plugin './nowhere': ${path.join(base, 'nowhere')} does not exist`);
      const missing = await loadError(['@acme/not-installed'], base);
      expect(missing.failure).toBe('not-found');
      expect(missing.message).toBe(`plugin '@acme/not-installed': package is not installed (resolved from ${base})`);
      expect((await loadError(['Not A Name'], base)).message).toMatch(/not a valid npm package name/);
    });
  });

  it('tells paths from package names', () => {
    expect(isPathSpec('./x')).toBe(true);
    expect(isPathSpec('/abs/x')).toBe(true);
    expect(isPathSpec('plugins/x')).toBe(true);
    expect(isPathSpec('@scope/name')).toBe(false);
    expect(isPathSpec('name')).toBe(false);
  });
});
